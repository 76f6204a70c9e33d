"""Files written aside, before what records them is committed.

A step that writes a file and records it in the ledger writes the file under
a hidden name carrying its process's number, commits the record, then renames
the file into place. A run killed between the two leaves such a file; the
next run removes those whose process is gone, so files and ledger agree
again, and never touches one another running command is still writing.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

PREFIX = ".kcp-"
ORPHAN_SECONDS = 3600  # a file named before process numbers were: taken as abandoned after an hour


def prefix() -> str:
    return f"{PREFIX}{os.getpid()}-"


def aside(path: Path) -> Path:
    """An empty file beside `path`, named for this process, readable as any
    file the officer saves (not mkstemp's owner-only mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, name = tempfile.mkstemp(prefix=prefix(), suffix=path.suffix, dir=path.parent)
    except OSError as exc:  # said of the file the officer asked for, never of the hidden name
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    os.close(fd)
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(name, 0o666 & ~mask)
    return Path(name)


def sweep(folder: Path) -> list[Path]:
    """Remove the files a killed run left unfinished in `folder`; returns them."""
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.is_file() and not p.is_symlink()]
    except OSError:
        return removed
    for path in candidates:
        if _alive(path):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def _alive(path: Path) -> bool:
    """Whether the process that named this file may still be writing it."""
    number = path.name[len(PREFIX) :].split("-", 1)[0]
    try:
        if not number.isdigit():
            return time.time() - path.stat().st_mtime < ORPHAN_SECONDS
        os.kill(int(number), 0)  # this process, or another still running
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
