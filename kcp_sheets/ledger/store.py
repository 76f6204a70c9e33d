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

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..bulk import building
from ..problems import ProblemError, problem
from ..sent import SentWorkbook, decode, encode
from ..settings import SETTINGS_FILE

LEDGER_FILE = "ledger.sqlite"
BUSY_SECONDS = 120  # how long a command waits for another on the same folder

# Each entry brings the schema up one version; never edit one that has shipped.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE sent (
            id INTEGER PRIMARY KEY,
            review TEXT NOT NULL, template TEXT NOT NULL, cluster TEXT NOT NULL, edition INTEGER NOT NULL,
            template_version INTEGER NOT NULL, title TEXT NOT NULL, file_name TEXT NOT NULL,
            fingerprint TEXT NOT NULL, content_hash TEXT NOT NULL, sha256 TEXT NOT NULL,
            spec TEXT NOT NULL, content TEXT NOT NULL,
            sent_at TEXT NOT NULL, how TEXT NOT NULL,
            UNIQUE (review, template, cluster, edition))""",
        """CREATE TABLE returns (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL, sender TEXT NOT NULL, received TEXT NOT NULL,
            sent_id INTEGER REFERENCES sent(id), review TEXT NOT NULL,
            first_read TEXT NOT NULL, last_read TEXT NOT NULL,
            stage INTEGER NOT NULL, answers INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
            state TEXT NOT NULL, decision TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE problems (
            return_id INTEGER NOT NULL REFERENCES returns(id), key TEXT NOT NULL,
            code TEXT NOT NULL, severity TEXT NOT NULL, sheet TEXT NOT NULL, cell TEXT NOT NULL, row_id TEXT NOT NULL,
            found TEXT NOT NULL, message TEXT NOT NULL, ask TEXT NOT NULL,
            PRIMARY KEY (return_id, key))""",
        """CREATE TABLE dealt_with (
            return_id INTEGER NOT NULL REFERENCES returns(id), key TEXT NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (return_id, key))""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, what TEXT NOT NULL,
            return_id INTEGER REFERENCES returns(id), detail TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE consolidations (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, review TEXT NOT NULL, public INTEGER NOT NULL,
            output TEXT NOT NULL, output_sha256 TEXT NOT NULL)""",
        """CREATE TABLE consolidation_inputs (
            consolidation_id INTEGER NOT NULL REFERENCES consolidations(id), return_id INTEGER REFERENCES returns(id),
            name TEXT NOT NULL, sha256 TEXT NOT NULL, used INTEGER NOT NULL, why TEXT NOT NULL)""",
        """CREATE TABLE reviews (
            review TEXT PRIMARY KEY, year INTEGER NOT NULL, partnership TEXT NOT NULL, title TEXT NOT NULL)""",
        """CREATE TABLE records (
            review TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL, cluster TEXT NOT NULL, id TEXT NOT NULL,
            data TEXT NOT NULL, PRIMARY KEY (review, kind, cluster, id))""",
    ],
    [
        # Earlier years' records found without reading this year's.
        "CREATE INDEX records_by_kind_year ON records (kind, year)",
        # Each record's place in its review, so a record rewritten in place keeps it.
        "ALTER TABLE records ADD COLUMN seq INTEGER NOT NULL DEFAULT 0",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)


def _as_text(value: Any) -> str:
    """A value JSON has no type for, in a record: a date as ISO text, anything else as it prints."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


_RECORD_JSON = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, default=_as_text
)  # made once, used for every record


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SentRow:
    """One sent edition as listed (without its spec and content)."""

    id: int
    template: str
    cluster: str
    edition: int
    template_version: int
    title: str
    file_name: str
    fingerprint: str
    content_hash: str
    sha256: str
    sent_at: str
    how: str


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


class Ledger:
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

    def __enter__(self) -> Ledger:
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
    def transaction(self) -> Iterator[Ledger]:
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

    # What was sent.
    def sent_rows(self, review: str) -> list[SentRow]:
        rows = self.db.execute(
            "SELECT id, template, cluster, edition, template_version, title, file_name, fingerprint, content_hash, "
            "sha256, sent_at, how"
            " FROM sent WHERE review = ? ORDER BY id",
            (review,),
        ).fetchall()
        return [SentRow(**dict(r)) for r in rows]

    def sent(self, review: str, each: Callable[[SentWorkbook], SentWorkbook] | None = None) -> list[SentWorkbook]:
        """Every edition sent for the review, as the reader needs it; `each`, if
        given, is applied to each as soon as it is decoded (so the decoded copies
        of rows the settings hold never all live at once)."""
        rows = self.db.execute(
            "SELECT cluster, edition, spec, content FROM sent WHERE review = ? ORDER BY id", (review,)
        )
        with building():
            decoded = (decode(r["spec"], r["content"], r["cluster"], r["edition"]) for r in rows)
            return [each(p) for p in decoded] if each else list(decoded)

    def sent_id(self, review: str, plan: SentWorkbook) -> int | None:
        row = self.db.execute(
            "SELECT id FROM sent WHERE review = ? AND template = ? AND cluster = ? AND edition = ?", (review, *plan.key)
        ).fetchone()
        return row[0] if row else None

    def record_sent(self, review: str, plan: SentWorkbook, content_hash: str, sha256: str) -> int:
        """A workbook generated and sent: a new edition, and its event."""
        ident = self._insert_sent(review, plan, content_hash, sha256, "generated")
        self.event("sent", detail=f"{plan.label} edition {plan.edition}: {plan.file_name}")
        return ident

    def record_rebuilt(self, review: str, sent: list[tuple[SentWorkbook, str, str]]) -> None:
        """What a folder from before the ledger (or whose ledger was lost) sent,
        taken from its settings as edition 1 of each workbook: (plan, content hash, SHA-256)."""
        for plan, content_hash, sha256 in sent:
            self._insert_sent(review, plan, content_hash, sha256, "rebuilt from the folder")
        self.event(
            "rebuilt",
            detail="nothing was recorded as sent: edition 1 of each workbook taken from the folder's settings",
        )

    def _insert_sent(self, review: str, plan: SentWorkbook, content_hash: str, sha256: str, how: str) -> int:
        spec, content = encode(plan)
        cursor = self.db.execute(
            "INSERT INTO sent (review, template, cluster, edition, template_version, title, file_name, fingerprint, "
            "content_hash, sha256,"
            " spec, content, sent_at, how) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                review,
                plan.spec.template,
                plan.cluster,
                plan.edition,
                plan.spec.version,
                plan.spec.title,
                plan.file_name,
                plan.content.identity.get("fingerprint", ""),
                content_hash,
                sha256,
                spec,
                content,
                now(),
                how,
            ),
        )
        return int(cursor.lastrowid or 0)

    def has_records(self) -> bool:
        return self.db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None

    def carry_history(
        self,
        last: Ledger | None,
        review: str,
        year: int,
        partnership: str,
        title: str,
        records: dict[str, Iterable[dict[str, Any]]],
        source: str,
    ) -> None:
        """A new year's ledger starting with every earlier review's records (from `last`) and this one's."""
        if last is not None:
            self.copy_history(last)
        self.replace_records(review, year, partnership, title, records)
        self.event("carried forward", detail=f"history from {source}")

    # Records of a review, for history and analysts.
    def replace_records(
        self, review: str, year: int, partnership: str, title: str, records: dict[str, Iterable[dict[str, Any]]]
    ) -> None:
        """A review's records, replacing those it had (dates as ISO text). Only
        what changed is written: consolidating again, with a few returns new,
        rewrites their records alone."""
        self.db.execute(
            "INSERT OR REPLACE INTO reviews (review, year, partnership, title) VALUES (?, ?, ?, ?)",
            (review, year, partnership, title),
        )
        keys: set[tuple[str, str, str]] = set()

        def rows() -> Iterator[tuple[Any, ...]]:  # one by one: the records are never held twice, as JSON too
            for seq, (kind, record) in enumerate((kind, r) for kind, rs in records.items() for r in rs):
                key = (kind, str(record.get("cluster") or ""), str(record["id"]))
                keys.add(key)
                yield (review, year, *key, _RECORD_JSON.encode(record), seq)

        self.db.executemany(
            "INSERT INTO records (review, year, kind, cluster, id, data, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (review, kind, cluster, id) DO UPDATE SET year = excluded.year, data = excluded.data, "
            "seq = excluded.seq"
            " WHERE year IS NOT excluded.year OR data IS NOT excluded.data OR seq IS NOT excluded.seq",
            rows(),
        )
        if self.db.execute("SELECT count(*) FROM records WHERE review = ?", (review,)).fetchone()[0] != len(keys):
            gone = [
                (review, *k)
                for k in self.db.execute("SELECT kind, cluster, id FROM records WHERE review = ?", (review,))
                if tuple(k) not in keys
            ]
            self.db.executemany("DELETE FROM records WHERE review = ? AND kind = ? AND cluster = ? AND id = ?", gone)

    def records(self, kind: str, before: int | None = None) -> list[dict[str, Any]]:
        """Every review's records of one kind (of the years before `before`, if given), oldest review first."""
        with building():
            return list(self.each_record(kind, before))

    def each_record(self, kind: str, before: int | None = None) -> Iterator[dict[str, Any]]:
        """The same records one by one, as SQLite gives them: an export holds one at a time."""
        rows = self.db.execute(
            # Reviews of one year in the order they were last consolidated; each review's records in the plan's order.
            "SELECT r.review, r.year, r.data FROM records r LEFT JOIN reviews v ON v.review = r.review"
            " WHERE r.kind = ? AND r.year < ? ORDER BY r.year, v.rowid, r.seq, r.rowid",
            (kind, before or 10**6),
        )
        for r in rows:
            yield {"review": r["review"], "year": r["year"], **json.loads(r["data"])}

    def copy_history(self, other: Ledger) -> None:
        """Bring another folder's reviews and records into this ledger (init --from)."""
        for r in other.db.execute("SELECT review, year, partnership, title FROM reviews"):
            self.db.execute("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?)", tuple(r))
        self.db.executemany(
            "INSERT OR REPLACE INTO records (review, year, kind, cluster, id, data, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                tuple(r)
                for r in other.db.execute(
                    "SELECT review, year, kind, cluster, id, data, seq FROM records ORDER BY rowid"
                )
            ],
        )
