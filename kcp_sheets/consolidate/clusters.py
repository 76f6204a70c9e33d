"""Each cluster's workbook as sent, and what came back for it: the return
used, one received but left out (and why), or nothing yet; and a score in
numbers and words."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..content import Content
from ..lifecycle import left_out_in_papers
from ..reader import Return, Row
from ..sent import SentWorkbook
from ..settings import Review
from ..workbooks import cluster_rows, cluster_workbook, planned_workbooks, review_wide_workbooks

# A return of stage 1 alone (the co-ordinators' scores) has nothing of the review meeting yet: the plan
# and the report say so in the words `status` uses, never that the meeting agreed nothing.
STAGE_1_ONLY = "stage 1 only: the review meeting's part has not come back yet"


@dataclass(frozen=True)
class ClusterReturn:
    """A cluster's workbook and what came back for it; for the partnership's own
    reviews (health), only what came back is asked of it."""

    sent: SentWorkbook  # the cluster's workbook as the settings make it now
    ret: Return | None  # the return used in the plan, if any
    returned: str = (
        "not received"  # what came back, as the plan says it: "received 24/04/2004, left out: rejected: ..."
    )
    left_out: bool = False  # a return came but is not used: its rows are not counted as outstanding

    @property
    def code(self) -> str:
        return self.sent.cluster

    def rows(self) -> list[Row]:
        """The rows in the master list's order, as returned, with the officer's
        changes since sending: fixed text as it is now, and actions added since
        (unscored, to ask for); then the actions the cluster added, as they
        came. However a co-ordinator sorted the tracker, the papers keep the
        list's order. Made when asked, not kept: the plan's rows are made from them once."""
        sheet = self.sent.spec.main_table()
        sent = self.sent.content.rows.get(sheet.key, [])
        if self.ret is None:
            return [Row(str(r["id"]), dict(r), 0) for r in sent]
        returned = self.ret.rows.get(self.ret.sent.spec.main_table().key if self.ret.sent else sheet.key, [])
        current = {str(r["id"]): r for r in sent}  # read, never changed
        fixed = [c.key for c in sheet.table.columns if not c.is_input]
        listed: dict[str, Row] = {}
        added: list[Row] = []  # new actions, and rows of an earlier edition no longer in the list
        for row in returned:
            if row.new or row.id not in current:
                added.append(row)
                continue
            now_values = current[row.id]
            if not _holds(row.values, now_values, fixed):  # read against other text: the text as it is now
                row = Row(
                    row.id,
                    {**row.values, **{k: now_values[k] for k in fixed if k in now_values}},
                    row.cell_row,
                    row.new,
                    row.extra,
                    row.notes,
                )
            listed[row.id] = row
        return [listed.get(str(r["id"])) or Row(str(r["id"]), dict(r), 0) for r in sent] + added

    @cached_property
    def headers(self) -> dict[str, str]:
        """The tracker's column headers by key, for the words typed with a score."""
        return {c.key: c.header for c in self.sent.spec.main_table().table.columns}

    def form(self) -> tuple[dict[str, Any], list[Row]]:
        """The review meeting's form as returned: its fields, and its actions for improvement."""
        form = next((s for s in self.sent.spec.sheets if s.kind == "form"), None)
        if self.ret is None or form is None:
            return {}, []
        return self.ret.fields.get(form.key, {}), self.ret.rows.get(form.key, [])


def _holds(values: dict[str, Any], now: dict[str, Any], keys: list[str]) -> bool:
    """Whether a row read holds each fixed text as the settings make it now,
    the very same value: a return read against the rows now holds them all."""
    return all(k not in now or (k in values and values[k] is now[k]) for k in keys)


def cluster_return(
    sent: SentWorkbook, used: Return | None, standing: Return | None, public: bool = False
) -> ClusterReturn:
    """A workbook (a cluster's, or the health review) and what came back: used, received
    but left out (and why, but in the public copy), or not received: as `standing` and
    the states of the check say, never worked out again."""
    if used is not None:
        stage = f", stage {used.stage}" if sent.cluster else ""  # the partnership's own reviews have no stages
        return ClusterReturn(sent, used, f"received {used.source.received:%d/%m/%Y}{stage}")
    if standing is None:
        return ClusterReturn(sent, None)
    why = left_out_in_papers(
        state=standing.state,
        note=standing.note,
        open_errors=standing.errors,
        newer=standing.newer,
        public=public,
        own=not sent.cluster,
    )
    return ClusterReturn(sent, None, f"received {standing.source.received:%d/%m/%Y}, {why}", left_out=True)


def final_score(values: dict[str, Any]) -> int | None:
    """The agreed score where there is one, else the co-ordinator's."""
    agreed = values.get("agreed_score")
    return agreed if agreed is not None else values.get("coordinator_score")


def current_workbooks(review: Review, rows_now: dict[str, list[dict[str, Any]]] | None = None) -> list[SentWorkbook]:
    """What the settings make now, as the plan needs it: every cluster's rows
    (as the check made them, if it did), with the tracker's layout worked out
    once (a layout is the template's; only its titles name a cluster, and the
    plan uses none of them), so a review of thousands of clusters lays it out once."""
    if not review.clusters:
        return planned_workbooks(review)
    rows_now = rows_now or {}
    first = cluster_workbook(review, review.clusters[0].code)
    key = first.spec.main_table().key
    others = [
        SentWorkbook(first.spec, Content(rows={key: rows_now.get(c.code) or cluster_rows(review, c.code)}), c.code)
        for c in review.clusters[1:]
    ]
    return [first, *others, *review_wide_workbooks(review)]


class Words:
    """A score as number and words, so colour is never the only signal."""

    def __init__(self, review: Review) -> None:
        self.scales = review.scales

    def __call__(self, score: int | None, scale: str = "achievement") -> str:
        return f"{score} - {self.scales[scale][score]}" if score is not None else "Unscored"
