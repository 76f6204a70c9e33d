"""The files of the review folder's areas, to download: what was sent, made and received."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ...folder import INBOX, OUTBOX, OUTPUT
from ..context import Desk
from ..files import download_path, listing


def downloads(desk: Desk, request: Request) -> Response:
    review, _ = desk.review()
    areas = []
    for area, title in (
        (OUTBOX, "Sent: the workbooks and draft e-mails"),
        (OUTPUT, "Made: the plan, its public copy, the problems list"),
        (INBOX, "Received: the returns as they arrived"),
    ):
        files = [
            {"path": str(p), "name": str(p.relative_to(area)), "size": (desk.folder / p).stat().st_size}
            for p in listing(desk.folder, area)
        ]
        areas.append({"area": area, "title": title, "files": files})
    return desk.render(request, "downloads.html", review=review, areas=areas, nav="downloads")


def download(desk: Desk, request: Request) -> Response:
    path = download_path(desk.folder, request.path_params["path"])
    if path is None:
        raise HTTPException(404)
    return FileResponse(
        path, filename=path.name, media_type="application/octet-stream", content_disposition_type="attachment"
    )
