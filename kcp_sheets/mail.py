"""E-mail drafts: one standard .eml per cluster, its workbook attached, To the
co-ordinators, Cc the champions and the officer. The wording lives in
workbook_templates/email.yaml. Drafts are byte-for-byte the same for the same
review: the date, message ID and MIME boundaries come from the review."""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
import html
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml

from .generate import Planned, review_context, safe_file_name
from .settings import Person, Review
from .spec import templates_dir

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _load() -> dict[str, str]:
    return yaml.safe_load((templates_dir() / "email.yaml").read_text(encoding="utf-8"))


def _names(people: tuple[Person, ...]) -> str:
    names = [p.name for p in people]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _address(person: Person) -> str:
    return email.utils.formataddr((person.name, person.email))


def draft(review: Review, plan: Planned, workbook: Path) -> tuple[str, bytes]:
    """The file name and bytes of one cluster's draft e-mail."""
    template = _load()
    cluster = review.cluster(plan.cluster)
    context: dict[str, Any] = {
        **review_context(review),
        "cluster_name": cluster.name,
        "cluster_code": cluster.code,
        "coordinator_names": _names(cluster.coordinators),
        "champion_names": _names(cluster.champions) or "your champions",
    }
    escaped = {k: html.escape(str(v)) for k, v in context.items()}
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = _address(review.officer)
    message["To"] = ", ".join(_address(p) for p in cluster.coordinators)
    message["Cc"] = ", ".join(_address(p) for p in (*cluster.champions, review.officer))
    message["Subject"] = template["subject"].format(**context)
    sent = dt.datetime.combine(review.issued, dt.time(9, 0), tzinfo=dt.timezone.utc)
    message["Date"] = email.utils.format_datetime(sent)
    digest = hashlib.sha256(f"{review.review_id}/{cluster.code}".encode()).hexdigest()
    message["Message-ID"] = f"<{digest[:24]}@kcp-sheets.invalid>"
    message["X-Unsent"] = "1"  # Outlook opens it as a draft to send
    message.set_content(template["text"].format(**context))
    message.add_alternative(template["html"].format(**escaped), subtype="html")
    message.add_attachment(workbook.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=workbook.name)
    for n, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"kcp-{digest[:16]}-{n}")
    return safe_file_name(template["file_name"].format(**context)), message.as_bytes()


def write_drafts(review: Review, plans: list[Planned], out_dir: Path) -> list[Path]:
    written = []
    for plan in plans:
        if not plan.cluster:
            continue
        name, data = draft(review, plan, out_dir / plan.file_name)
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written
