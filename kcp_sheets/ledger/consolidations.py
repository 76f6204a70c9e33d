"""The ledger's consolidations: each plan written, every input by hash, used
or not and why, and the output by hash; with its event."""

from __future__ import annotations

from dataclasses import dataclass

from .opening import now
from .store import Ledger


@dataclass(frozen=True)
class Input:
    """One file a consolidation read: its return's number (if recorded), name, hash, whether used, and why not."""

    return_id: int | None
    name: str
    sha256: str
    used: bool
    why: str


def record_consolidation(
    ledger: Ledger,
    review: str,
    public: bool,
    output: str,
    output_sha256: str,
    inputs: list[Input],
    what: str = "consolidated",
) -> None:
    """A plan (or the report, `what` says) written from these inputs, with its event."""
    cursor = ledger.db.execute(
        "INSERT INTO consolidations (at, review, public, output, output_sha256) VALUES (?, ?, ?, ?, ?)",
        (now(), review, int(public), output, output_sha256),
    )
    ledger.db.executemany(
        (
            "INSERT INTO consolidation_inputs (consolidation_id, return_id, name, sha256, used, why)"
            " VALUES (?, ?, ?, ?, ?, ?)"
        ),
        [(cursor.lastrowid, i.return_id, i.name, i.sha256, int(i.used), i.why) for i in inputs],
    )
    ledger.event(what, detail=f"{output} ({sum(i.used for i in inputs)} returns used)")


def written_as(ledger: Ledger, output: str) -> list[str]:
    """The hash of every plan or report written under the name `output`, oldest first."""
    return [
        r[0]
        for r in ledger.db.execute("SELECT output_sha256 FROM consolidations WHERE output = ? ORDER BY id", (output,))
    ]
