"""The workbooks attached to a saved e-mail (.eml) or an Outlook message
(.msg), each with its message's sender and date."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
from email.message import EmailMessage
from pathlib import Path

from ..problems import Problem, problem
from .archives import from_zip
from .source import EMAIL_SUFFIXES, OUTLOOK_SUFFIXES, ZIP_SUFFIXES, Source, held_workbook, mb

MAX_HEADER = 4 * 1024  # the longest header of an e-mail that is parsed; a 255-character file name in Chinese is 2.3 KB


class HeaderTooLong(Exception):
    def __init__(self, name: str, size: int) -> None:
        super().__init__(name)
        self.name, self.size = name, size


class _BoundedPolicy(email.policy.EmailPolicy):
    """The standard policy, except that a header longer than any mail program
    writes is not parsed: Python's header parser takes time growing with the
    square of a header's words (a From header of 16 KB of comments: 2.7 s; of
    700 KB of encoded words: minutes; of 10 MB, hours; of 4 KB, 0.2 s). Only
    the headers read are checked (From, Date, the parts' types and file
    names), so a long Received or References header costs nothing. An e-mail
    of many parts with such headers is left to the read's time limit."""

    def header_fetch_parse(self, name: str, value: str):  # noqa: ANN201 - a header object of the registry
        if len(value) > MAX_HEADER:
            raise HeaderTooLong(name, len(value))
        return super().header_fetch_parse(name, value)


BOUNDED = _BoundedPolicy()


def from_email(
    name: str, data: bytes, received: dt.datetime, max_bytes: int, nested: bool = False
) -> tuple[list[Source], list[Problem]]:
    """The workbooks attached to a saved e-mail, with its sender and date, and
    one level deeper (unless `nested`): those inside a .zip it carries, or an
    e-mail forwarded as an attachment."""
    try:
        message = email.message_from_bytes(data, policy=BOUNDED)
        sender = str(message.get("From", "") or "")
        received, dated = _dated(message, received)
        sources: list[Source] = []
        problems: list[Problem] = []
        others: list[str] = []
        for part in _attachments(message):
            filename = part.get_filename() or "attachment"
            label = f"{name} > {filename}"
            suffix = Path(filename).suffix.lower()
            if not nested and suffix in (*ZIP_SUFFIXES, *EMAIL_SUFFIXES, *OUTLOOK_SUFFIXES):
                found, more = _opened(
                    label, suffix, part.get_payload(decode=True) or b"", received, sender, dated, max_bytes
                )
                sources += found
                problems += more
                continue
            taken = _workbook(label, filename, part.get_payload(decode=True) or b"", max_bytes, received, sender, dated)
            if taken is None:
                others.append(filename)
            else:
                (sources if isinstance(taken, Source) else problems).append(taken)
    except HeaderTooLong as exc:
        return [], [
            problem(
                "email-unreadable",
                name,
                detail=(
                    f"its {exc.name} header is {exc.size / 1024:,.0f} KB long, far longer than any mail program writes"
                ),
            )
        ]
    except Exception:  # a malformed message must cost one problem, not the run
        return [], [
            problem(
                "email-unreadable",
                name,
                detail="its parts could not be made out, as in a message cut short or damaged on the way",
            )
        ]
    if not sources and not problems:
        problems.append(_no_workbook(name, sender, received, others))
    return sources, problems


def _dated(message: EmailMessage, received: dt.datetime) -> tuple[dt.datetime, bool]:
    """When the message was sent, by its Date header, and whether it had one
    that could be read (if not, `received` stands)."""
    when = message.get("Date")
    if when:
        try:
            return email.utils.parsedate_to_datetime(str(when)).astimezone(dt.UTC), True
        except (TypeError, ValueError, IndexError):
            pass
    return received, False


def _opened(
    label: str, suffix: str, payload: bytes, received: dt.datetime, sender: str, dated: bool, max_bytes: int
) -> tuple[list[Source], list[Problem]]:
    """An attached .zip, e-mail or Outlook message opened to the workbooks it holds, no deeper."""
    if suffix in ZIP_SUFFIXES:
        return from_zip(label, payload, received, sender, dated, max_bytes, undated=not dated)
    if suffix in EMAIL_SUFFIXES:
        return from_email(label, payload, received, max_bytes, nested=True)
    return from_outlook(label, payload, received, max_bytes)


def _workbook(
    label: str, filename: str, payload: bytes, max_bytes: int, received: dt.datetime, sender: str, dated: bool
) -> Source | Problem | None:
    """An attached file as a source to read, with its message's sender and date;
    a problem if it is too large; None if it is no workbook (named if the message holds none)."""
    if not held_workbook(filename, lambda: payload[:4096]):
        return None
    if len(payload) > max_bytes:
        return problem("file-too-large", label, detail=mb(len(payload)), limit=mb(max_bytes))
    return Source(label, payload, received, sender, emailed=dated, undated=not dated)


def _no_workbook(name: str, sender: str, sent: dt.datetime, others: list[str]) -> Problem:
    """An e-mail without a workbook: whose, when, and what it did carry, to find the right one."""
    holds = f"; it holds {', '.join(others[:5])}" if others else ""
    return problem(
        "email-no-attachment",
        name,
        found=sender,
        detail=f" (from {sender or 'an unknown sender'}, {sent:%d/%m/%Y %H:%M}{holds})",
    )


def from_outlook(name: str, data: bytes, received: dt.datetime, max_bytes: int) -> tuple[list[Source], list[Problem]]:
    """The workbooks attached to an Outlook .msg, with its sender and date, as for .eml."""
    import extract_msg  # only an inbox with .msg files pays for importing it

    sources: list[Source] = []
    problems: list[Problem] = []
    sender = ""
    others: list[str] = []
    try:
        message = extract_msg.openMsg(data)
        try:
            sender = str(message.sender or "")
            if "@" not in sender:  # no headers: the address may be only in PR_SENDER_EMAIL_ADDRESS
                address = message.getStringStream("__substg1.0_0C1F") or ""
                sender = email.utils.formataddr((sender, address)) if "@" in address else sender
            when = message.date
            dated = isinstance(when, dt.datetime)
            if isinstance(when, dt.datetime):
                received = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
            for filename, payload in _outlook_attachments(message):
                taken = _workbook(f"{name} > {filename}", filename, payload, max_bytes, received, sender, dated)
                if taken is None:
                    others.append(filename)
                else:
                    (sources if isinstance(taken, Source) else problems).append(taken)
        finally:
            message.close()
    except Exception:  # a damaged .msg must cost one problem, not the run
        return [], [
            problem("email-unreadable", name, detail="it is not an Outlook message that can be read, or it is damaged")
        ]
    if not sources and not problems:
        problems.append(_no_workbook(name, sender, received, others))
    return sources, problems


def _outlook_attachments(message: object, depth: int = 0) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each attached file, also inside an attached (forwarded) message."""
    found = []
    for attachment in getattr(message, "attachments", []):
        data = attachment.data
        if isinstance(data, bytes):
            filename = attachment.longFilename or attachment.shortFilename or "attachment"
            found.append((Path(str(filename).replace("\\", "/")).name, data))
        elif data is not None and depth < 3:
            found += _outlook_attachments(data, depth + 1)
    return found


def _attachments(message: EmailMessage) -> list[EmailMessage]:
    """The parts of a message that are attached files (a forwarded message is walked into)."""
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822":
            continue
        if part.get_filename():
            parts.append(part)
    return parts
