"""The workbooks inside a .zip, saved in the inbox or attached to an e-mail:
one level deep, bounded in number and size."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

from ..problems import Problem, problem
from .source import MAX_IN_CONTAINER, MAX_ZIP_ENTRIES, Source, held_workbook, mb


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
                if not held_workbook(inner, lambda info=info: _zip_head(archive, info)):
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
                    problems.append(problem("file-too-large", label, detail=mb(info.file_size), limit=mb(max_bytes)))
                    continue
                with archive.open(info) as member:
                    payload = member.read(max_bytes + 1)
                if len(payload) > max_bytes:
                    problems.append(
                        problem("file-too-large", label, detail=f"more than {mb(max_bytes)}", limit=mb(max_bytes))
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


def _zip_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first bytes of an entry, to tell a workbook from other text."""
    with archive.open(info) as member:
        return member.read(4096)
