"""The ledger: the review folder's record of what happened, in one SQLite file
(`ledger.sqlite` beside review.yaml).

What was sent (every edition of every workbook, with the spec and content it
was made from), every return seen (its SHA-256, sender, which sent workbook
it answers, its problems), what the officer decided about each, every
consolidation (inputs and outputs by hash) and the records of each review,
carried from year to year. The folder's CSV and YAML stay the officer's
settings; nothing here is a second place to edit them.

Each command writes in one transaction (BEGIN IMMEDIATE ... COMMIT), so a
command that fails half-way leaves the ledger as it was and two commands on
one folder take turns. The schema has a version (PRAGMA user_version) and a
list of migrations; a ledger from an older kcp-sheets is brought up to date
when opened. A folder without a ledger gets one on first use.
"""

from __future__ import annotations

from .editions import SentEditions, SentRow
from .opening import BUSY_SECONDS, LEDGER_FILE, failure, now
from .records import ReviewRecords
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "BUSY_SECONDS",
    "LEDGER_FILE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Ledger",
    "SentRow",
    "failure",
    "now",
]


class Ledger(SentEditions, ReviewRecords):
    """One open ledger: the file opened (`opening`), what was sent (`editions`)
    and the records of each review (`records`); returns and consolidations are
    the functions of `returns` and `consolidations`, given a Ledger. Use as a
    context manager; write inside `transaction()`."""
