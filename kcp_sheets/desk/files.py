"""Files in and out of the review folder, for the desk.

Uploads are named safely and written only inside the inbox, never over a
file already there, and never with execute permission; a hidden part file
is renamed into place so a `check` running at the same time never reads half
a return. Downloads are served only from the folder's own sub-folders, after
the path is resolved, so `../` and links pointing elsewhere are refused.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..folder import INBOX, OUTBOX, OUTPUT, safe_file_name
from ..intake import (
    EMAIL_SUFFIXES,
    OUTLOOK_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    ZIP_SUFFIXES,
)
from ..shown import without_bidi

ACCEPTED = SPREADSHEET_SUFFIXES + EMAIL_SUFFIXES + OUTLOOK_SUFFIXES + ZIP_SUFFIXES
DOWNLOAD_AREAS = (OUTBOX, OUTPUT, INBOX)  # what the officer may take away: sent, made, received
MAX_NAME = 150
_saving = threading.Lock()


def clean_name(name: str) -> str:
    """A file name a browser sent, made safe: no folders, no control, reserved or
    bidirectional characters, no leading dot (hidden files are skipped by the
    inbox), its extension kept, bounded."""
    base = without_bidi(re.split(r"[\\/]", name or "")[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = safe_file_name(suffix)
    stem = (
        safe_file_name(stem).lstrip(". ")[: MAX_NAME - len(suffix) - 1].rstrip(" .") or "return"
    )  # " .xlsx" keeps its extension
    return f"{stem}.{suffix}" if suffix else stem


def accepted(name: str) -> bool:
    return Path(name).suffix.lower() in ACCEPTED


@dataclass(frozen=True)
class Saved:
    name: str  # as saved in the inbox
    sent_as: str  # as the browser named it


def save_upload(inbox: Path, name: str, data: BinaryIO) -> Saved:
    """Copy one uploaded file into the inbox under a free, safe name."""
    inbox.mkdir(parents=True, exist_ok=True)
    safe = clean_name(name)
    part = inbox / f".upload-{secrets.token_hex(8)}.part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := data.read(1024 * 1024):
                out.write(chunk)
        with _saving:
            target = _free(inbox, safe)
            os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return Saved(target.name, name)


def _free(inbox: Path, name: str) -> Path:
    """The name itself, or 'name (2).xlsx' and so on: an upload never replaces a return."""
    target = inbox / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists():
        target = inbox / f"{stem} ({n}){suffix}"
        n += 1
    return target


def download_path(folder: Path, relative: str) -> Path | None:
    """The file `relative` names inside one of the folder's download areas, or None."""
    if "\x00" in relative:
        return None
    parts = Path(relative).parts
    if not parts or parts[0] not in DOWNLOAD_AREAS or any(p in ("..", "") or p.startswith(".") for p in parts):
        return None
    try:
        if any((folder / Path(*parts[:n])).is_symlink() for n in range(1, len(parts) + 1)):
            return None  # a link is neither listed nor followed
        root = (folder / parts[0]).resolve()
        target = (folder / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
    except (OSError, ValueError):
        return None
    return target


def listing(folder: Path, area: str) -> Iterable[Path]:
    """Files of one download area, as paths relative to the folder, in a stable order."""
    root = folder / area
    if not root.is_dir():
        return []
    found = [p for p in _files(root) if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return sorted((p.relative_to(folder) for p in found), key=lambda p: str(p).lower())


def _files(root: Path) -> Iterable[Path]:
    """The files below `root`, neither listing nor entering a link."""
    for top, folders, files in os.walk(root, followlinks=False):
        folders[:] = [f for f in folders if not (Path(top) / f).is_symlink()]
        for name in files:
            path = Path(top) / name
            if not path.is_symlink() and path.is_file():
                yield path
