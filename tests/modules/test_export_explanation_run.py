"""Through the real runner, an export names the file the invoice came in, the vendor the match
stage found in the vendors table, and the decision's reasons (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from turnout.bootstrap import bootstrap, bundled_examples
from turnout.domain.runs import Run, RunStatus
from turnout.modules.export.csv_rows import HEADER
from turnout.modules.export.ubl_explanation import EXPLANATION_NS
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.defaults import default_document
from turnout.settings import Settings

EXAMPLE = "ubl-invoice.xml"


WRITTEN = {  # where each export writes by default, under $TURNOUT_HOME
    "export.json": "exports/{run_id}.json",
    "export.csv": "exports/invoices.csv",
    "export.ubl": "exports/ubl/{run_id}.xml",
}


def run_example(db_url: str, home: Path, export: SelectionDoc) -> tuple[Run, Path]:
    """The bundled UBL invoice run under the default configuration with the vendors table
    matched and `export` selected; the run and the file the export wrote."""
    example = next(p for p in bundled_examples() if p.name == EXAMPLE)
    vendors = home / "vendors.csv"
    vendors.write_text("vendor_id,name,vat_id\nV-7,Lindenholz,DE 268 491 730\n", encoding="utf-8")
    app = bootstrap(Settings(home=home, database_url=db_url))
    try:
        app.init("ann")
        app.vendors.import_csv(vendors, "ann")
        base = default_document()
        selections = {
            **base.selections,
            "match": SelectionDoc("match.vendors", {"vendors": "table"}),
            "export": export,
        }
        service = app.configurations
        version = service.create(
            ConfigDocument("explained exports", selections), "ann"
        ).config.version
        assert service.validate(version, "ann").valid
        service.activate(version, "ann")
        run = app.runner.run_path(example)
    finally:
        app.close()
    assert run.status is RunStatus.COMPLETED, run.reason
    return run, home / WRITTEN[export.module].format(run_id=run.run_id)


def reasons_of(run: Run) -> list[Any]:
    assert run.decision is not None and run.decision["reasons"], run.decision
    return list(run.decision["reasons"])


def test_the_json_export_names_the_file_the_vendor_and_the_reasons(
    db_url: str, tmp_path: Path
) -> None:
    run, path = run_example(db_url, tmp_path, SelectionDoc("export.json"))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert (document["source_file"], document["vendor_id"]) == (EXAMPLE, "V-7")
    assert document["decision"]["reasons"] == reasons_of(run)


@pytest.mark.parametrize("module", ["export.csv", "export.ubl"])
def test_csv_and_ubl_exports_name_them_too(module: str, db_url: str, tmp_path: Path) -> None:
    run, path = run_example(db_url, tmp_path, SelectionDoc(module))
    if module == "export.csv":
        with path.open(encoding="utf-8", newline="") as fh:
            header, row = list(csv.reader(fh))
        cells = dict(zip(header, row, strict=True))
        assert header == list(HEADER)
        assert (cells["source_file"], cells["vendor_id"]) == (EXAMPLE, "V-7")
        assert cells["reasons"] == "; ".join(reasons_of(run))
    else:
        root = etree.fromstring(path.read_bytes())
        ns = {"tx": EXPLANATION_NS}
        assert root.findtext(".//tx:SourceFile", None, ns) == EXAMPLE
        assert root.findtext(".//tx:VendorID", None, ns) == "V-7"
        assert [r.text for r in root.iterfind(".//tx:Reason", ns)] == reasons_of(run)
