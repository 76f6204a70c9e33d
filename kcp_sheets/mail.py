"""E-mail drafts: one standard .eml per cluster, its workbook attached, To the
co-ordinators, Cc the champions and the officer; and the reminders that chase
a cluster, saying cell by cell what is missing or wrong. The wording lives in
workbook_templates/email.yaml and reminder.yaml. Drafts are byte-for-byte the
same for the same inputs: the date, message ID and MIME boundaries come from
the review (and, for a reminder, the day it is written)."""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import email.utils
import hashlib
import html
import mimetypes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml

from .chase import SCORES_OWED, Chase
from .folder import INBOX, safe_file_name
from .intake import gather, inbox_files
from .problems import Problem
from .sent import SentWorkbook
from .settings import Person, Review
from .spec import templates_dir
from .workbooks import long_date, planned_workbooks, review_context

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MARK = "X-KCP-Sheets-Reminder"  # in every reminder written: how a later run knows its own drafts
HEAD_BYTES = 64 * 1024  # a draft's headers are read from its first bytes alone
MESSAGE_DOMAIN = "kcp-sheets.invalid"


def _load(name: str = "email") -> dict[str, Any]:
    return yaml.safe_load((templates_dir() / f"{name}.yaml").read_text(encoding="utf-8"))


def _names(people: tuple[Person, ...]) -> str:
    names = [p.name for p in people]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _address(person: Person) -> str:
    return email.utils.formataddr((person.name, person.email))


def _context(review: Review, code: str) -> dict[str, Any]:
    cluster = review.cluster(code)
    return {
        **review_context(review),
        "cluster_name": cluster.name,
        "cluster_code": cluster.code,
        "coordinator_names": _names(cluster.coordinators),
        "champion_names": _names(cluster.champions) or "your champions",
    }


def _message(
    review: Review,
    code: str,
    subject: str,
    text: str,
    html_body: str,
    sent: dt.datetime,
    key: str,
    attachment: tuple[str, bytes] | None,
    mark: str = "",
) -> bytes:
    """A draft To the cluster's co-ordinators, Cc its champions and the officer;
    `mark`, when given, in a header of our own that says which draft it is."""
    cluster = review.cluster(code)
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = _address(review.officer)
    message["To"] = ", ".join(_address(p) for p in cluster.coordinators)
    message["Cc"] = ", ".join(_address(p) for p in (*cluster.champions, review.officer))
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(sent)
    digest = hashlib.sha256(key.encode()).hexdigest()
    message["Message-ID"] = f"<{digest[:24]}@{MESSAGE_DOMAIN}>"
    message["X-Unsent"] = "1"  # Outlook opens it as a draft to send
    if mark:
        message[MARK] = mark
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    if attachment:
        name, data = attachment
        kind = (
            XLSX
            if name.lower().endswith(".xlsx")
            else (mimetypes.guess_type(name)[0] or "application/octet-stream").split("/")
        )
        message.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)
    for n, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"kcp-{digest[:16]}-{n}")
    return message.as_bytes()


def draft(review: Review, plan: SentWorkbook, workbook: Path) -> tuple[str, bytes]:
    """The file name and bytes of one cluster's draft e-mail."""
    template = _load()
    context = _context(review, plan.cluster)
    escaped = {k: html.escape(str(v)) for k, v in context.items()}
    sent = dt.datetime.combine(review.issued, dt.time(9, 0), tzinfo=dt.UTC)
    data = _message(
        review,
        plan.cluster,
        template["subject"].format(**context),
        template["text"].format(**context),
        template["html"].format(**escaped),
        sent,
        f"{review.review_id}/{plan.cluster}",
        (workbook.name, workbook.read_bytes()),
    )
    return safe_file_name(template["file_name"].format(**context)), data


def write_drafts(review: Review, plans: list[SentWorkbook], out_dir: Path) -> list[Path]:
    written = []
    for plan in plans:
        if not plan.cluster:
            continue
        name, data = draft(review, plan, out_dir / plan.file_name)
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def item(template: dict[str, Any], p: Problem) -> str:
    """One thing to put right, where the co-ordinators will find it:
    "Progress Tracker, row LL-02, Co-ordinator's score (5-1): 7 is not a score from 5 to 1"."""
    what = template["items"].get(p.code, p.message.rstrip(".")).format(found=p.found)
    where = [p.sheet, f"row {p.row_id}" if p.row_id else (p.cell if p.sheet and not p.column else ""), p.column]
    place = ", ".join(w for w in where if w)
    return f"{place}: {what}" if place else what[:1].upper() + what[1:]


def reminder(review: Review, line: Chase, today: dt.date, attachment: tuple[str, bytes] | None) -> tuple[str, bytes]:
    """The file name and bytes of the draft that chases one cluster."""
    template = _load("reminder")
    context = {
        **_context(review, line.cluster),
        "return_name": line.workbook_name,  # as they named it, not where it sits in the inbox
        "reason": line.note.rstrip("."),
        "received": long_date(line.arrived) if line.arrived else "",
    }
    reasons = [r for r in line.reasons if r in template["subject_reasons"]]
    context["subject_reason"] = ", ".join(template["subject_reasons"][r] for r in reasons)
    due = line.due or review.stage2_deadline
    context["due_line"] = template["due_ahead" if today <= due else "due_passed"].format(due=long_date(due))
    items = [item(template, p) for p in line.problems]
    text_parts, html_parts = [], []
    for reason in line.reasons:
        wording = template["paragraphs"] if attachment else {**template["paragraphs"], **template["unattached"]}
        paragraph = wording.get(reason, "").format(**context)
        if not paragraph:
            continue
        if line.theirs and not text_parts:  # their return came: thanked for once, before the first thing asked
            paragraph = f"{template['thanks'].format(**context)} {paragraph}"
        listed = [
            i
            for i, p in zip(items, line.problems, strict=True)
            if (p.code in SCORES_OWED) == (reason == "unscored rows")
        ]
        listed = listed if reason in ("errors", "unscored rows") else []
        text_parts.append("\n".join([paragraph, *(f"  - {i}" for i in listed)]))
        bullets = "".join(f"<li>{html.escape(i)}</li>" for i in listed)
        html_parts.append(f"<p>{html.escape(paragraph)}</p>" + (f"<ul>{bullets}</ul>" if bullets else ""))
    escaped = {k: html.escape(str(v)) for k, v in context.items()}
    text = template["text"].format(**{**context, "paragraphs": "\n\n".join(text_parts)})
    html_body = template["html"].format(**{**escaped, "paragraphs": "\n".join(html_parts)})
    sent = dt.datetime.combine(today, dt.time(9, 0), tzinfo=dt.UTC)
    data = _message(
        review,
        line.cluster,
        template["subject"].format(**context),
        text,
        html_body,
        sent,
        f"{review.review_id}/{line.cluster}/reminder/{today}/{line.return_sha256}",
        attachment,
        mark=f"{review.review_id} {line.cluster}",
    )
    return safe_file_name(template["file_name"].format(**context)), data


def write_reminders(
    review: Review, lines: list[Chase], out_dir: Path, today: dt.date, outbox: Path | None = None
) -> list[Path]:
    """One reminder per cluster to chase. Their own return, to correct, is
    attached as it came back; otherwise the workbook as it was sent (from
    `outbox`, where generate wrote it)."""
    sent = {p.cluster: p.file_name for p in planned_workbooks(review) if p.cluster}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for line in lines:
        if not line.chased:
            continue
        attachment = None
        if line.theirs:
            attachment = returned_workbook(review, line)
        elif outbox is not None and (outbox / sent[line.cluster]).is_file():
            attachment = (sent[line.cluster], (outbox / sent[line.cluster]).read_bytes())
        name, data = reminder(review, line, today, attachment)
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def withdraw_reminders(review: Review, out_dir: Path, keep: list[Path]) -> list[Path]:
    """Remove the reminders written earlier that are not among those just
    written (`keep`): a cluster no longer chased leaves no draft looking
    current. Only our own drafts go; any other file stays."""
    template = _load("reminder")
    named = {safe_file_name(template["file_name"].format(**_context(review, c.code))) for c in review.clusters}
    removed = []
    for path in sorted(out_dir.glob("*.eml")) if out_dir.is_dir() else []:
        if path in keep or path.is_symlink() or not path.is_file() or not _ours(path, path.name in named):
            continue
        path.unlink()
        removed.append(path)
    return removed


def _ours(path: Path, reminder_name: bool) -> bool:
    """A reminder we wrote: it carries our header; one written before the header
    was, a reminder's name and our message ID."""
    try:
        with path.open("rb") as file:
            head = email.parser.BytesHeaderParser().parsebytes(file.read(HEAD_BYTES))
    except OSError:
        return False
    if head[MARK] is not None:
        return True
    return reminder_name and str(head["Message-ID"] or "").strip().endswith(f"@{MESSAGE_DOMAIN}>")


def returned_workbook(review: Review, line: Chase) -> tuple[str, bytes] | None:
    """The return a line names, as it came: found again in the inbox by its checksum."""
    inbox = review.folder / INBOX
    container = line.return_name.split(" > ")[0]  # the file's path in the inbox
    for path in inbox_files(inbox):
        if path.relative_to(inbox).as_posix() != container:
            continue
        sources, _ = gather([path], int(review.max_return_mb * 1024 * 1024), inbox)
        for source in sources:
            if source.sha256 == line.return_sha256:
                return line.workbook_name, source.data
    return None
