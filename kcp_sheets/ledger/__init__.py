"""The ledger: the review folder's record of what happened, in one SQLite
file (`ledger.sqlite` beside review.yaml). All the SQL of the project is in
this package, and each change writes its audit event in the same function:

- `store`: the Ledger, made of `opening` (the file opened, transactions,
  audit events, what went wrong), `editions` (what was sent) and `records`
  (the records of each review); `schema`, the tables and their migrations;
- `returns`: every return seen, its problems, the officer's decisions;
- `consolidations`: each plan written, with its inputs by hash.
"""

from .store import (
    BUSY_SECONDS,
    LEDGER_FILE,
    MIGRATIONS,
    SCHEMA_VERSION,
    Ledger,
    SentRow,
    failure,
    now,
)

__all__ = ["BUSY_SECONDS", "LEDGER_FILE", "MIGRATIONS", "SCHEMA_VERSION", "Ledger", "SentRow", "failure", "now"]
