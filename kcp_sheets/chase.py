"""Who to chase and why: one line per workbook sent, from the checked returns.

The CLI's `status`, the reminder drafts and the web desk all read these
lines, so they always agree. A line is data; nothing here prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

from .check import CheckResult
from .lifecycle import ACCEPTED, REJECTED, described
from .problems import Problem
from .reader import Return
from .settings import Person, Review
from .workbooks import planned_workbooks

# Why a workbook is chased, in the order they are told. A return e-mailed by
# someone outside the cluster is the officer's to decide on: until she does,
# the cluster is chased for its own, as for a missing one.
MISSING, FROM_OUTSIDE, REJECTED_RETURN, LATE, ERRORS, STAGE1, UNSCORED = (
    "missing",
    "sent from outside the cluster",
    "rejected",
    "late",
    "errors",
    "stage 1 only",
    "unscored rows",
)
# Problems a reminder asks the co-ordinators to put right: every error, and the missing
# scores, of the rows sent and of those added since.
SCORES_OWED = ("score-unscored", "agreed-missing", "row-added-since")
ASK_ABOUT = SCORES_OWED


@dataclass(frozen=True)
class Chase:
    """One workbook sent: what came back, and whom to ask for what."""

    label: str  # the cluster code, or the template of a review-wide workbook
    workbook: str  # what the officer calls it: "LL Learning and leisure", "Partnership health review"
    cluster: str  # "" for the officer's own workbooks
    arrived: dt.datetime | None = None
    return_name: str = ""  # the return used, as the inbox names it
    return_sha256: str = ""
    sender: str = ""
    stage: int = 0
    errors: int = 0
    warnings: int = 0
    unscored: int = 0
    due: dt.date | None = None  # the deadline for what is still owed
    arrived_late: bool = False  # came after the deadline of the stage it reached
    reasons: tuple[str, ...] = ()
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    problems: tuple[Problem, ...] = ()  # what to ask for, cell by cell
    review_state: str = ""  # lifecycle's: new, has problems, accepted, rejected...
    note: str = ""  # the officer's note on the decision: why it was rejected or accepted

    @property
    def own(self) -> bool:
        """The officer's own workbook (health, accreditation): nobody to chase."""
        return not self.cluster

    @property
    def chased(self) -> bool:
        return bool(self.reasons) and not self.own

    @property
    def theirs(self) -> bool:
        """A return came and is the cluster's own: thanked for, and attached to put right."""
        return bool(self.return_name) and FROM_OUTSIDE not in self.reasons

    @property
    def workbook_name(self) -> str:
        """The return's file name as its sender knows it: "LL return.xlsx", not the
        inbox's "April/ll.eml > LL return.xlsx"."""
        return returned_file_name(self.return_name)

    @property
    def state(self) -> str:
        if self.arrived is None:
            return "not yet"
        if self.review_state in (ACCEPTED, REJECTED):
            return described(self.review_state, self.note)
        return "errors" if self.errors else ("warnings" if self.warnings else "clean")


def returned_file_name(return_name: str) -> str:
    """The workbook's own file name within a return's name in the inbox."""
    return PurePath(return_name.split(" > ")[-1]).name


def chase_list(result: CheckResult, today: dt.date | None = None) -> list[Chase]:
    """Every workbook of the review, in the order it was sent, with why it is chased."""
    review = result.review
    today = today or dt.date.today()
    standing = result.standing()
    lines = []
    for plan in planned_workbooks(review):
        ret = standing.get(plan.label)
        if plan.cluster:
            cluster = review.cluster(plan.cluster)
            name, to, cc = f"{cluster.code} {cluster.name}", cluster.coordinators, cluster.champions
        else:
            name, to, cc = plan.spec.title, (), ()
        if ret is None:
            reasons = (MISSING,) + (() if today <= review.stage1_deadline else (LATE,))
            lines.append(
                Chase(plan.label, name, plan.cluster, due=review.stage1_deadline, reasons=reasons, to=to, cc=cc)
            )
            continue
        reasons, due, asks = _asked(review, ret, bool(plan.cluster), today)
        deadline = review.stage2_deadline if ret.stage >= 2 else review.stage1_deadline
        lines.append(
            Chase(
                plan.label,
                name,
                plan.cluster,
                arrived=ret.source.received,
                return_name=ret.source.name,
                return_sha256=ret.source.sha256,
                sender=ret.source.sender,
                stage=ret.stage,
                errors=ret.errors,
                warnings=ret.warnings,
                unscored=ret.unscored(),
                due=due,
                arrived_late=bool(plan.cluster) and ret.source.received.date() > deadline,
                reasons=reasons,
                to=to,
                cc=cc,
                problems=asks,
                review_state=ret.state,
                note=ret.note,
            )
        )
    return lines


def _asked(
    review: Review, ret: Return, cluster: bool, today: dt.date
) -> tuple[tuple[str, ...], dt.date, tuple[Problem, ...]]:
    """Why a workbook that came back is chased, by when, and what to ask for cell by cell.

    A return from outside the cluster is not theirs to correct: they are asked
    for their own, by the stage 1 deadline, as when nothing came."""
    stage1_due = today <= review.stage1_deadline
    if cluster and ret.from_outside:
        return (FROM_OUTSIDE,) + (() if stage1_due else (LATE,)), review.stage1_deadline, ()
    reasons = []
    if ret.state == REJECTED:
        reasons.append(REJECTED_RETURN)
    if ret.errors:
        reasons.append(ERRORS)
    if cluster and ret.stage < 2 and today > review.stage2_deadline:
        reasons += [STAGE1, LATE]
    if ret.unscored():
        reasons.append(UNSCORED)
    asks = tuple(p for p in ret.problems if not p.dealt_with and (p.severity == "error" or p.code in ASK_ABOUT))
    due = review.stage1_deadline if stage1_due else review.stage2_deadline
    return tuple(dict.fromkeys(reasons)), due, asks
