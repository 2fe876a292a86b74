"""GET /api/v1/runs/{id} carries where each field of a printed invoice was read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from support.api import Api
from turnout.domain.invoice import FieldSource, Invoice, Totals
from turnout.domain.page import Box
from turnout.domain.runs import Run, RunStatus

BOX = Box(1, 0.0625, 0.104, 0.31, 0.121)


def test_the_run_detail_gives_each_fields_boxes(api: Api) -> None:
    invoice = Invoice(invoice_number="RE-1", totals=Totals(payable=Decimal("9.50")))
    invoice.provenance["invoice_number"] = FieldSource("extract.layout", 0.95, (BOX,))
    invoice.provenance["totals.payable"] = FieldSource("extract.layout", 0.9)
    with api.app.unit_of_work() as uow:
        active = uow.configurations.pointers().active
        assert active is not None
        now = dt.datetime.now(dt.UTC)
        run = Run(
            "run-boxes",
            "printed.pdf",
            active.config_id,
            active.version,
            RunStatus.COMPLETED,
            now,
            started_at=now,
            finished_at=now,
            invoice=invoice.to_dict(),
        )
        uow.runs.add(run)
        uow.commit()
    detail = api.get("/api/v1/runs/run-boxes", role="viewer")
    assert detail.status_code == 200, detail.text
    provenance = detail.json()["invoice"]["provenance"]
    assert provenance["invoice_number"]["boxes"] == [BOX.to_dict()]
    assert "boxes" not in provenance["totals.payable"]
    assert Invoice.from_dict(detail.json()["invoice"]).provenance == invoice.provenance


def test_an_uploaded_printed_pdf_gives_the_boxes_its_run_stored(api: Api) -> None:
    from e2e.test_never_approve_unread import printed_pdf

    response = api.post(
        "/api/v1/runs", files=[("files", ("printed.pdf", printed_pdf(), "application/pdf"))]
    )
    assert response.status_code == 201, response.text
    (run,) = response.json()
    with api.app.unit_of_work() as uow:
        stored = uow.runs.get(run["run_id"])
    assert stored is not None and stored.invoice is not None
    detail = api.get(f"/api/v1/runs/{run['run_id']}").json()
    assert detail["invoice"]["provenance"] == stored.invoice["provenance"]
