"""What arrived: the files in the inbox and the workbooks inside saved
e-mails, each as a Source to read.

Every return is read into memory once (after its size is checked), so inputs
are never opened for writing. What a file really is, and whether it may be
parsed at all, is decided from its bytes by `formats.inspect`.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import io
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from . import deadline
from .formats.flat import NUMBERS_EXPORT
from .problems import Problem, problem

# What spreadsheet programs save (.txt: Excel's "Text (Tab delimited)" and "Unicode Text"): read, or
# (SYLK, DIF, Lotus, Numbers) named with what to ask for.
SPREADSHEET_SUFFIXES = (
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".fods",
    ".xml",
    ".gnumeric",
    ".csv",
    ".tsv",
    ".txt",
    ".slk",
    ".dif",
    ".numbers",
    ".wks",
    ".wk1",
    ".wk3",
    ".wk4",
    ".123",
)
# Inside an e-mail or a .zip these also name what is no spreadsheet (the body text a mail
# program attaches as ATT00001.txt, other XML): read only where their first bytes say they are one.
PLAIN_SUFFIXES = (".txt", ".xml")
SHEET_MARKS = (b"urn:schemas-microsoft-com:office:spreadsheet", b"opendocument", b"gnumeric", b"\t")
EMAIL_SUFFIXES = (".eml",)
OUTLOOK_SUFFIXES = (".msg",)  # Outlook's own "Save as", and what dragging a message to a folder makes
ZIP_SUFFIXES = (".zip",)  # a return zipped, or several: their workbooks are read, one level deep
MAX_IN_CONTAINER = 20  # workbooks read from one .zip
MAX_ZIP_ENTRIES = 1000  # entries of one .zip looked at
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # zip packages and compound files
# Names that may hide a workbook: no extension, templates, Excel binary workbooks.
SNIFFED_SUFFIXES = ("", ".xlsb", ".xlt", ".xltx", ".xltm", ".ots")
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


@dataclass
class Source:
    """One workbook to read: its bytes and where they came from."""

    name: str  # what the officer sees: file name, or "mail.eml > attachment.xlsx"
    data: bytes
    received: dt.datetime
    sender: str = ""
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    emailed: bool = False  # `received` is the e-mail's own Date, not a file time
    undated: bool = False  # from an e-mail that has no Date: received is when the ledger first saw it

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
    """Every file in the inbox (and its sub-folders), in a stable order; a link
    is listed (to be named as one) but never entered or followed."""
    if not inbox.is_dir():
        return []
    found = []
    for top, folders, files in os.walk(inbox, followlinks=False):
        found += [Path(top) / f for f in folders if (Path(top) / f).is_symlink()]
        found += [Path(top) / f for f in files if (Path(top) / f).is_symlink() or (Path(top) / f).is_file()]
    return sorted(found, key=lambda p: str(p.relative_to(inbox)).lower())


Opener = Callable[
    [str, bytes, dt.datetime, int], tuple[list[Source], list[Problem]]
]  # an e-mail or Outlook message opened to its attachments


def gather(
    paths: list[Path],
    max_bytes: int,
    inbox: Path | None = None,
    seconds: float = deadline.READ_SECONDS,
    read_email: Opener | None = None,
) -> tuple[list[Source], list[Problem]]:
    """Sources to read from the given files, and the problems of files that are not.

    A file in `inbox` is named by its path there, so two files of the same
    name in different sub-folders are told apart. An e-mail is opened (by
    `read_email`, `from_email` unless given) within `seconds`."""
    sources: list[Source] = []
    problems: list[Problem] = []
    bundles: set[str] = set()
    for path in paths:
        name = path.relative_to(inbox).as_posix() if inbox is not None and path.is_relative_to(inbox) else path.name
        if is_lock_file(path):
            problems.append(problem("file-lock", name))
            continue
        if name.startswith(".") or name.lower() in ("thumbs.db", "desktop.ini"):
            continue
        if path.is_symlink():
            problems.append(problem("file-link", name, detail=f"to {os.readlink(path)}"))
            continue
        bundle = _numbers_bundle(name)
        if bundle is not None:  # a Numbers document saved as a folder: one line for the folder, not one per file in it
            if bundle not in bundles:
                bundles.add(bundle)
                problems.append(
                    problem(
                        "file-other-format",
                        bundle,
                        detail="an Apple Numbers file (saved as a folder)",
                        how=NUMBERS_EXPORT,
                    )
                )
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
        received = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
        suffix = path.suffix.lower()
        if suffix in EMAIL_SUFFIXES or suffix in OUTLOOK_SUFFIXES:
            read = (read_email or from_email) if suffix in EMAIL_SUFFIXES else from_outlook
            found, more = _within(seconds, read, name, data, received, max_bytes)
            sources += found
            problems += more
        elif suffix in SPREADSHEET_SUFFIXES or (suffix in SNIFFED_SUFFIXES and data.startswith(WORKBOOK_MAGIC)):
            sources.append(Source(name, data, received))  # its bytes, not its name, say what it is
        elif suffix in ZIP_SUFFIXES:
            found, more = from_zip(name, data, received, "", False, max_bytes)
            sources += found
            problems += more
        else:
            problems.append(
                problem(
                    "file-not-spreadsheet", name, detail=f"a {suffix} file" if suffix else "a file with no extension"
                )
            )
    return sources, problems


def _within(
    seconds: float, read: Opener, name: str, data: bytes, received: dt.datetime, max_bytes: int
) -> tuple[list[Source], list[Problem]]:
    """A message opened, or one problem if opening it took longer than `seconds`."""
    try:
        with deadline.within(seconds):
            return read(name, data, received, max_bytes)
    except deadline.ReadTooLong:
        return [], [
            problem("email-unreadable", name, detail=f"reading it took more than {seconds:g} s and was stopped")
        ]


def _numbers_bundle(name: str) -> str | None:
    """The Numbers document (a folder named *.numbers) a file in the inbox is part of, if any."""
    folders = name.split("/")[:-1]
    ends = [n for n, folder in enumerate(folders) if folder.lower().endswith(".numbers")]
    return "/".join(folders[: ends[0] + 1]) if ends else None


def from_zip(
    name: str, data: bytes, received: dt.datetime, sender: str, dated: bool, max_bytes: int, undated: bool = False
) -> tuple[list[Source], list[Problem]]:
    """The workbooks inside a .zip (saved in the inbox, or attached to an
    e-mail), one level deep: each named "<zip> > <workbook>", with the
    container's date and sender (`undated`: an e-mail's that had none). Bounded: at most MAX_IN_CONTAINER workbooks,
    each no larger than a return may be; a container inside is not opened."""
    sources: list[Source] = []
    problems: list[Problem] = []
    others: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist()[:MAX_ZIP_ENTRIES]:
                inner = info.filename.rsplit("/", 1)[-1]
                if info.is_dir() or not inner or inner.startswith((".", "~$")) or info.filename.startswith("__MACOSX/"):
                    continue
                label = f"{name} > {info.filename}"
                if not _held_workbook(inner, lambda info=info: _zip_head(archive, info)):
                    others.append(inner)
                    continue
                if len(sources) >= MAX_IN_CONTAINER:
                    problems.append(
                        problem(
                            "file-not-spreadsheet",
                            label,
                            detail=f"a workbook beyond the first {MAX_IN_CONTAINER} in the .zip, not read",
                        )
                    )
                    continue
                if info.file_size > max_bytes:
                    problems.append(problem("file-too-large", label, detail=_mb(info.file_size), limit=_mb(max_bytes)))
                    continue
                with archive.open(info) as member:
                    payload = member.read(max_bytes + 1)
                if len(payload) > max_bytes:
                    problems.append(
                        problem("file-too-large", label, detail=f"more than {_mb(max_bytes)}", limit=_mb(max_bytes))
                    )
                    continue
                sources.append(Source(label, payload, received, sender, emailed=dated, undated=undated))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        zlib.error,
    ):
        return [], [problem("container-damaged", name, what=".zip file")]
    if not sources and not problems:
        held = f", it holds {', '.join(others[:5])}" if others else ", it is empty"
        problems.append(problem("file-not-spreadsheet", name, detail=f"a .zip file with no workbook inside{held}"))
    return sources, problems


def from_email(
    name: str, data: bytes, received: dt.datetime, max_bytes: int, nested: bool = False
) -> tuple[list[Source], list[Problem]]:
    """The workbooks attached to a saved e-mail, with its sender and date, and
    one level deeper (unless `nested`): those inside a .zip it carries, or an
    e-mail forwarded as an attachment."""
    try:
        message = email.message_from_bytes(data, policy=BOUNDED)
        sender = str(message.get("From", "") or "")
        when = message.get("Date")
        dated = False
        if when:
            try:
                received = email.utils.parsedate_to_datetime(str(when)).astimezone(dt.UTC)
                dated = True
            except (TypeError, ValueError, IndexError):
                pass
        sources: list[Source] = []
        problems: list[Problem] = []
        others: list[str] = []
        for part in _attachments(message):
            filename = part.get_filename() or "attachment"
            label = f"{name} > {filename}"
            suffix = Path(filename).suffix.lower()
            if not nested and suffix in (*ZIP_SUFFIXES, *EMAIL_SUFFIXES, *OUTLOOK_SUFFIXES):
                payload = part.get_payload(decode=True) or b""
                if suffix in ZIP_SUFFIXES:
                    found, more = from_zip(label, payload, received, sender, dated, max_bytes, undated=not dated)
                elif suffix in EMAIL_SUFFIXES:
                    found, more = from_email(label, payload, received, max_bytes, nested=True)
                else:
                    found, more = from_outlook(label, payload, received, max_bytes)
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


def _workbook(
    label: str, filename: str, payload: bytes, max_bytes: int, received: dt.datetime, sender: str, dated: bool
) -> Source | Problem | None:
    """An attached file as a source to read, with its message's sender and date;
    a problem if it is too large; None if it is no workbook (named if the message holds none)."""
    if not _held_workbook(filename, lambda: payload[:4096]):
        return None
    if len(payload) > max_bytes:
        return problem("file-too-large", label, detail=_mb(len(payload)), limit=_mb(max_bytes))
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
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822":
            continue
        if part.get_filename():
            parts.append(part)
    return parts


def _held_workbook(filename: str, head: Callable[[], bytes]) -> bool:
    """Whether a file inside an e-mail or a .zip is a workbook to read: by its
    name, and for a name that may be something else, by its first bytes."""
    suffix = Path(filename).suffix.lower()
    if suffix in PLAIN_SUFFIXES:
        first = head()[:4096]
        return first.startswith((b"\xff\xfe", b"\xfe\xff")) or any(
            mark in first for mark in SHEET_MARKS
        )  # Excel's Unicode Text is UTF-16
    return suffix in (*SPREADSHEET_SUFFIXES, *SNIFFED_SUFFIXES[1:])


def _zip_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as member:
        return member.read(4096)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
