"""A problem found in an uploaded sheet: the row as Excel numbers it, the column as headed in the user's file."""

from __future__ import annotations

from dataclasses import dataclass

from app.translation import N_, Message


@dataclass(frozen=True)
class CellError:
    """What is wrong, and where; ``col`` is the 0-based column when known (the error workbook marks that cell)."""

    row: int
    column: str  # the header as written in the file (data), "" for the whole row
    message: Message | str
    col: int | None = None


def nothing_imported(count: int) -> Message:
    """The one-line answer to a refused sheet: nothing was kept, and how many problems were found."""
    if count == 1:
        return N_("Nothing was imported: 1 problem found.")
    return N_("Nothing was imported: {count} problems found.", count=count)
