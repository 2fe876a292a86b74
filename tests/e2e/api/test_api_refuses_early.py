"""The API refuses early: an oversized body before authentication and while it streams, a viewer's
write before its body is read, NUL characters and versions the database cannot hold with a 400 or
404 in the error shape on SQLite and PostgreSQL alike, an upload all-or-nothing."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from support.api import Api
from turnout.api import create_app
from turnout.api.guards import DEFAULT_MAX_JSON_BYTES
from turnout.bootstrap import bundled_examples

CHUNK = 64 * 1024
ERROR_KEYS = {"error", "detail"}


def _post_chunks(
    api: Api, path: str, chunks: int, headers: list[tuple[bytes, bytes]]
) -> dict[str, Any]:
    """POST `chunks` body chunks of 64 KiB straight into the ASGI app, without authentication;
    return the status, the body and how many chunks the server pulled."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        if pulled <= chunks:
            return {"type": "http.request", "body": b"[" * CHUNK, "more_body": True}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

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
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "app": api.client.app,
    }
    asyncio.run(asyncio.wait_for(api.client.app(scope, receive, send), timeout=60))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return {"status": start["status"], "body": body.decode(), "chunks": pulled}


def test_a_json_body_over_the_limit_is_refused_as_it_streams(api: Api) -> None:
    # 16,384 chunks = 1 GiB, sent without a Content-Length: reading stops at the 1 MiB limit.
    auth = [(b"authorization", f"Bearer {api.tokens['maintainer']}".encode())]
    result = _post_chunks(api, "/api/v1/configurations", 16_384, auth)
    assert result["status"] == 413, result["body"]
    assert "TURNOUT_MAX_JSON_BYTES" in result["body"]
    assert result["chunks"] <= DEFAULT_MAX_JSON_BYTES // CHUNK + 2


def test_an_unauthenticated_gigabyte_body_is_not_read(api: Api) -> None:
    for path in ("/api/v1/configurations", "/api/v1/configurations/validate", "/api/v1/runs"):
        result = _post_chunks(api, path, 16_384, [])
        assert result["status"] == 401, result["body"]
        assert result["chunks"] <= DEFAULT_MAX_JSON_BYTES // CHUNK + 2


def test_a_declared_content_length_over_the_limit_is_refused_before_reading(api: Api) -> None:
    gib = str(2**30).encode()
    result = _post_chunks(
        api, "/api/v1/configurations/validate", 16_384, [(b"content-length", gib)]
    )
    assert result["status"] == 413
    assert result["chunks"] == 0


def test_the_json_limit_is_a_setting(api: Api) -> None:
    small = TestClient(create_app(api.app, max_json_bytes=100))
    response = small.post(
        "/api/v1/configurations/validate",
        headers={"Authorization": f"Bearer {api.tokens['maintainer']}"},
        json={"version": 1, "padding": "x" * 200},
    )
    assert response.status_code == 413
    assert set(response.json()) == ERROR_KEYS


def test_a_viewer_write_is_403_whatever_its_body(api: Api) -> None:
    for path, body in (
        ("/api/v1/configurations", b"{not json"),
        ("/api/v1/configurations", b'"a string, not a document"'),
        ("/api/v1/configurations/validate", b'{"version": "x"}'),
        ("/api/v1/configurations/validate", b""),
    ):
        response = api.post(
            path, role="viewer", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 403, (path, body, response.text)
        assert "vic" in response.json()["detail"]
    refusals = api.get("/api/v1/events", params={"actor": "vic"}).json()
    assert {(e["action"], e["result"]) for e in refusals} == {
        ("create", "refused"),
        ("validate", "refused"),
    }


def test_a_maintainer_with_a_malformed_body_is_told_how_to_fix_it(api: Api) -> None:
    response = api.post(
        "/api/v1/configurations",
        role="maintainer",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert set(response.json()) == ERROR_KEYS
    assert "not JSON" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events?actor=a%00b",
        "/api/v1/events?action=%00",
        "/api/v1/runs/abc%00def",
        "/api/v1/configurations/1%00",
    ],
)
def test_a_nul_in_the_url_is_a_400_in_the_error_shape(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "RequestError"
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_json_string_is_a_400_and_nothing_is_created(api: Api) -> None:
    for document in (
        {"summary": "a\u0000b", "selections": {}},
        {"summary": "ok", "selections": {"te\u0000xt": "text.pdfium"}},
    ):
        response = api.post("/api/v1/configurations", role="maintainer", json=document)
        assert response.status_code == 400, response.text
        assert "NUL" in response.json()["detail"]
    assert [c["version"] for c in api.get("/api/v1/configurations").json()] == [1]


def test_an_upload_with_a_nul_in_one_file_name_stores_none_of_its_files(api: Api) -> None:
    xml = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_bytes()
    # Built by hand: HTTP clients percent-encode a NUL in a file name, a hostile one need not.
    body = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="%s"\r\n'
        b"Content-Type: application/xml\r\n\r\n%s\r\n" % (name, xml)
        for name in (b"first.xml", b"bad\x00name.xml", b"third.xml")
    )
    response = api.post(
        "/api/v1/runs",
        content=body + b"--b--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 400, response.text
    assert "none of its files was stored" in response.json()["detail"]
    assert api.get("/api/v1/runs").json() == []


@pytest.mark.parametrize("version", [2**31, 2**63 - 1, -(2**31) - 1])
def test_a_version_the_database_cannot_hold_is_a_404(api: Api, version: int) -> None:
    for response in (
        api.get(f"/api/v1/configurations/{version}"),
        api.get(f"/api/v1/configurations/1/diff/{version}"),
        api.post(f"/api/v1/configurations/{version}/activate", role="maintainer"),
        api.post(f"/api/v1/configurations/{version}/rollback", role="maintainer"),
    ):
        assert response.status_code == 404, response.text
        assert set(response.json()) == ERROR_KEYS
    if version > 0:  # the events filter and the validate body take positive versions only
        events = api.get("/api/v1/events", params={"config_version": version})
        validate = api.post(
            "/api/v1/configurations/validate", role="maintainer", json={"version": version}
        )
        assert (events.status_code, validate.status_code) == (404, 404), validate.text


@pytest.fixture
def failing_api(api: Api) -> Iterator[TestClient]:
    app = create_app(api.app)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_unexpected_error_is_a_500_in_the_error_shape(failing_api: TestClient) -> None:
    response = failing_api.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"] == "InternalError"
    assert "a bug" not in response.text  # the server's log has it, not the client
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def served(api: Api) -> Iterator[int]:
    """The API on a real HTTP server (uvicorn, in a thread): its port."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(api.app), host="127.0.0.1", port=0, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("authorized", [False, True])
def test_a_real_server_answers_a_gigabyte_body_before_reading_it(
    api: Api, served: int, authorized: bool
) -> None:
    auth = f"Authorization: Bearer {api.tokens['maintainer']}\r\n" if authorized else ""
    chunk = b"%x\r\n%s\r\n" % (CHUNK, b"[" * CHUNK)
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", served)) as conn:
        conn.sendall(
            f"POST /api/v1/configurations HTTP/1.1\r\nHost: localhost\r\n{auth}"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        conn.settimeout(0.05)
        while sent < 2**30 and not answer:
            try:
                conn.sendall(chunk)
                sent += CHUNK
                answer = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:  # the server answered and closed the connection
                break
        conn.settimeout(10)
        answer = answer or conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413" if authorized else b"HTTP/1.1 401"), answer
    assert sent < 64 * 2**20, f"{sent} bytes went in before the answer"
