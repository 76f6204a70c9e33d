"""What was sent, in the ledger: every edition of every workbook, with the
spec and content it was made from, as the reader needs it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..bulk import building
from ..sent import SentWorkbook, Shared, decode, encode
from .opening import Opened, now


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


class SentEditions(Opened):
    """The ledger's workbooks sent: each edition recorded with its event, and listed or decoded again."""

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
        shared = Shared()
        with building():
            decoded = (decode(r["spec"], r["content"], r["cluster"], r["edition"], shared) for r in rows)
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
