"""Reads kept: a return already read is not read again.

A read depends on the file's bytes and name, the workbooks the review sent,
the review's name and score words, the code of kcp-sheets itself, Python and
the reading library (python-calamine). When all of these are as they were,
the read is the same, so `check` and `consolidate` take it from here instead
of opening the file again: checking an inbox where one return is new reads
one file, and `consolidate` after `check` reads none.

A read that failed (`file-read-failed`: the machine out of memory or disk
space, a crash in the reading library), or found the file changed while it
was checked (`file-changed`), is never kept: the next check tries the file again.

The cache is `.kcp-read-cache.sqlite` in the review folder. It is not a
record (the ledger is): deleting it only makes the next check read every
file. Anything wrong with it (missing, damaged, locked, written by another
version) means the file is read as if it were not there; it never changes
what a read says. An entry made under another context is deleted when the
cache is opened, so the file holds one review's current reads at most.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .intake import Source
from .kept import CACHE_FILE, WAIT_SECONDS
from .ledger import SentRow
from .reader import Return, Row
from .sent import SentWorkbook
from .settings import Review
from .spec import templates_dir

Portable = tuple[
    Return, tuple[str, str, int] | None
]  # a read without its bytes or plan, and the key of the plan it answers


def context(review: Review, sent: list[SentRow], reading_library: str | None = None) -> str:
    """Everything besides the file that a read depends on, as one digest: the
    sent workbooks by the hash of their spec and content, as the ledger has them.
    `reading_library` is the reading library's version, the installed one unless given."""
    version = reading_library if reading_library is not None else _version("python-calamine")
    libraries = f"{sys.version}\x1f{version}"  # the reading library decides cell types, dates and what it refuses
    digest = hashlib.sha256(
        (
            f"{__version__}\x1e{libraries}\x1e{review.review_id}\x1e"
            f"{json.dumps(review.scales, sort_keys=True, default=str)}"
        ).encode()
    )
    for path in _code_files(review.templates or templates_dir()):
        digest.update(path.read_bytes())
    for row in sent:
        digest.update(
            f"\x1e{row.id}\x1f{row.template}\x1f{row.cluster}\x1f{row.edition}\x1f{row.content_hash}".encode()
        )
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _code_files(templates: Path) -> list[Path]:
    package = Path(__file__).resolve().parent
    return sorted([*package.rglob("*.py"), *templates.glob("*.yaml")])


def portable(result: Return) -> Portable:
    """The read as it can be kept or sent between processes: no bytes, no plan
    (the plan is known by its key), and no text the plan holds. A row read as
    one that was sent carries that row's fixed text (issue, outcome, action...),
    which is the sent workbook's, not the file's (docs/performance.md). `restored` puts it back from the plan."""
    key = result.sent.key if result.sent else None
    source = result.source
    rows = (
        {key_: _without_sent_text(rows, *_sent(result.sent, key_)) for key_, rows in result.rows.items()}
        if result.sent
        else result.rows
    )
    kept = Return(
        **{
            **result.__dict__,
            "sent": None,
            "rows": rows,
            "source": Source(source.name, b"", source.received, source.sender, sha256=source.sha256),
        }
    )
    return kept, key


def restored(result: Return, plan: SentWorkbook | None) -> Return:
    """A portable read with its plan again, each row's sent text as it was read."""
    result.sent = plan
    if plan is not None:
        result.rows = {key: _with_sent_text(rows, _sent(plan, key)[0]) for key, rows in result.rows.items()}
    return result


def _sent(plan: SentWorkbook, sheet_key: str) -> tuple[dict[str, dict[str, Any]], tuple[str, ...]]:
    """The rows a table was sent with, by ID, and the keys of its columns but the ID, in order."""
    table = next((s.table for s in plan.spec.sheets if s.key == sheet_key and s.table is not None), None)
    if table is None:
        return {}, ()
    return {str(r["id"]): r for r in plan.content.rows.get(sheet_key, [])}, tuple(
        c.key for c in table.columns if c.kind != "id"
    )


class _SentText:
    """Where a kept read's row holds the sent workbook's text: kept by name, so
    pickling stores a reference, and the row keeps its columns in order."""

    def __reduce__(self) -> str:
        return "SENT_TEXT"

    def __repr__(self) -> str:
        return "SENT_TEXT"


SENT_TEXT = _SentText()


def _without_sent_text(rows: list[Row], sent: dict[str, dict[str, Any]], keys: tuple[str, ...]) -> list[Row]:
    out = []
    fixed = set(keys)
    for row in rows:
        was = sent.get(row.id) if not row.new else None
        if was is None:
            out.append(row)
            continue
        values = {k: SENT_TEXT if k in fixed and k in was and _same(v, was[k]) else v for k, v in row.values.items()}
        out.append(Row(row.id, values, row.cell_row, row.new, row.extra, row.notes))
    return out


def _with_sent_text(rows: list[Row], sent: dict[str, dict[str, Any]]) -> list[Row]:
    for row in rows:
        was = sent.get(row.id) if not row.new else None
        if was is None:
            continue
        values = row.values
        values.update(
            {k: was[k] for k, v in values.items() if v is SENT_TEXT}
        )  # in place: the row keeps its columns in order
    return rows


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and a == b)


class ReadCache:
    """The reads of one review folder under one context."""

    def __init__(self, folder: Path, context_digest: str, read_only: bool = False) -> None:
        self.context = context_digest
        self.read_only = read_only  # used, never added to: the desk's pages write nothing
        self.db: sqlite3.Connection | None = None
        try:
            if read_only:
                if (folder / CACHE_FILE).is_file():
                    self.db = sqlite3.connect(
                        f"{(folder / CACHE_FILE).resolve().as_uri()}?mode=ro",
                        uri=True,
                        timeout=WAIT_SECONDS,
                        isolation_level=None,
                    )
                return
            self.db = sqlite3.connect(folder / CACHE_FILE, timeout=WAIT_SECONDS, isolation_level=None)
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS reads (file TEXT PRIMARY KEY, context TEXT NOT NULL, data BLOB NOT NULL)"
            )
            self.db.execute("DELETE FROM reads WHERE context != ?", (context_digest,))
        except sqlite3.Error:
            self.close()

    def __enter__(self) -> ReadCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    @staticmethod
    def _file(source: Source) -> str:
        return f"{source.sha256}\x1f{source.name}"

    def get(self, source: Source) -> Portable | None:
        if self.db is None or not source.sha256:
            return None
        try:
            row = self.db.execute(
                "SELECT data FROM reads WHERE file = ? AND context = ?", (self._file(source), self.context)
            ).fetchone()
            return pickle.loads(row[0]) if row else None  # noqa: S301 - written by this program, in the officer's own folder
        except Exception:  # noqa: BLE001 - a damaged entry is read again
            return None

    def put(self, source: Source, read: Portable | bytes) -> None:
        if self.db is None or self.read_only or not source.sha256:
            return
        try:
            data = read if isinstance(read, bytes) else pickle.dumps(read, protocol=pickle.HIGHEST_PROTOCOL)
            self.db.execute(
                "INSERT OR REPLACE INTO reads (file, context, data) VALUES (?, ?, ?)",
                (self._file(source), self.context, data),
            )
        except (sqlite3.Error, pickle.PicklingError, TypeError, AttributeError):
            pass  # not kept: read again next time

    def put_many(self, items: list[tuple[Source, Any]]) -> None:
        """Several at once, in one transaction: thousands of returns in one write."""
        if self.db is None or self.read_only or not items:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            return
        try:
            for source, read in items:
                self.put(source, read)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
