"""The guard finds a form's token reading no more of the body than it must,
and hands the view the body whole."""

from __future__ import annotations

import asyncio
from typing import Any

from kcp_sheets.desk.form_token import form_token

MULTIPART = "multipart/form-data; boundary=b"


def _chunks(*bodies: bytes) -> tuple[Any, list[bytes]]:  # an ASGI receive, and the bodies it has given
    given = []

    async def receive() -> dict:
        body = bodies[len(given)]
        given.append(body)
        return {"type": "http.request", "body": body, "more_body": len(given) < len(bodies)}

    return receive, given


def _all(receive: Any) -> bytes:
    async def read() -> bytes:
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message["body"], message["more_body"]
        return body

    return asyncio.run(read())


def test_an_uploads_token_is_read_from_its_first_part_without_reading_the_files() -> None:
    files = [b"x" * 1000] * 50
    receive, given = _chunks(
        b'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nse',
        b'cret\r\n--b\r\nContent-Disposition: form-data; name="returns"',
        *files,
    )
    token, again = asyncio.run(form_token(MULTIPART, receive))
    assert token == "secret" and len(given) == 2
    assert _all(again).endswith(b"x" * 1000) and len(given) == 52


def test_an_upload_whose_first_part_is_not_the_token_has_none() -> None:
    receive, given = _chunks(
        b'--b\r\nContent-Disposition: form-data; name="returns"; filename="a.xlsx"\r\n\r\n', *[b"x" * 1000] * 50
    )
    token, _ = asyncio.run(form_token(MULTIPART, receive))
    assert token is None and len(given) == 1


def test_a_plain_forms_token_is_found_anywhere_in_it_and_the_body_is_given_again() -> None:
    receive, _ = _chunks(b"note=scores+agreed&decision=accepted", b"&csrf=abc")
    token, again = asyncio.run(form_token("application/x-www-form-urlencoded", receive))
    assert token == "abc" and _all(again) == b"note=scores+agreed&decision=accepted&csrf=abc"


def test_a_body_past_the_limit_without_its_token_has_none() -> None:
    receive, given = _chunks(*[b"note=" + b"x" * 100] * 20)
    token, _ = asyncio.run(form_token("application/x-www-form-urlencoded", receive, limit=500))
    assert token is None and len(given) < 20
