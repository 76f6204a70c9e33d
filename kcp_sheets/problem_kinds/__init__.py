"""The catalogue of problem kinds: every stable code, its severity and its words.

Data only, one module per family (the review folder, a file in the inbox, the
cells of a return); kcp_sheets.problems builds a Problem from it.
"""

from __future__ import annotations

from .cells import CELLS
from .folder import FOLDER
from .inbox import INBOX
from .kind import Kind, Severity

CATALOGUE: dict[str, Kind] = {**FOLDER, **INBOX, **CELLS}

__all__ = ["CATALOGUE", "Kind", "Severity"]
