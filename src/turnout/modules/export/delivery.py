"""Delivering one webhook request: the URL and header checks, and the retry loop.

Which outcomes are retried: no answer at all (`TransportFailure`: refused, timed out, reset), a
5xx and a 429. Everything else is final: 2xx is success, a 4xx is the receiver refusing this
request (`InputRejected`, so the runner does not retry it either), a 1xx/3xx is a misconfigured
URL (`ModuleError`; redirects are not followed). Waits grow exponentially
(`backoff_s * 2**n`); a `Retry-After` in seconds is honoured when longer, up to `MAX_WAIT_S`.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from turnout.authoring import InputRejected, ModuleError
from turnout.modules.export.http_transport import HttpResponse, HttpTransport, TransportFailure

MAX_WAIT_S = 30.0
EXCERPT_CHARS = 300
SET_BY_MODULE = frozenset({"idempotency-key", "content-type", "content-length", "host"})

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try again and how long to wait in between."""

    retries: int = 3
    backoff_s: float = 0.5

    def wait_s(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1-based)."""
        wait = self.backoff_s * 2.0 ** (retry - 1)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, MAX_WAIT_S)


def webhook_url(module_id: str, url: str) -> str:
    """`url` when it is an http(s) URL with a host and no credentials; ValueError with the fix."""
    parts = urllib.parse.urlsplit(url)
    problem = None
    if parts.scheme.lower() not in ("http", "https"):
        problem = "is not an http:// or https:// URL"
    elif not parts.hostname:
        problem = "has no host"
    elif parts.username is not None or parts.password is not None:
        problem = "carries user:password, which would end up in receipts and logs"
    elif any(c.isspace() or ord(c) < 0x20 for c in url):
        problem = "contains spaces or control characters"
    if problem:
        raise ValueError(
            f"{module_id}: setting `url` {url[:80]!r} {problem}; give an address such as "
            "'https://erp.example.com/invoices' and put credentials in `headers` (Authorization)"
        )
    return url


def request_headers(module_id: str, headers: Mapping[str, object]) -> dict[str, str]:
    """The operator's extra headers, checked: valid names, one-line values, none we set."""
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(value, str) or not _TOKEN.fullmatch(name) or _BAD_VALUE.search(value):
            raise ValueError(
                f"{module_id}: header {name!r} in setting `headers` is not a valid HTTP header; "
                "use a name of letters, digits and dashes with a one-line string value"
            )
        if name.lower() in SET_BY_MODULE:
            raise ValueError(
                f"{module_id}: header {name!r} in setting `headers` is set by the module itself; "
                "remove it from `headers`"
            )
        checked[name] = value
    return checked


def deliver(
    transport: HttpTransport,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout_s: float,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[HttpResponse, int]:
    """POST until a 2xx (returned with the number of attempts) or a final failure (raised)."""
    attempt = 0
    while True:
        attempt += 1
        retry_after: float | None = None
        try:
            response = transport.post(url, body, headers, timeout_s)
        except TransportFailure as exc:
            failure = f"gave no answer ({exc})"
        else:
            status = response.status
            if 200 <= status < 300:
                return response, attempt
            if 400 <= status < 500 and status != 429:
                raise InputRejected(
                    f"webhook {url} refused the invoice with HTTP {status}: "
                    f"{excerpt(response.body)!r}; fix what the receiver reports (for 401/403 the "
                    "credentials in setting `headers`); a 4xx is not retried"
                )
            if status < 500 and status != 429:
                raise ModuleError(
                    f"webhook {url} answered HTTP {status} ({response.headers.get('location', '')}), "
                    "which is not a success; redirects are not followed: set `url` to the final address"
                )
            failure = f"answered HTTP {status}: {excerpt(response.body)!r}"
            retry_after = _retry_after(response)
        if attempt > policy.retries:
            raise ModuleError(
                f"webhook {url} {failure} on attempt {attempt} of {policy.retries + 1}; "
                "check that the receiver is up and reachable from here, or raise setting `retries`"
            )
        sleep(policy.wait_s(attempt, retry_after))


def excerpt(body: bytes) -> str:
    """The start of a response body as one line of text, for error messages."""
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text[:EXCERPT_CHARS] + ("..." if len(text) > EXCERPT_CHARS else "")


def _retry_after(response: HttpResponse) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None
