"""The ledger file opened: for writing (WAL, foreign keys, migrated to the
current schema) or for reading alone, its transactions, its audit events,
and what went wrong told apart in the officer's words.

Each command writes in one transaction (BEGIN IMMEDIATE ... COMMIT), so a
command that fails half-way leaves the ledger as it was and two commands on
one folder take turns. A folder without a ledger gets one on first use.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from ..problems import ProblemError, problem
from ..settings import SETTINGS_FILE
from .schema import MIGRATIONS, SCHEMA_VERSION

LEDGER_FILE = "ledger.sqlite"
BUSY_SECONDS = 120  # how long a command waits for another on the same folder


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def failure(exc: sqlite3.Error, path: Path, busy_seconds: float) -> ProblemError:
    """What went wrong with the ledger, told apart: busy, read-only, a full
    disk, or really damaged. Only the last is advice to rebuild it."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return ProblemError([problem("ledger-busy", path.name, detail=f"{busy_seconds:g} seconds")])
    if "readonly" in text or "read-only" in text or "unable to open" in text or "access permission" in text:
        return ProblemError([problem("ledger-read-only", path.name, detail=str(exc))])
    if "disk is full" in text or "i/o error" in text or "out of memory" in text:
        return ProblemError([problem("ledger-disk-full", path.name, detail=str(exc))])
    return ProblemError([problem("ledger-unreadable", path.name, detail=str(exc))])


def _read_only(path: Path, busy_seconds: float) -> sqlite3.Connection:
    """The ledger opened for reading alone. In a folder that cannot be written
    (a copy on a CD, a read-only share) SQLite cannot make the file it shares
    with writers, and none can be writing: there it is read as it stands."""
    uri = path.resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=busy_seconds, isolation_level=None)
    try:
        db.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError:
        db.close()
        if os.access(path.parent, os.W_OK):
            raise
        db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
    return db


class Opened:
    """One open ledger. Use as a context manager; write inside `transaction()`.

    `read_only` opens it for reading alone (what `returns` and the desk's pages
    need): it works on a read-only copy of a review and never waits for a
    command writing it. `busy_seconds` is how long to wait for another
    command that is writing it before saying so."""

    def __init__(self, folder: Path, read_only: bool = False, busy_seconds: float = BUSY_SECONDS) -> None:
        self.path = folder / LEDGER_FILE
        self.busy_seconds = busy_seconds
        if not (folder / SETTINGS_FILE).is_file():  # never a ledger in a folder that is not a review's
            raise ProblemError(
                [problem("settings-missing", str(folder), what=f"The review settings {folder / SETTINGS_FILE}")]
            )
        self.created = not self.path.exists()
        try:
            if read_only and self.created:  # nothing recorded yet: read as an empty ledger, and make no file
                self.db = sqlite3.connect(":memory:", isolation_level=None)
            elif read_only:
                self.db = _read_only(self.path, busy_seconds)
            else:
                self.db = sqlite3.connect(self.path, timeout=busy_seconds, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            if read_only and self.created:
                self._migrate()
            elif read_only:
                self._readable()
            else:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute(
                    "PRAGMA synchronous=NORMAL"
                )  # WAL: a power cut may lose the last command, never corrupt the ledger
                self.db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
        except sqlite3.Error as exc:
            raise failure(exc, self.path, busy_seconds) from None
        self._depth = 0

    def _readable(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ProblemError(
                [problem("ledger-newer", self.path.name, detail=str(version), expected=str(SCHEMA_VERSION))]
            )
        if version < SCHEMA_VERSION:
            raise ProblemError(
                [problem("ledger-older", self.path.name, detail=str(version), expected=str(SCHEMA_VERSION))]
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ProblemError(
                [problem("ledger-newer", self.path.name, detail=str(version), expected=str(SCHEMA_VERSION))]
            )
        if version == SCHEMA_VERSION:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[
                0
            ]  # another command may have migrated meanwhile
            for steps in MIGRATIONS[version:]:
                for statement in steps:
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """All or nothing; other commands on the folder wait their turn."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise failure(exc, self.path, self.busy_seconds) from None
        self._depth = 1
        try:
            yield self
        except sqlite3.Error as exc:
            self._rollback()
            raise failure(exc, self.path, self.busy_seconds) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise failure(exc, self.path, self.busy_seconds) from None
        finally:
            self._depth = 0

    def _rollback(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite rolled back already (a full disk, say): nothing was changed either way

    def event(self, what: str, return_id: int | None = None, detail: str = "") -> None:
        self.db.execute(
            "INSERT INTO events (at, what, return_id, detail) VALUES (?, ?, ?, ?)", (now(), what, return_id, detail)
        )
