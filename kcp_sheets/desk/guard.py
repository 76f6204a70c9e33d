"""Who may use the desk, and the headers every answer carries.

The desk is reached with the token `serve` printed; the first request swaps it
for a session cookie (HttpOnly, SameSite=Strict) and drops it from the
address. Every POST must carry the desk's CSRF token (checked here, before
any view, by form_token.py) and an Origin of this desk, so a page elsewhere
cannot act on the officer's behalf.
Every answer forbids framing, sniffing and any script or style not served by
the desk itself.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .form_token import form_token

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # the token never leaves in a Referer; Origin stays exact for POST checks
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::", "")
REFUSED = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    '<title>{title} · kcp-sheets desk</title><link rel="stylesheet" href="/static/desk.css"></head>\n'
    '<body><main id="main"><h1>{title}</h1><p>{why}</p><p><a href="/">Back to the review</a></p></main></body></html>'
)
TITLES = {400: "Refused", 403: "Refused", 404: "Not found", 413: "Too large", 503: "Busy"}


@dataclass
class Keys:
    """The secrets of one running desk: made fresh each time it starts."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie(self) -> str:
        """Named per desk, so two desks on one machine keep their own sessions."""
        return "kcp_desk_" + hashlib.sha256(self.token.encode()).hexdigest()[:10]

    def csrf_ok(self, value: object) -> bool:
        return isinstance(value, str) and secrets.compare_digest(value.encode(), self.csrf.encode())


def refused(status: int, why: str) -> HTMLResponse:
    """A page that says no, with a main landmark and the way back, like every page of the desk."""
    return HTMLResponse(REFUSED.format(title=TITLES.get(status, "Refused"), why=why), status_code=status)


class Guard:
    """ASGI middleware: the token or the session cookie, the Origin of a POST, the headers."""

    def __init__(self, app: ASGIApp, keys: Keys, host: str = "127.0.0.1") -> None:
        self.app = app
        self.keys = keys
        # The names this desk answers to; listening on every address (--host 0.0.0.0), it is reached by
        # names it cannot know, and the token alone guards it, as serve says when it starts.
        self.hosts: set[str] | None = None if host.strip("[]") in WILDCARD else {*LOOPBACK, host.strip("[]").lower()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if (
            self.hosts is not None and _host_name(headers.get("host", "")) not in self.hosts
        ):  # a page elsewhere rebinding its name to this machine
            await refused(400, "The desk answers only to the address <code>kcp-sheets serve</code> printed.")(
                scope, receive, send
            )
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        token = next((v for k, v in query if k == "token"), None)
        if self._session_ok(headers.get("cookie", "")):
            if scope["method"] not in ("GET", "HEAD"):
                if not _same_origin(headers):
                    await refused(403, "This form was sent from another site.")(scope, receive, send)
                    return
                token, receive = await form_token(headers.get("content-type", ""), receive)
                if not self.keys.csrf_ok(token):
                    await refused(
                        403, "The form has expired or was not sent from the desk: reload the page and try again."
                    )(scope, receive, send)
                    return
            await self.app(scope, receive, send)
            return
        if (
            token is not None
            and secrets.compare_digest(token.encode(), self.keys.token.encode())
            and scope["method"] in ("GET", "HEAD")
        ):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), status_code=303)
            response.set_cookie(self.keys.cookie, self.keys.session, httponly=True, samesite="strict", path="/")
            await response(scope, receive, send)
            return
        await refused(403, "Open the desk with the address <code>kcp-sheets serve</code> printed, token included.")(
            scope, receive, send
        )

    def _session_ok(self, cookie_header: str) -> bool:
        cookies = SimpleCookie()
        try:
            cookies.load(cookie_header)
        except Exception:  # noqa: BLE001 - a malformed cookie is simply no session
            return False
        morsel = cookies.get(self.keys.cookie)
        return morsel is not None and secrets.compare_digest(morsel.value.encode(), self.keys.session.encode())


def _host_name(host: str) -> str:
    """The name in a Host header, without its port: "127.0.0.1:8040", "[::1]:8040", "localhost"."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(headers: dict[str, str]) -> bool:
    """A POST's Origin, when the browser sends one, must be this desk."""
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin in (f"http://{headers.get('host', '')}", f"https://{headers.get('host', '')}")


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableHeaders(scope=message)
            for name, value in HEADERS.items():
                if name not in response_headers:
                    response_headers[name] = value
        await send(message)

    return sending
