"""A run through the real runner matches the seller in the vendors table (`vendors: table`)."""

from __future__ import annotations

from pathlib import Path

from turnout.bootstrap import bootstrap, bundled_examples
from turnout.domain.runs import AttemptOutcome, RunStatus
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.defaults import default_document
from turnout.settings import Settings


def test_a_run_finds_its_seller_in_the_vendors_table(db_url: str, tmp_path: Path) -> None:
    example = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")
    vendors = tmp_path / "vendors.csv"
    vendors.write_text("vendor_id,name,vat_id\nV-7,Lindenholz,DE 268 491 730\n", encoding="utf-8")
    app = bootstrap(Settings(home=tmp_path, database_url=db_url))
    try:
        app.init("ann")
        app.vendors.import_csv(vendors, "ann")
        base = default_document()
        doc = ConfigDocument(
            "vendor master from the table",
            {**base.selections, "match": SelectionDoc("match.vendors", {"vendors": "table"})},
        )
        service = app.configurations
        version = service.create(doc, "ann").config.version
        assert service.validate(version, "ann").valid
        service.activate(version, "ann")
        run = app.runner.run_path(example)
    finally:
        app.close()
    assert run.status is RunStatus.COMPLETED, run.reason
    (attempt,) = [a for a in run.attempts if a.stage_id == "match"]
    assert attempt.outcome is AttemptOutcome.OK, attempt.error
    assert run.decision is not None
    assert not any("vendor" in r for r in run.decision["reasons"]), run.decision
