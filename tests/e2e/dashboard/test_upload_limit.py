"""Upload size limits are enforced while the body streams in, for the API and the dashboard alike:
the server answers 413 once a file passes the limit, without reading the rest of the request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from e2e.dashboard.dashboard_support import Dashboard, example
from turnout.api.dashboard.session import SESSION_COOKIE

LIMIT = 2_000_000  # the fixture's max_upload_bytes
CHUNK = 64 * 1024
CHUNKS = 320  # 20 MiB: ten times the limit
BOUNDARY = "turnout-test-boundary"


def _post_streaming(
    dash: Dashboard, path: str, headers: list[tuple[bytes, bytes]]
) -> dict[str, Any]:
    """POST a multipart body of one 20 MiB file chunk by chunk, straight into the ASGI app;
    return the status, the body and how many body chunks the server pulled."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="files"; filename="huge.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    parts = [head, *([b"%" * CHUNK] * CHUNKS), tail]
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled < len(parts):
            pulled += 1
            return {"type": "http.request", "body": parts[pulled - 1], "more_body": True}
        if pulled == len(parts):
            pulled += 1
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    size = sum(len(p) for p in parts)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"content-length", str(size).encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(asyncio.wait_for(dash.api(scope, receive, send), timeout=60))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return {"status": start["status"], "body": body.decode(), "chunks": pulled}


def test_the_api_answers_413_before_reading_the_rest_of_an_oversized_upload(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    token = dash.tokens["operator"]
    result = _post_streaming(dash, "/api/v1/runs", [(b"authorization", f"Bearer {token}".encode())])
    assert result["status"] == 413
    body = json.loads(result["body"])
    assert body["error"] == "PayloadTooLarge"
    assert "huge.pdf" in body["detail"] and "--max-upload-mb" in body["detail"]
    # the limit is passed in chunk 32 of 320: reading stops there, not at the end of the body
    assert result["chunks"] <= LIMIT // CHUNK + 2
    with dash.app.unit_of_work() as uow:
        assert uow.runs.list() == []


def test_the_dashboard_upload_answers_413_before_reading_the_rest(dash: Dashboard) -> None:
    session = dash.session("maintainer").cookies[SESSION_COOKIE]
    cookie = f"{SESSION_COOKIE}={session}".encode()
    result = _post_streaming(dash, "/runs", [(b"cookie", cookie)])
    assert result["status"] == 413
    assert "huge.pdf" in result["body"] and "is larger than" in result["body"]
    assert result["chunks"] <= LIMIT // CHUNK + 2


@pytest.mark.parametrize("size", [LIMIT, LIMIT + 1])
def test_a_file_exactly_at_the_limit_is_accepted_one_byte_more_refused(
    dash: Dashboard, size: int
) -> None:
    _, data = example("ubl-invoice.xml")
    padded = data + b" " * (size - len(data))  # trailing whitespace after the XML document
    response = dash.session("operator").post(
        "/api/v1/runs",
        headers={"Authorization": f"Bearer {dash.tokens['operator']}"},
        files=[("files", ("padded.xml", padded))],
    )
    assert response.status_code == (201 if size == LIMIT else 413), response.text
