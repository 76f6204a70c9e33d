"""A paper the program wrote, changed since by a person, is never written over.

The steering group amends the improvement plan (and the draft report) after
it is written; a late return then consolidated must not replace their work
without a word. The ledger holds the hash of every plan and report written
(`ledger/consolidations.py`): a file at the name about to be written whose
bytes are none of those is someone's, and the step stops, saying how to keep it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from .dates import local
from .ledger import Ledger
from .ledger.consolidations import written_as
from .problems import ProblemError, problem


def keep_amended(folder: Path, path: Path) -> None:
    """Raise ProblemError if `path` holds a file the ledger does not know this
    program wrote under that name: a person changed it, or put it there."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError:
        return  # not readable: the write itself says why
    digest = hashlib.sha256(data).hexdigest()
    with Ledger(folder, read_only=True) as ledger:
        written = written_as(ledger, path.name)
    if digest in written:
        return
    when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    detail = (
        f"has been changed since kcp-sheets wrote it (saved {local(when):%d/%m/%Y %H:%M})"
        if written
        else f"is not a file kcp-sheets wrote (saved {local(when):%d/%m/%Y %H:%M})"
    )
    raise ProblemError([problem("output-amended", path.name, detail=detail, name=path.name, folder=path.parent.name)])
