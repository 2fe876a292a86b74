"""A tiny HTTP transport for `export.webhook`: one POST, its status and body, nothing more.

Wraps the standard library's `urllib.request` so the webhook needs no third-party client, and so
that what the webhook relies on is written down in one place:

- every HTTP answer comes back as an `HttpResponse`, whatever its status (no exception for 4xx
  or 5xx); redirects are not followed (a POST must not silently turn into a GET elsewhere);
- a failure to get any answer (refused connection, DNS failure, timeout, reset) raises
  `TransportFailure`, which says what happened;
- the body read is bounded (`MAX_BODY_BYTES`): a webhook's answer is only quoted in messages.

Proxies come from the usual environment variables (`https_proxy`, `no_proxy` ...), as for any
urllib client.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import IO, Protocol

MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP answer: its status, its headers (names lower-cased) and the start of its body."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class TransportFailure(Exception):
    """No HTTP answer at all: the connection failed, timed out or broke."""


class HttpTransport(Protocol):
    """What the webhook needs from HTTP: POST bytes, get an answer or a `TransportFailure`."""

    def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout_s: float
    ) -> HttpResponse: ...


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None  # the 3xx answer is returned to the caller as it is


class UrllibTransport:
    """`HttpTransport` on `urllib.request`, without redirects."""

    def __init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect())

    def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout_s: float
    ) -> HttpResponse:
        """POST `body` to `url`; the answer, or `TransportFailure` when there is none."""
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with self._opener.open(request, timeout=timeout_s) as answer:
                return HttpResponse(
                    answer.status, answer.read(MAX_BODY_BYTES), _headers(answer.headers)
                )
        except urllib.error.HTTPError as exc:
            with exc:
                return HttpResponse(exc.code, exc.read(MAX_BODY_BYTES), _headers(exc.headers))
        except urllib.error.URLError as exc:
            raise TransportFailure(_describe(exc.reason)) from exc
        except (OSError, http.client.HTTPException) as exc:
            # timeouts while reading, resets, and http.client's protocol errors
            raise TransportFailure(_describe(exc)) from exc


def _headers(message: Message | None) -> dict[str, str]:
    if message is None:
        return {}
    return {name.lower(): value for name, value in message.items()}


def _describe(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    text = str(reason)
    return f"{type(reason).__name__}: {text}" if text else type(reason).__name__
