"""`RequestGuard`: what every request meets before routing, authentication or body parsing.

- A body larger than its route accepts is refused with 413: from its Content-Length before a byte
  is read, else as soon as the bytes streamed in pass the limit (the rest is never read). JSON and
  forms get `max_json_bytes` (1 MiB by default, `TURNOUT_MAX_JSON_BYTES`); invoice uploads get
  what their files may total (each file is held to its own limit while it streams).
- A URL with a NUL character is refused with 400: no database stores one in text.
- Every response carries the security headers (`SECURITY_HEADERS`, and a Content-Security-Policy
  that loads nothing from elsewhere).

A plain ASGI middleware, so that it sees the body as it streams and nothing reads it first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from turnout.domain.errors import RequestError

DEFAULT_MAX_JSON_BYTES = 1024 * 1024
UPLOAD_PATHS = frozenset({"/api/v1/runs", "/runs"})
"""POST routes taking invoice files (multipart): their bodies are bounded by the upload limits."""

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""The dashboard and the API: scripts and styles only from this server's own files."""
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
"""/docs: Swagger UI sets inline styles on the elements it draws (its scripts are files)."""


def max_json_bytes_from_env(environ: Mapping[str, str] | None = None) -> int:
    """`TURNOUT_MAX_JSON_BYTES`, else 1 MiB; a value that is not a positive integer is refused."""
    raw = (os.environ if environ is None else environ).get("TURNOUT_MAX_JSON_BYTES", "")
    if not raw:
        return DEFAULT_MAX_JSON_BYTES
    if not raw.isdigit() or int(raw) < 1:
        raise RequestError(
            f"TURNOUT_MAX_JSON_BYTES={raw!r} is not a number of bytes above 0; set it to e.g. "
            f"{DEFAULT_MAX_JSON_BYTES} or unset it"
        )
    return int(raw)


class _TooLarge(Exception):
    """Raised inside `receive` when the body passes its limit; turned into the 413 here."""


class RequestGuard:
    """Body limits, NUL-free URLs and security headers for every request (see module doc)."""

    def __init__(self, app: ASGIApp, *, max_json_bytes: int, max_upload_request_bytes: int) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_upload_request_bytes = max_upload_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"].startswith("/docs") else CSP
        headers = [*SECURITY_HEADERS, (b"content-security-policy", csp.encode())]
        started = overflowed = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if overflowed:  # whatever the route makes of a cut-off body, the answer is 413
                return
            if message["type"] == "http.response.start":
                started = True
                own = list(message.get("headers", []))
                present = {name.lower() for name, _ in own}
                extra = [(n, v) for n, v in headers if n not in present]
                message = {**message, "headers": [*own, *extra]}
            await send(message)

        refusal = self._url_refusal(scope)
        if refusal is not None:
            await _send_error(send_with_headers, 400, "RequestError", refusal)
            return
        limit = self._limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_error(send_with_headers, 413, "PayloadTooLarge", self._too_large(limit))
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Frameworks wrap errors raised while reading a body (FastAPI answers 400):
                    # the flag makes the answer 413 whatever the route then sends.
                    overflowed = not started
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except Exception:
            if not overflowed:
                raise
        if overflowed:
            overflowed = False
            await _send_error(send_with_headers, 413, "PayloadTooLarge", self._too_large(limit))

    def _limit(self, scope: Scope) -> int:
        if scope["method"] == "POST" and scope["path"].rstrip("/") in UPLOAD_PATHS:
            return self.max_upload_request_bytes
        return self.max_json_bytes

    def _too_large(self, limit: int) -> str:
        if limit == self.max_json_bytes:
            return (
                f"the request body is larger than {limit} bytes, the most this server accepts for "
                "JSON and forms; send less, or start the server with a larger "
                "TURNOUT_MAX_JSON_BYTES"
            )
        return (
            f"the upload is larger than {limit} bytes in all; send the files in several "
            "requests, or start the server with a larger --max-upload-mb"
        )

    @staticmethod
    def _url_refusal(scope: Scope) -> str | None:
        query: bytes = scope.get("query_string", b"")
        if "\x00" in scope["path"] or b"\x00" in query or b"%00" in query.lower():
            return (
                "the URL contains a NUL character (%00), which no field accepts; remove it "
                "from the path and query string"
            )
        return None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _send_error(send: Send, status: int, error: str, detail: str) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
