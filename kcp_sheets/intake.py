"""What arrived: the files in the inbox, the workbooks inside saved e-mails,
and the checks that come before any spreadsheet library sees a byte.

Every return is read into memory once (after its size is checked), so inputs
are never opened for writing, and the zip container is inspected here for
bombs, entity tricks, absurd dimensions and encryption, because those must
be refused before a parser spends memory on them.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from .problems import Problem, problem

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
EMAIL_SUFFIXES = (".eml",)
OUTLOOK_SUFFIXES = (".msg",)  # Outlook's own "Save as", and what dragging a message to a folder makes
MAX_UNZIPPED = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 2000
MAX_CELLS = 5_000_000
MAX_SHARED_STRINGS = 2_000_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
UNIQUE_COUNT = re.compile(rb'uniqueCount="(\d+)"')
# What Python's zipfile raises on a damaged or unusual container.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError, NotImplementedError, KeyError)
FORMULA_OR_ERROR = (b"<f>", b"<f ", b":f>", b":f ", b' t="e"')  # formula or error cells in sheet XML


@dataclass
class Source:
    """One workbook to read: its bytes and where they came from."""

    name: str  # what the officer sees: file name, or "mail.eml > attachment.xlsx"
    data: bytes
    received: dt.datetime
    sender: str = ""
    problems: list[Problem] = field(default_factory=list)
    macros: bool = False
    formulas_or_errors: bool = False  # set by inspect(): some sheet holds <f> or t="e" cells
    sha256: str = ""
    emailed: bool = False  # `received` is the e-mail's own Date, not a file time

    def __post_init__(self) -> None:
        if self.data and not self.sha256:
            self.sha256 = hashlib.sha256(self.data).hexdigest()

    def release(self) -> None:
        """Drop the bytes once read: thousands of returns need not stay in memory."""
        self.data = b""

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


def is_lock_file(path: Path) -> bool:
    return path.name.startswith("~$") or path.name.startswith(".~lock.")


def inbox_files(inbox: Path) -> list[Path]:
    """Every file in the inbox (and its sub-folders), in a stable order."""
    if not inbox.is_dir():
        return []
    return sorted((p for p in inbox.rglob("*") if p.is_file()), key=lambda p: str(p.relative_to(inbox)).lower())


def gather(paths: list[Path], max_bytes: int, inbox: Path | None = None) -> tuple[list[Source], list[Problem]]:
    """Sources to read from the given files, and the problems of files that are not.

    A file in `inbox` is named by its path there, so two files of the same
    name in different sub-folders are told apart."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in paths:
        name = path.relative_to(inbox).as_posix() if inbox is not None and path.is_relative_to(inbox) else path.name
        if is_lock_file(path):
            problems.append(problem("file-lock", name))
            continue
        if name.startswith(".") or name.lower() in ("thumbs.db", "desktop.ini"):
            continue
        try:
            size = path.stat().st_size
            if size > max_bytes:
                problems.append(problem("file-too-large", name, detail=_mb(size), limit=_mb(max_bytes)))
                continue
            data = path.read_bytes()
        except OSError as exc:
            problems.append(problem("file-unreadable", name, detail=exc.strerror or str(exc)))
            continue
        received = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
        suffix = path.suffix.lower()
        if suffix in EMAIL_SUFFIXES or suffix in OUTLOOK_SUFFIXES:
            read = from_email if suffix in EMAIL_SUFFIXES else from_outlook
            found, more = read(name, data, received, max_bytes)
            sources += found
            problems += more
        elif suffix in SPREADSHEET_SUFFIXES:
            sources.append(Source(name, data, received))
        else:
            problems.append(problem("file-not-spreadsheet", name, detail=f"a {suffix or 'file with no extension'} file"))
    return sources, problems


def from_email(name: str, data: bytes, received: dt.datetime, max_bytes: int) -> tuple[list[Source], list[Problem]]:
    """The workbooks attached to a saved e-mail, with its sender and date."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        sender = str(message.get("From", "") or "")
        when = message.get("Date")
        dated = False
        if when:
            try:
                received = email.utils.parsedate_to_datetime(str(when)).astimezone(dt.timezone.utc)
                dated = True
            except (TypeError, ValueError, IndexError):
                pass
        sources: list[Source] = []
        problems: list[Problem] = []
        others: list[str] = []
        for part in _attachments(message):
            filename = part.get_filename() or "attachment"
            label = f"{name} > {filename}"
            if Path(filename).suffix.lower() not in SPREADSHEET_SUFFIXES:
                others.append(filename)
                continue
            payload = part.get_payload(decode=True) or b""
            if len(payload) > max_bytes:
                problems.append(problem("file-too-large", label, detail=_mb(len(payload)), limit=_mb(max_bytes)))
                continue
            sources.append(Source(label, payload, received, sender, emailed=dated))
    except Exception as exc:  # a malformed message must cost one problem, not the run
        return [], [problem("email-unreadable", name, detail=type(exc).__name__)]
    if not sources and not problems:
        problems.append(_no_workbook(name, sender, received, others))
    return sources, problems


def _no_workbook(name: str, sender: str, sent: dt.datetime, others: list[str]) -> Problem:
    """An e-mail without a workbook: whose, when, and what it did carry, to find the right one."""
    holds = f"; it holds {', '.join(others[:5])}" if others else ""
    return problem("email-no-attachment", name, found=sender, detail=f" (from {sender or 'an unknown sender'}, {sent:%d/%m/%Y %H:%M}{holds})")


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
                received = (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
            for filename, payload in _outlook_attachments(message):
                label = f"{name} > {filename}"
                if Path(filename).suffix.lower() not in SPREADSHEET_SUFFIXES:
                    others.append(filename)
                    continue
                if len(payload) > max_bytes:
                    problems.append(problem("file-too-large", label, detail=_mb(len(payload)), limit=_mb(max_bytes)))
                    continue
                sources.append(Source(label, payload, received, sender, emailed=dated))
        finally:
            message.close()
    except Exception as exc:  # a damaged .msg must cost one problem, not the run
        return [], [problem("email-unreadable", name, detail=f"not an Outlook message that can be read ({type(exc).__name__})")]
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
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822":
            continue
        if part.get_filename():
            parts.append(part)
    return parts


def inspect(source: Source) -> list[Problem]:
    """Refuse what must not reach a parser; [] means the bytes may be parsed."""
    data, name = source.data, source.name
    if not data:
        return [problem("file-empty", name)]
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000] or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data[:1_000_000]:
            return [problem("file-encrypted", name)]
        return []  # an .xls workbook, whatever its name says
    if not data.startswith(ZIP_MAGIC):
        if data[:5].lower() in (b"<html", b"<!doc") or data[:1] in (b"<",):
            return [problem("file-not-spreadsheet", name, detail="a web page or XML file")]
        if b"\x00" not in data[:4096]:
            return [problem("file-not-spreadsheet", name, detail="a text file")]
        return [problem("file-not-spreadsheet", name, detail="an unknown kind of file")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        return [problem("file-truncated", name, detail=str(exc) or "not a complete zip")]
    if len(infos) > MAX_PARTS:
        return [problem("file-hostile", name, detail=f"{len(infos)} parts inside the file")]
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        return [problem("file-hostile", name, detail=f"it would unpack to {_mb(total)} (a 'zip bomb')")]
    names = {i.filename for i in infos}
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names):
        if any(n.startswith(("word/", "ppt/")) for n in names):
            return [problem("file-not-spreadsheet", name, detail="a Word or PowerPoint document")]
        return [problem("file-truncated", name, detail="the workbook part is missing")]
    if "xl/workbook.bin" in names:
        return [problem("file-not-spreadsheet", name, detail="an Excel binary workbook (.xlsb); please save as .xlsx")]
    source.macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(info) as part:
                sheet = info.filename.startswith("xl/worksheets/")
                head = part.read() if sheet else part.read(64 * 1024)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    return [problem("file-hostile", name, detail=f"{info.filename} declares XML entities")]
                if sheet:
                    found = _absurd_dimension(head[:4096])
                    if found:
                        return [problem("file-hostile", name, detail=f"{info.filename} claims {found} cells")]
                    if any(mark in head for mark in FORMULA_OR_ERROR):
                        source.formulas_or_errors = True
                if info.filename == "xl/sharedStrings.xml":
                    count = UNIQUE_COUNT.search(head)
                    if count and int(count.group(1)) > MAX_SHARED_STRINGS:
                        return [problem("file-hostile", name, detail=f"{int(count.group(1)):,} shared strings")]
        except ZIP_ERRORS as exc:
            if "encrypted" in str(exc).lower():
                return [problem("file-encrypted", name)]
            return [problem("file-truncated", name, detail=f"{info.filename}: {exc}")]
    return []


def _absurd_dimension(head: bytes) -> str:
    match = DIMENSION.search(head)
    if not match or not match.group(3):
        return ""
    rows = int(match.group(4)) - int(match.group(2)) + 1
    cols = _col_number(match.group(3)) - _col_number(match.group(1)) + 1
    return f"{rows * cols:,}" if rows * cols > MAX_CELLS else ""


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
