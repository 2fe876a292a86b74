"""export.webhook against a real local HTTP server: idempotency key, retries, final 4xx, timeouts."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from turnout.domain.artifacts import Decision, InvoiceArtifact, Match, Outcome, Receipt
from turnout.domain.errors import InputRejected, ModuleError
from turnout.domain.invoice import Invoice, Party, Totals
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.export.delivery import MAX_WAIT_S, RetryPolicy
from turnout.modules.export.webhook import WebhookExport
from turnout.testing import ModuleContractSuite


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver(ThreadingHTTPServer):
    """A real HTTP server that records every request and answers from a script (then 200)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[Recorded] = []
        self.script: list[Reply] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/invoices"

    def next_reply(self, request: Recorded) -> Reply:
        with self.lock:
            self.requests.append(request)
            return self.script.pop(0) if self.script else Reply()


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        reply = self.server.next_reply(Recorded(self.path, dict(self.headers.items()), body))
        time.sleep(reply.delay_s)
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nobody-listens"


INVOICE = Invoice(
    invoice_number="INV-77",
    issue_date=dt.date(2024, 5, 2),
    currency="EUR",
    seller=Party(name="Überall AG"),
    totals=Totals(payable=Decimal("99.90")),
)
DECISION = Decision(Outcome.APPROVE, ("known vendor",))
MATCH = Match(vendor_id="V-77", vendor_name="Überall AG", method="name", score=0.95)


def post(
    url: str,
    run_id: str = "run-5",
    *,
    decision: Decision = DECISION,
    match: Match | None = MATCH,
    revision: int = 0,
    **settings: Any,
) -> Receipt:
    artifacts = Artifacts([InvoiceArtifact(INVOICE), decision])
    if match is not None:
        artifacts.add(match)
    context = RunContext(
        run_id, 2, "export", "export.webhook", Path(), file_name="INV-77.pdf", revision=revision
    )
    module = WebhookExport({"url": url, "backoff_s": 0.01, **settings})
    (receipt,) = module.process(artifacts, context)
    assert isinstance(receipt, Receipt)
    return receipt


def test_posts_the_invoice_and_decision_as_json_with_the_idempotency_key(
    receiver: Receiver,
) -> None:
    receipt = post(receiver.url, headers={"Authorization": "Bearer s3cret"})
    (request,) = receiver.requests
    assert request.path == "/hooks/invoices"
    assert request.headers["Idempotency-Key"] == "run-5:export"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert json.loads(request.body) == {
        "run_id": "run-5",
        "config_version": 2,
        "source_file": "INV-77.pdf",
        "vendor_id": "V-77",
        "invoice": INVOICE.to_dict(),
        "decision": {"outcome": "approve", "reasons": ["known vendor"]},
    }
    assert "Überall" in request.body.decode("utf-8")
    assert (receipt.target, receipt.location, receipt.key) == (
        "webhook",
        receiver.url,
        "run-5:export",
    )
    assert receipt.details == {"status": "200", "attempts": "1"}


def test_a_reviewed_run_posts_the_persons_decision_under_a_new_key(receiver: Receiver) -> None:
    decision = Decision(Outcome.REJECT, ("rejected by bob: not ours", "known vendor"), "bob")
    receipt = post(receiver.url, decision=decision, match=None, revision=2)
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert request.headers["Idempotency-Key"] == receipt.key == "run-5:export:r2"
    assert body["decision"] == {
        "outcome": "reject",
        "reasons": ["rejected by bob: not ours", "known vendor"],
        "decided_by": "bob",
        "final": True,
    }
    assert (body["source_file"], body["vendor_id"]) == ("INV-77.pdf", None)


def test_a_503_is_retried_with_the_same_key_and_body_until_success(receiver: Receiver) -> None:
    receiver.script = [Reply(503, b"maintenance"), Reply(503, b"maintenance"), Reply(201)]
    receipt = post(receiver.url)
    assert receipt.details == {"status": "201", "attempts": "3"}
    assert len(receiver.requests) == 3
    assert {r.headers["Idempotency-Key"] for r in receiver.requests} == {"run-5:export"}
    assert len({r.body for r in receiver.requests}) == 1


def test_a_429_is_retried_after_the_receivers_retry_after(receiver: Receiver) -> None:
    receiver.script = [Reply(429, b"slow down", {"Retry-After": "0"})]
    receipt = post(receiver.url)
    assert receipt.details["attempts"] == "2"
    assert len(receiver.requests) == 2


def test_a_400_is_not_retried_and_says_the_status_and_the_receivers_reason(
    receiver: Receiver,
) -> None:
    receiver.script = [Reply(400, b'{"error": "unknown cost centre 4711"}')]
    with pytest.raises(InputRejected) as caught:
        post(receiver.url)
    assert len(receiver.requests) == 1
    message = str(caught.value)
    assert "HTTP 400" in message and "unknown cost centre 4711" in message
    assert "not retried" in message


def test_a_redirect_is_not_followed(receiver: Receiver) -> None:
    receiver.script = [Reply(302, b"", {"Location": "http://127.0.0.1:9/elsewhere"})]
    with pytest.raises(ModuleError, match="set `url` to the final address"):
        post(receiver.url)
    assert len(receiver.requests) == 1


def test_persistent_5xx_fails_after_the_configured_retries(receiver: Receiver) -> None:
    receiver.script = [Reply(500, b"boom")] * 5
    with pytest.raises(ModuleError, match=r"HTTP 500: 'boom' on attempt 3 of 3"):
        post(receiver.url, retries=2)
    assert len(receiver.requests) == 3


def test_connection_refused_fails_after_retries_with_growing_waits() -> None:
    started = time.monotonic()
    with pytest.raises(ModuleError, match="gave no answer") as caught:
        post(closed_port_url(), retries=2, backoff_s=0.05)
    assert "attempt 3 of 3" in str(caught.value)
    assert time.monotonic() - started >= 0.05 + 0.1


def test_a_receiver_slower_than_the_timeout_counts_as_no_answer(receiver: Receiver) -> None:
    receiver.script = [Reply(delay_s=1.0), Reply(delay_s=1.0)]
    with pytest.raises(ModuleError, match=r"gave no answer \(timed out\) on attempt 2 of 2"):
        post(receiver.url, timeout_s=0.2, retries=1)
    assert len(receiver.requests) == 2


def test_re_running_the_run_sends_the_same_key_and_body(receiver: Receiver) -> None:
    assert post(receiver.url) == post(receiver.url)
    first, second = receiver.requests
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == "run-5:export"
    assert first.body == second.body
    post(receiver.url, run_id="run-6")
    assert receiver.requests[2].headers["Idempotency-Key"] == "run-6:export"


def test_backoff_doubles_honours_retry_after_and_is_capped() -> None:
    policy = RetryPolicy(retries=5, backoff_s=0.5)
    assert [policy.wait_s(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert policy.wait_s(1, retry_after=4) == 4
    assert policy.wait_s(1, retry_after=3600) == MAX_WAIT_S


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "https://",
        "https://user:pw@example.com/x",
        "example.com",
    ],
)
def test_urls_other_than_http_or_https_with_a_host_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="setting `url`"):
        WebhookExport({"url": url})


def test_headers_the_module_sets_or_that_are_malformed_are_refused() -> None:
    for headers in (
        {"Idempotency-Key": "x"},
        {"content-type": "text/plain"},
        {"X-A": "a\r\nB: c"},
        {"Bad Name": "x"},
    ):
        with pytest.raises(ValueError, match="setting `headers`"):
            WebhookExport({"url": "https://example.com/", "headers": headers})


def test_settings_schema_needs_a_url_and_is_closed() -> None:
    schema = WebhookExport.spec.settings_schema
    jsonschema.validate({"url": "https://erp.example.com/in", "headers": {"X-Tenant": "7"}}, schema)
    for bad in (
        {},
        {"url": "ftp://x"},
        {"url": "https://x", "verify": False},
        {"url": "https://x", "retries": 11},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_missing_url_is_reported_when_the_module_runs() -> None:
    artifacts = Artifacts([InvoiceArtifact(INVOICE), DECISION])
    context = RunContext("run-5", 2, "export", "export.webhook", Path())
    with pytest.raises(ModuleError, match="set the `url` setting"):
        WebhookExport({}).process(artifacts, context)


class TestWebhookExportContract(ModuleContractSuite):
    module_class = WebhookExport
    url = "http://127.0.0.1:9/"  # replaced by the running receiver's address in every test

    @property
    def settings(self) -> dict[str, Any]:  # type: ignore[override]
        return {"url": self.url, "retries": 0}

    @pytest.fixture(autouse=True)
    def _point_at_receiver(self, receiver: Receiver) -> None:
        self.url = receiver.url

    def sample_inputs(self) -> Artifacts:
        return Artifacts([InvoiceArtifact(INVOICE), DECISION])
