"""The CSRF token of a form posted to the desk, found by the guard before any
view sees the request, so no form can forget to check it.

A plain form is read whole (it is small: a note and a few fields); an upload
is read only as far as its first part, which must be the token (the desk's
forms put it first, and browsers send fields in the form's order), so the
files behind it are never held to find it. What was read is handed on to the
view as if it had not been read."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from starlette.types import Message, Receive

FORM_BYTES = 1024 * 1024  # the most of a body read to find its token
FIELD = "csrf"
_NOT_YET = object()  # the token's part has not arrived whole yet


async def form_token(content_type: str, receive: Receive, limit: int = FORM_BYTES) -> tuple[str | None, Receive]:
    """The form's token (None when it has none), and a receive that gives the body again from its start."""
    read: list[Message] = []
    body = b""
    token: object = _NOT_YET
    while token is _NOT_YET:
        message = await receive()
        read.append(message)
        body += message.get("body", b"")
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        token = _token_in(content_type, body, complete)
        if token is _NOT_YET and (complete or len(body) > limit):
            token = None
    return (token if isinstance(token, str) else None), _replaying(read, receive)


def _token_in(content_type: str, body: bytes, complete: bool) -> object:
    kind, _, params = content_type.partition(";")
    kind = kind.strip().lower()
    if kind == "application/x-www-form-urlencoded":
        if not complete:
            return _NOT_YET
        return next((v for k, v in parse_qsl(body.decode("latin-1"), keep_blank_values=True) if k == FIELD), None)
    if kind == "multipart/form-data":
        boundary = re.search(r'boundary="?([^";]+)"?', params)
        return _first_part_token(body, boundary.group(1).encode("latin-1")) if boundary else None
    return None


def _first_part_token(body: bytes, boundary: bytes) -> object:
    """The value of a multipart body's first part if that part is the token."""
    opening = b"--" + boundary + b"\r\n"
    if len(body) < len(opening):
        return _NOT_YET if opening.startswith(body) else None
    if not body.startswith(opening):
        return None
    head_end = body.find(b"\r\n\r\n", len(opening))
    if head_end < 0:
        return _NOT_YET
    head = body[len(opening) : head_end].decode("latin-1").lower()
    if not re.search(rf'content-disposition:\s*form-data;\s*name="{FIELD}"\s*(\r\n|$)', head):
        return None
    value_end = body.find(b"\r\n--" + boundary, head_end + 4)
    return _NOT_YET if value_end < 0 else body[head_end + 4 : value_end].decode("latin-1")


def _replaying(read: list[Message], receive: Receive) -> Receive:
    pending = list(read)

    async def receiving() -> Message:
        return pending.pop(0) if pending else await receive()

    return receiving
