"""What a return is once it has arrived (a Source: its bytes and where they
came from), and the names and first bytes that say a file may be a workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import local
from ..problems import Problem

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
    path: Path | None = None  # the inbox file that is these bytes, if it is one: read again when let go

    def __post_init__(self) -> None:
        self.received = local(self.received)  # every surface shows it as the officer's clock says it
        if self.data and not self.sha256:
            self.sha256 = hashlib.sha256(self.data).hexdigest()

    def release(self) -> None:
        """Drop the bytes: thousands of returns need not stay in memory. A source
        that is a file of its own is read again when needed (`reload`)."""
        self.data = b""

    def reload(self) -> str:
        """The bytes again, if they were let go, from the file: "" if they are
        here, else why not. A file changed since it was listed is not read as
        it is now: what was listed (and will be recorded) is the earlier one."""
        if self.data or self.path is None or not self.sha256:
            return ""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            return f"it could not be opened again to read it ({exc.strerror or exc})"
        if hashlib.sha256(data).hexdigest() != self.sha256:
            return "it changed while it was being checked"
        self.data = data
        return ""

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


def held_workbook(filename: str, head: Callable[[], bytes]) -> bool:
    """Whether a file inside an e-mail or a .zip is a workbook to read: by its
    name, and for a name that may be something else, by its first bytes."""
    suffix = Path(filename).suffix.lower()
    if suffix in PLAIN_SUFFIXES:
        first = head()[:4096]
        return first.startswith((b"\xff\xfe", b"\xfe\xff")) or any(
            mark in first for mark in SHEET_MARKS
        )  # Excel's Unicode Text is UTF-16
    return suffix in (*SPREADSHEET_SUFFIXES, *SNIFFED_SUFFIXES[1:])


def mb(size: int) -> str:
    """A size as the officer reads it."""
    return f"{size / 1024 / 1024:.1f} MB"
