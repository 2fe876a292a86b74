"""Every export module in a trial run (`RunContext.trial`): it builds what it would deliver, so an
export that would fail still fails, and delivers nothing: no file (not even its directory), no
CSV row, no webhook request (a real local HTTP server receives nothing)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from turnout.domain.artifacts import Decision, InvoiceArtifact, Outcome, Receipt, Source
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.cii import CiiExport
from turnout.modules.export.csv_export import CsvExport
from turnout.modules.export.json import JsonExport
from turnout.modules.export.ubl import UblExport
from turnout.modules.export.webhook import WebhookExport
from turnout.modules.intake.standard import StandardIntake
from turnout.runtime.registry import ModuleRegistry

EXAMPLE = Path(__file__).parents[2] / "src" / "turnout" / "examples" / "ubl-invoice.xml"


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/invoices"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.server.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _invoice() -> Invoice:
    document = StandardIntake().identify(Source(EXAMPLE.name, EXAMPLE.read_bytes()))
    return XmlEInvoice().parse(document).invoice


def _modules(receiver: Receiver) -> dict[str, StageModule]:
    return {
        "export.json": JsonExport({}),
        "export.csv": CsvExport({}),
        "export.ubl": UblExport({}),
        "export.cii": CiiExport({}),
        "export.webhook": WebhookExport({"url": receiver.url, "retries": 0}),
    }


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*"))


def test_every_export_module_is_covered() -> None:
    registered = {m for m in ModuleRegistry.discover().module_ids() if m.startswith("export.")}
    assert registered == {"export.json", "export.csv", "export.ubl", "export.cii", "export.webhook"}


@pytest.mark.parametrize(
    "module_id", ["export.json", "export.csv", "export.ubl", "export.cii", "export.webhook"]
)
def test_a_trial_run_builds_the_delivery_and_delivers_nothing(
    module_id: str, tmp_path: Path, receiver: Receiver
) -> None:
    module = _modules(receiver)[module_id]
    artifacts = Artifacts([InvoiceArtifact(_invoice()), Decision(Outcome.APPROVE)])
    sent = len(receiver.bodies)
    trial = RunContext("run-1", 2, "export", module_id, tmp_path, trial=True)
    (receipt,) = module.process(artifacts, trial)
    assert isinstance(receipt, Receipt) and receipt.details.get("trial", "").startswith("not ")
    assert _files(tmp_path) == []  # no file, no CSV, not even the export directory
    assert len(receiver.bodies) == sent

    # the same module outside a trial delivers: the receipt names the same place
    (real,) = module.process(artifacts, RunContext("run-1", 2, "export", module_id, tmp_path))
    assert isinstance(real, Receipt) and real.location == receipt.location
    assert _files(tmp_path) or len(receiver.bodies) == sent + 1


@pytest.mark.parametrize("module_id", ["export.ubl", "export.cii"])
def test_an_export_that_would_fail_still_fails_in_a_trial(
    module_id: str, tmp_path: Path, receiver: Receiver
) -> None:
    invoice = _invoice()
    invoice.invoice_number = None  # no document can be written without it
    artifacts = Artifacts([InvoiceArtifact(invoice), Decision(Outcome.APPROVE)])
    trial = RunContext("run-1", 2, "export", module_id, tmp_path, trial=True)
    with pytest.raises(InputRejected):
        _modules(receiver)[module_id].process(artifacts, trial)
    assert _files(tmp_path) == []
