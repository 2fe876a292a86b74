"""Guards over the REST API, on SQLite and PostgreSQL: a guarded activation through the API trips on
runs refused by intake, rolls back by itself, is shown by GET /guards and /guards/current, counted
by the rollback metric, and announced to a webhook (a real local HTTP server)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from support.api import ADMIN, Api
from turnout.bootstrap import bundled_examples
from turnout.domain.guard import GuardSpec
from turnout.domain.runs import RunStatus
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.validation import document_of


class Receiver:
    """A local HTTP server keeping the JSON bodies posted to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.got = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()
                receiver.got.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


def test_a_guard_over_the_api_trips_rolls_back_and_is_announced(
    api: Api, receiver: Receiver
) -> None:
    assert api.get("/api/v1/guards/current").status_code == 404
    assert api.get("/api/v1/guards").json() == []
    app = api.app
    with app.unit_of_work() as uow:
        uow.settings.put("guard_webhook_url", receiver.url, ADMIN, utcnow())
        uow.commit()
    service = app.configurations
    doc = document_of(service.get(1))
    version = service.create(
        ConfigDocument(
            "intake refuses every file",
            {**doc.selections, "intake": SelectionDoc("intake.standard", {"max_bytes": 100})},
        ),
        ADMIN,
    ).config.version
    activated = api.post(
        f"/api/v1/configurations/{version}/activate?guard=true&guard_runs=10", role="maintainer"
    )
    assert activated.status_code == 200, activated.text
    watching = api.get("/api/v1/guards/current").json()
    assert (watching["version"], watching["status"], watching["runs_seen"]) == (
        version,
        "watching",
        0,
    )
    assert watching["window"] == {"runs": 10, "minutes": None}

    ubl = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_bytes()
    first = app.runner.run_bytes("a.xml", ubl)
    second = app.runner.run_bytes("b.xml", ubl.replace(b"</Invoice>", b"<!-- b --></Invoice>"))
    # one failure of a 10-run window is already over 0 % + 2 points: it trips at once, and the
    # next file runs on the restored version
    assert (first.status, second.status) == (RunStatus.FAILED, RunStatus.COMPLETED)
    assert second.config_version == version + 1

    current = api.get("/api/v1/guards/current").json()
    assert current["status"] == "tripped" and current["rollback_version"] == version + 1
    assert current["figures"]["failed"] == 1 and current["breaches"][0]["what"] == "failure_rate"
    assert [g["version"] for g in api.get("/api/v1/guards").json()] == [version]
    with app.unit_of_work() as uow:
        assert uow.configurations.pointers().active.version == version + 1  # type: ignore[union-attr]
        reruns = [r for r in uow.runs.list(limit=20) if r.rerun_of is not None]
    assert [r.rerun_of for r in reruns] == [first.run_id]
    assert {r.status for r in reruns} == {RunStatus.COMPLETED}
    assert "turnout_guard_rollbacks_total 1.0" in app.metrics.render().decode()

    assert receiver.got.wait(30), "the webhook was not called"
    body = receiver.bodies[0]
    assert body["event"] == "guard_rollback"
    assert (body["version"], body["restored_version"], body["rollback_version"]) == (
        version,
        1,
        version + 1,
    )
    assert body["breaches"][0]["what"] == "failure_rate" and body["figures"]["runs"] == 1


def test_a_webhook_that_fails_is_audited_and_holds_nothing_up(api: Api) -> None:
    app = api.app
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    with app.unit_of_work() as uow:
        uow.settings.put("guard_webhook_url", url, ADMIN, utcnow())
        uow.commit()
    service = app.configurations
    doc = document_of(service.get(1))
    version = service.create(
        ConfigDocument(
            "intake refuses every file",
            {**doc.selections, "intake": SelectionDoc("intake.standard", {"max_bytes": 100})},
        ),
        ADMIN,
    ).config.version
    service.activate(version, ADMIN, guard=GuardSpec(runs=10))
    ubl = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_bytes()
    assert app.runner.run_bytes("a.xml", ubl).status is RunStatus.FAILED  # trips, rolls back

    def failures() -> list[str]:
        with app.unit_of_work() as uow:
            return [
                e.message for e in uow.events.list(action="guard") if e.result.value == "failed"
            ]

    for _ in range(300):  # the post is retried once, in the background
        if failures():
            break
        time.sleep(0.05)
    assert len(failures()) == 1 and url in failures()[0] and "guard_webhook_url" in failures()[0]
