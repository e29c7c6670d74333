"""Which column of an uploaded sheet holds which field: the header words offices use, a mapping the user
chose (or saved), and every column the sheet has accounted for.

An import declares its `Field`s, each with the Chinese header of the template and the other words offices write
for it (文化程度/学历/最高学历 …). `lay_out` finds the header row among the first rows, then gives each column
a field: the user's mapping first (header → field key, or IGNORE), then the words. A column it cannot place is
*unmapped*: an import refuses the sheet until the user maps it or marks it ignored, so nothing in the sheet is
dropped unless the user saw it and chose to. Headers are matched after folding full-width forms, spaces,
brackets, case and required-marks (＊证件号码（必填） is 证件号码; 职业（工种） and 职业(工种) are the same).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from app.errors import ValidationFailed
from app.spreadsheets.cells import cell_text, is_blank
from app.spreadsheets.errors import CellError
from app.translation import N_, Message, joined

IGNORE = ""  # a mapping value: the user saw the column and chose to leave it out
HEADER_SEARCH_ROWS = 10
SAMPLES = 3
_NOTE_IN_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
_MARKS = "*※★☆#"


@dataclass(frozen=True)
class Field:
    """One field an import reads: its key, the template's (Chinese) header, the other header words accepted,
    its name in the user's language (a marked message) and, for the template, a note and an example."""

    key: str
    header: str
    label: Message
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: Message | None = None
    example: str = ""
    text_format: bool = False  # the template formats the column as text (ID and phone numbers)
    sensitive: bool = False  # samples are masked in the preview (ID and phone numbers)
    width: int = 14


def fold_header(value: object) -> str:
    """A header as compared: full-width folded, no spaces or required-marks, lower case; brackets kept."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    return "".join(text.split()).strip(_MARKS).lower()


def _variants(folded: str) -> tuple[str, ...]:
    """The folded header, then without a bracketed note (证件号码(必填)), then with the brackets dropped."""
    without_note = _NOTE_IN_BRACKETS.sub("", folded).strip(_MARKS)
    without_brackets = re.sub(r"[()\[\]]", "", folded)
    return tuple(dict.fromkeys(v for v in (folded, without_note, without_brackets) if v))


class Vocabulary:
    """The header words of one import's fields, folded."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        self.by_key = {f.key: f for f in self.fields}
        self._words: dict[str, str] = {}
        for f in self.fields:
            for word in (f.header, *f.aliases):
                for variant in _variants(fold_header(word)):
                    self._words.setdefault(variant, f.key)

    def match(self, header: object) -> str | None:
        """The field a header names, or None."""
        folded = fold_header(header)
        return next((self._words[v] for v in _variants(folded) if v in self._words), None) if folded else None

    def words(self, key: str) -> tuple[str, ...]:
        """The header words accepted for a field, the template's first."""
        f = self.by_key[key]
        return (f.header, *f.aliases)


@dataclass(frozen=True)
class SheetColumn:
    """One column of the uploaded sheet and the field it was given."""

    index: int  # 0-based
    header: str  # as written in the file; "" when the header cell is empty
    key: str  # what a mapping names it by: the folded header, or "#F" for a column without a header
    field: str | None  # the field key, or None (ignored or unmapped)
    source: str  # "mapping", "words", "ignored" or "unmapped"
    samples: tuple[str, ...] = ()

    @property
    def letter(self) -> str:
        """The column's letter as Excel shows it."""
        return get_column_letter(self.index + 1)

    @property
    def label(self) -> str:
        """How a report names the column: its header, or its letter when it has none."""
        return self.header or f"#{self.letter}"


@dataclass
class Layout:
    """Where the header row is and which column holds which field; `errors` when the sheet cannot be read so."""

    row_index: int  # 0-based index of the header row in Table.rows
    columns: list[SheetColumn]
    positions: dict[str, int]
    vocabulary: Vocabulary
    errors: list[CellError] = field(default_factory=list)

    @property
    def row_number(self) -> int:
        """The header row as Excel numbers it."""
        return self.row_index + 1

    def header(self, key: str) -> str:
        """The header a field has in the file (the template's header when the field is not in it)."""
        place = self.positions.get(key)
        return self.columns[place].label if place is not None else self.vocabulary.by_key[key].header

    def value(self, row: Sequence, key: str) -> object:
        """A field's cell in a data row, None when the field is not in the sheet."""
        place = self.positions.get(key)
        return row[place] if place is not None and place < len(row) else None

    @property
    def unmapped(self) -> list[SheetColumn]:
        """Columns with data that no field and no choice of the user accounts for."""
        return [c for c in self.columns if c.source == "unmapped"]

    @property
    def missing(self) -> list[Field]:
        """Required fields no column holds."""
        return [f for f in self.vocabulary.fields if f.required and f.key not in self.positions]

    def mapping(self) -> dict[str, str]:
        """The layout as a mapping to save or send back: column key → field key or IGNORE."""
        return {c.key: c.field or IGNORE for c in self.columns if c.source != "unmapped"}


def column_key(header: object, index: int) -> str:
    """The name a mapping uses for a column: its folded header, or #F for a header-less column F."""
    folded = fold_header(header)
    return folded or f"#{get_column_letter(index + 1)}"


def normalise_mapping(mapping: Mapping[str, str | None] | None, vocabulary: Vocabulary) -> dict[str, str]:
    """A mapping with folded column keys and checked field keys (None means IGNORE)."""
    clean: dict[str, str] = {}
    for column, key in (mapping or {}).items():
        key = (key or IGNORE).strip()
        if key != IGNORE and key not in vocabulary.by_key:
            raise ValidationFailed(N_("The mapping names an unknown field “{field}” for the column “{column}”; the "
                                      "fields are: {fields}.", field=key, column=column,
                                      fields=joined(vocabulary.by_key)), field="mapping")
        name = column.strip()
        clean[name if name.startswith("#") else fold_header(name)] = key
    return clean


def mapping_from_json(text: str) -> dict[str, str]:
    """A mapping sent as JSON text (an API form field, a mapping file): an object of column → field key or null.

    Only the shape is checked here; `lay_out` checks the field keys."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict) or not all(v is None or isinstance(v, str) for v in value.values()):
        raise ValidationFailed(N_("The mapping must be a JSON object of column headers and field keys (null leaves "
                                  "the column out), such as {example}.",
                                  example='{"备注": null, "受教育程度": "education"}'), field="mapping")
    return {column: key or IGNORE for column, key in value.items()}


def _header_row(rows: Sequence[Sequence], vocabulary: Vocabulary, mapping: Mapping[str, str]) -> int:
    """The first of the first rows naming a required field, else the one naming most fields; -1 if none."""
    required = {f.key for f in vocabulary.fields if f.required}
    best, best_count = -1, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = set()
        for place, value in enumerate(row):
            if is_blank(value):
                continue
            given = mapping.get(column_key(value, place))
            key = given if given else vocabulary.match(value)
            if key:
                keys.add(key)
        if keys & required or (not required and keys):
            return index
        if len(keys) > best_count:
            best, best_count = index, len(keys)
    return best if best_count >= 2 else -1


def _samples(rows: Sequence[Sequence], start: int, index: int) -> tuple[tuple[str, ...], bool]:
    """A few values of a column below the header, and whether the column has any data at all."""
    found: list[str] = []
    has_data = False
    for row in rows[start:]:
        if index < len(row) and not is_blank(row[index]):
            has_data = True
            if len(found) < SAMPLES:
                found.append(cell_text(row[index]))
            else:
                break
    return tuple(found), has_data


def lay_out(rows: Sequence[Sequence], fields: Sequence[Field] | Vocabulary, *,
            mapping: Mapping[str, str | None] | None = None, ignore_unmapped: bool = False,
            keep_unmapped: bool = False) -> Layout:
    """Find the header row and give every column a field; collect what stops the sheet being read.

    `mapping` (column key → field key, or IGNORE / None) comes first, then the header words. A column with data
    that neither places is refused as unmapped unless `ignore_unmapped` (the user said to leave such columns
    out) or `keep_unmapped` (an import that carries the user's own columns through, like the bulk check).
    """
    vocabulary = fields if isinstance(fields, Vocabulary) else Vocabulary(fields)
    chosen = normalise_mapping(mapping, vocabulary)
    index = _header_row(rows, vocabulary, chosen)
    if index < 0:
        expected = "、".join(f.header for f in vocabulary.fields if f.required) or vocabulary.fields[0].header
        return Layout(0, [], {}, vocabulary, [CellError(1, "", N_(
            "No header row found: none of the first {rows} rows has column names such as “{expected}”. Put the "
            "column names in one row above the data.", rows=HEADER_SEARCH_ROWS, expected=expected))])
    header_row = rows[index]
    width = max((len(row) for row in rows), default=0)
    columns: list[SheetColumn] = []
    for place in range(width):
        header = cell_text(header_row[place]) if place < len(header_row) else ""
        samples, has_data = _samples(rows, index + 1, place)
        if not header and not has_data:
            continue
        key = column_key(header, place)
        if key in chosen:
            given = chosen[key]
            columns.append(SheetColumn(place, header, key, given or None, "mapping" if given else "ignored", samples))
        elif (found := vocabulary.match(header)) is not None:
            columns.append(SheetColumn(place, header, key, found, "words", samples))
        elif ignore_unmapped or keep_unmapped:
            columns.append(SheetColumn(place, header, key, None, "ignored", samples))
        else:
            columns.append(SheetColumn(place, header, key, None, "unmapped", samples))
    layout = Layout(index, columns, {}, vocabulary)
    _place_fields(layout)
    return layout


def _place_fields(layout: Layout) -> None:
    """Fill `positions` and report fields held twice, required fields missing and unmapped columns."""
    by_field: dict[str, list[SheetColumn]] = {}
    for column in layout.columns:
        if column.field:
            by_field.setdefault(column.field, []).append(column)
    errors, number = layout.errors, layout.row_number
    for key, held in by_field.items():
        layout.positions[key] = held[0].index
        if len(held) > 1:
            name = layout.vocabulary.by_key[key].label
            errors.append(CellError(number, held[1].label, N_(
                "The columns {columns} all hold “{field}”; keep one and leave the others out.",
                columns=joined(f"“{c.label}”" for c in held), field=name), held[1].index))
    for f in layout.missing:
        errors.append(CellError(number, f.header, N_(
            "The required column “{column}” is missing (also accepted: {words}); add it or map a column to it.",
            column=f.header, words="、".join(f.aliases) or "—")))
    for column in layout.unmapped:
        errors.append(CellError(number, column.label, N_(
            "The column “{column}” is not recognised; choose the field it holds or leave it out, so that nothing in "
            "the sheet is left out unseen.", column=column.label), column.index))
    errors.sort(key=lambda e: e.col if e.col is not None else -1)
