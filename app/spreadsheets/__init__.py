"""Uploaded tables, one package for every import (people, enrolments, the shortage catalogue, bulk checks …).

Low and Flask-free: reading (.xlsx, CSV in UTF-8/GBK/UTF-16, tab-separated; .xls refused with a how-to),
cells (text, folded text, dates, numbers), columns (header words, the user's mapping, the header row), the
marked error workbook and import templates. Messages are marked (`N_`) and translated at the edge.

An import reads a sheet in three steps::

    table = read_table(data, filename, max_rows=MAX_ROWS)   # each import's own cap; bounded before parsing
    layout = lay_out(table.rows, FIELDS, mapping=mapping, ignore_unmapped=ignore)
    if layout.errors: ...report them, import nothing...
    for row in data_rows(table, layout): ...row.number, row.get("name")...
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.spreadsheets.cells import cell_date, cell_decimal, cell_text, folded_text, is_blank, is_blank_row
from app.spreadsheets.columns import (
    IGNORE,
    Field,
    Layout,
    SheetColumn,
    Vocabulary,
    fold_header,
    lay_out,
    mapping_from_json,
)
from app.spreadsheets.errors import CellError, nothing_imported
from app.spreadsheets.reading import Table, decode_text, read_table
from app.spreadsheets.workbooks import (
    FORMULA_STARTS,
    error_workbook,
    simple_workbook,
    template_workbook,
)

__all__ = [
    "FORMULA_STARTS", "IGNORE", "CellError", "Field", "Layout", "SheetColumn", "SheetRow", "Table",
    "Vocabulary", "cell_date", "cell_decimal", "cell_text", "data_rows", "decode_text", "error_workbook",
    "fold_header", "folded_text", "is_blank", "is_blank_row", "lay_out", "mapping_from_json", "nothing_imported",
    "read_table", "simple_workbook", "template_workbook",
]


@dataclass(frozen=True)
class SheetRow:
    """One data row: its number as Excel shows it, and its cells (read by field with `get`)."""

    number: int
    cells: Sequence
    layout: Layout

    def get(self, key: str) -> object:
        """The cell of a field, None when the sheet has no such column."""
        return self.layout.value(self.cells, key)

    def text(self, key: str) -> str:
        """The cell of a field as trimmed text."""
        return cell_text(self.get(key))

    def error(self, key: str, message) -> CellError:
        """A problem with this row's cell of a field, named by the file's header."""
        return CellError(self.number, self.layout.header(key), message, self.layout.positions.get(key))


def data_rows(table: Table, layout: Layout) -> Iterator[SheetRow]:
    """The non-blank rows below the header row."""
    for index in range(layout.row_index + 1, len(table.rows)):
        cells = table.rows[index]
        if not is_blank_row(cells):
            yield SheetRow(index + 1, cells, layout)
