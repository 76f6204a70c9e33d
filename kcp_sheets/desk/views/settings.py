"""The settings as read: each file line by line, its mistakes marked on their lines."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from ...problems import ProblemError
from ...settings import FILES
from ...textfile import LIMITS, read_text
from ..context import Desk


def settings_page(desk: Desk, request: Request) -> Response:
    review, problems = desk.review()
    files = []
    for name in FILES:
        path = desk.folder / name
        mine = [p for p in problems if Path(p.file).name == name]
        marks = {p.line.number for p in mine if p.line}
        text = _text(path)
        files.append(
            {
                "name": name,
                "exists": path.is_file(),
                "problems": mine,
                "marks": marks,
                "lines": text.splitlines() if text is not None else [],
            }
        )
    elsewhere = [p for p in problems if Path(p.file).name not in FILES]
    return desk.render(
        request, "settings.html", review=review, files=files, problems=problems, elsewhere=elsewhere, nav="settings"
    )


def _text(path: Path) -> str | None:
    """A settings file's text as the settings are read; None where it cannot be (its problem says why)."""
    try:
        return read_text(path, LIMITS.csv_bytes)
    except ProblemError:
        return None
