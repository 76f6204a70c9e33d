"""Returns for the desk's tests: a clean one, and a hostile one whose cells,
attachment name and sender carry markup that must only ever be shown as text."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import OUTBOX
from kcp_sheets.sent import SentWorkbook
from kcp_sheets.settings import Review
from kcp_sheets.workbooks import planned_workbooks

SCRIPT = "<script>window.pwned = 1</script>"
IMG = '<img src=x onerror="window.pwned = 2">'
SENDER_MARKUP = '"<b onmouseover=window.pwned=3>Eve</b>" <eve@example.net>'
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def cluster_plan(review: Review, code: str) -> SentWorkbook:
    return next(p for p in planned_workbooks(review) if p.cluster == code)


def clean_return(review: Review, code: str, dest: Path) -> Path:
    """Every row of the cluster's tracker scored 4 at stage 1: a return with no errors."""
    plan = cluster_plan(review, code)
    tracker = plan.spec.main_table().key
    rows = {
        tracker: {str(r["id"]): {"progress": "Going well.", "coordinator_score": 4} for r in plan.content.rows[tracker]}
    }
    return fill_workbook(plan, review.folder / OUTBOX / plan.file_name, dest, rows)


def hostile_return(review: Review, code: str, dest: Path) -> Path:
    """A return whose score cell holds a script and whose new action is an image with onerror."""
    plan = cluster_plan(review, code)
    tracker = plan.spec.main_table().key
    first = str(plan.content.rows[tracker][0]["id"])
    rows = {tracker: {first: {"coordinator_score": SCRIPT}, "+typed": {"action": IMG, "coordinator_score": 3}}}
    return fill_workbook(plan, review.folder / OUTBOX / plan.file_name, dest, rows)


def hostile_email(workbook: Path, dest: Path) -> Path:
    """The hostile return attached to an e-mail whose sender and attachment name carry markup."""
    message = EmailMessage()
    message["From"] = SENDER_MARKUP
    message["Subject"] = "Our return"
    message["Date"] = "Tue, 20 Apr 2004 10:00:00 +0000"
    message.set_content("Attached.")
    message.add_attachment(
        workbook.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename="<img src=y onerror=window.pwned=4>.xlsx"
    )
    dest.write_bytes(bytes(message))
    return dest
