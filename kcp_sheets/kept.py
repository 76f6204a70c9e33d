"""What the commands keep between runs, beside the ledger but not in it: one
SQLite file in the review folder (`.kcp-read-cache.sqlite`), holding each
return's read (`read_cache`) and, under names of their own, things a command
builds from the folder every run (the checked settings, the sent workbooks
decoded), each under a digest of everything it was built from.

Nothing here is a record: deleting the file only means building again, and
anything wrong with it (missing, damaged, locked, written by another version,
a folder that cannot be written to) means building as if it were not there.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import Any

from . import __version__

CACHE_FILE = ".kcp-read-cache.sqlite"
WAIT_SECONDS = 5  # another command writing it: after this, go on without it


def code_digest() -> str:
    """kcp-sheets's own code and Python's version: what a kept thing was built by."""
    digest = hashlib.sha256(f"{__version__}\x1e{sys.version}".encode())
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def get(folder: Path, name: str, digest: str) -> Any | None:
    """What was kept as `name` under `digest`, or None."""
    path = folder / CACHE_FILE
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=WAIT_SECONDS)
        try:
            row = db.execute("SELECT rowid FROM kept WHERE name = ? AND digest = ?", (name, digest)).fetchone()
            if row is None:
                return None
            with db.blobopen("kept", "data", row[0], readonly=True) as blob:
                # Read as it is unpickled, never held whole beside what it builds.
                return pickle.load(_Stream(blob))  # noqa: S301 - written by this program, in the officer's own folder
        finally:
            db.close()
    except Exception:  # noqa: BLE001 - missing, damaged or another version's: built again
        return None


def put(folder: Path, name: str, digest: str, value: Any) -> None:
    """Keep `value` as `name` under `digest`, replacing what was kept under that name."""
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        db = sqlite3.connect(folder / CACHE_FILE, timeout=WAIT_SECONDS)
        try:
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, digest TEXT NOT NULL, data BLOB)")
                db.execute("INSERT OR REPLACE INTO kept (name, digest, data) VALUES (?, ?, ?)", (name, digest, data))
        finally:
            db.close()
    except Exception:  # noqa: BLE001 - not kept (a read-only folder, a full disk): built again next time
        return


class _Stream:
    """A stored blob as pickle reads a file (the binary protocol reads, never lines)."""

    def __init__(self, blob: sqlite3.Blob) -> None:
        self.read = blob.read

    def readline(self) -> bytes:
        raise pickle.UnpicklingError("not a binary pickle")
