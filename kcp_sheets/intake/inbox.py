"""The files in the inbox, each as the Sources it holds: a workbook itself,
the workbooks inside a saved e-mail or a .zip, or a problem saying why not.

Every return is read into memory (after its size is checked), and only
read, never opened for writing. What a file really is, and whether it may be
parsed at all, is decided from its bytes by `formats.inspect`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from .. import deadline
from ..formats.flat import NUMBERS_EXPORT
from ..problems import Problem, problem
from .archives import from_zip
from .messages import from_email, from_outlook
from .source import (
    EMAIL_SUFFIXES,
    OUTLOOK_SUFFIXES,
    SNIFFED_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    WORKBOOK_MAGIC,
    ZIP_SUFFIXES,
    Source,
    mb,
)


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
    hold: bool = True,
) -> tuple[list[Source], list[Problem]]:
    """Sources to read from the given files, and the problems of files that are not.

    A file in `inbox` is named by its path there, so two files of the same
    name in different sub-folders are told apart. An e-mail is opened (by
    `read_email`, `from_email` unless given) within `seconds`. Without `hold`,
    a workbook that is a file of its own is let go once its hash is taken, to
    be read again if it is read at all (a check that has read it before does not)."""
    sources: list[Source] = []
    problems: list[Problem] = []
    bundles: set[str] = set()
    for path in paths:
        name = path.relative_to(inbox).as_posix() if inbox is not None and path.is_relative_to(inbox) else path.name
        skipped = _skipped(path, name, bundles)
        if skipped is not None:
            problems += skipped
            continue
        found, more = _opened(path, name, max_bytes, seconds, read_email)
        if not hold:
            for source in found:
                if source.path is not None:
                    source.release()
        sources += found
        problems += more
    return sources, problems


def _skipped(path: Path, name: str, bundles: set[str]) -> list[Problem] | None:
    """Why a file is not to be opened (a lock file, a link, part of a Numbers
    document, told once per document in `bundles`; nothing for what a system
    leaves in folders), or None if it is."""
    if is_lock_file(path):
        return [problem("file-lock", name)]
    if name.startswith(".") or name.lower() in ("thumbs.db", "desktop.ini"):
        return []
    if path.is_symlink():
        return [problem("file-link", name, detail=f"to {os.readlink(path)}")]
    bundle = _numbers_bundle(name)
    if bundle is None:
        return None
    if bundle in bundles:  # a Numbers document saved as a folder: one line for the folder, not one per file in it
        return []
    bundles.add(bundle)
    return [
        problem("file-other-format", bundle, detail="an Apple Numbers file (saved as a folder)", how=NUMBERS_EXPORT)
    ]


def _opened(
    path: Path, name: str, max_bytes: int, seconds: float, read_email: Opener | None
) -> tuple[list[Source], list[Problem]]:
    """A file read (if it is not too large) and taken by what its name and
    first bytes say it is: a workbook, an e-mail, a .zip, or none of them."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [], [problem("file-too-large", name, detail=mb(size), limit=mb(max_bytes))]
        data = path.read_bytes()
    except OSError as exc:
        return [], [problem("file-unreadable", name, detail=exc.strerror or str(exc))]
    received = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    suffix = path.suffix.lower()
    if suffix in EMAIL_SUFFIXES or suffix in OUTLOOK_SUFFIXES:
        read = (read_email or from_email) if suffix in EMAIL_SUFFIXES else from_outlook
        return _within(seconds, read, name, data, received, max_bytes)
    if suffix in SPREADSHEET_SUFFIXES or (suffix in SNIFFED_SUFFIXES and data.startswith(WORKBOOK_MAGIC)):
        return [Source(name, data, received, path=path)], []  # its bytes, not its name, say what it is
    if suffix in ZIP_SUFFIXES:
        return from_zip(name, data, received, "", False, max_bytes)
    detail = f"a {suffix} file" if suffix else "a file with no extension"
    return [], [problem("file-not-spreadsheet", name, detail=detail)]


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
