"""Serving the desk: a socket on this machine, one printed address with its
token, and a clean stop on Ctrl-C (a step under way finishes first)."""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from typing import Any

from .app import create_app
from .guard import Keys

TRIES = 20  # the default port and the next ones, as a notebook server does
MAX_CONNECTIONS = 64
IDLE_SECONDS = 5
REQUEST_SECONDS = 10  # for a request to arrive whole once connected


def bind(host: str, port: int, keep_trying: bool) -> socket.socket:
    """A listening socket on `port`, or the next free one if `keep_trying`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    last: OSError | None = None
    for candidate in range(port, port + (TRIES if keep_trying and port else 1)):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.listen(64)
        return sock
    raise last or OSError(f"no free port from {port}")


def address(host: str, port: int, token: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def bounded_protocol(request_seconds: float) -> type:
    """uvicorn's HTTP protocol, closing a connection whose request has not
    arrived whole within `request_seconds` of connecting: a slow client (or a
    thousand) never holds the desk's connections and files open."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Bounded(H11Protocol):
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._waiting = self.loop.call_later(request_seconds, self._too_slow)

        def _too_slow(self) -> None:
            if self.cycle is None:  # no request has arrived whole
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._waiting.cancel()
            super().connection_lost(exc)

    return Bounded


def serve(folder: Path, host: str, port: int, keep_trying: bool, request_seconds: float = REQUEST_SECONDS) -> None:
    import uvicorn

    sock = bind(host, port, keep_trying)
    keys = Keys()
    app = create_app(folder, keys, host=host)
    if not is_local(host):
        print(
            f"The desk is open to other machines on {host}; anyone with the address below can use it.", file=sys.stderr
        )
    print(address(host, sock.getsockname()[1], keys.token), flush=True)
    # A bounded number of connections at once (more are told 503), and idle ones closed after a few seconds.
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        server_header=False,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=IDLE_SECONDS,
        http=bounded_protocol(request_seconds),
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # the server has shut down cleanly and hands the signal back
        pass
    print("The desk has stopped.", file=sys.stderr)
