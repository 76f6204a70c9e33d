"""A cell's name in A1 notation, both ways: one place for column letters,
for the writer, the problems and the readers of sheet XML alike."""

from __future__ import annotations

import re


def column_letter(index: int) -> str:
    """0-based column index to its letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """1-based row and 0-based column as A1 notation, for problems."""
    return f"{column_letter(col)}{row}"


def a1(ref: str) -> tuple[int, int] | None:
    """A1 notation as a 0-based (row, column); None if it is not a cell's name."""
    match = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if not match:
        return None
    return int(match.group(2)) - 1, column_number(match.group(1).encode("ascii")) - 1


def column_number(letters: bytes) -> int:
    """A column's letters as its 1-based number (b"A" -> 1, b"AB" -> 28); bytes,
    as sheet XML is scanned, so the hot path decodes nothing."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
