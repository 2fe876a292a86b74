"""Every export says where the invoice came from and why: the source file's name, the matched
vendor_id and the decision's reasons (JSON, CSV and webhook have their own tests; here the XML
exports, which must stay valid EN 16931 while they say it)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from lxml import etree

from modules.test_export_ubl_invoices import ATTACHMENTS, full_invoice
from turnout.domain.artifacts import (
    Decision,
    InvoiceArtifact,
    Match,
    Outcome,
    Receipt,
    Source,
)
from turnout.domain.invoice import Invoice, Note
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.cii import CiiExport
from turnout.modules.export.csv_export import CsvExport
from turnout.modules.export.explanation import MATCH_INPUT
from turnout.modules.export.json import JsonExport
from turnout.modules.export.ubl import UblExport
from turnout.modules.export.ubl_builder import build_ubl
from turnout.modules.export.ubl_explanation import EXPLANATION_NS, EXT
from turnout.modules.export.webhook import WebhookExport
from turnout.modules.intake.standard import StandardIntake

ROOT = Path(__file__).parents[2]
XSLT = ROOT.parent / "shared" / "corpora" / "en16931" / "xslt"
NS = {"ext": EXT, "tx": EXPLANATION_NS}
DECISION = Decision(
    Outcome.APPROVE,
    ("approved by alice: number checked against the PDF", "total above 1,000.00 EUR"),
    "alice",
)
MATCH = Match(vendor_id="V-1001", vendor_name="Seller AG", method="vat_id", score=1.0)


def export(
    module: StageModule,
    workspace: Path,
    *,
    invoice: Invoice | None = None,
    decision: Decision = DECISION,
    match: Match | None = MATCH,
    file_name: str | None = "Rechnung 2024-117.pdf",
) -> tuple[Receipt, bytes]:
    invoice = invoice or full_invoice()
    document = StandardIntake().identify(
        Source("source.xml", build_ubl(invoice, attachments=ATTACHMENTS))
    )
    artifacts = Artifacts([InvoiceArtifact(invoice), decision, document])
    if match is not None:
        artifacts.add(match)
    spec = module.spec
    context = RunContext("run-3", 2, "export", spec.module_id, workspace, file_name=file_name)
    (receipt,) = module.process(artifacts, context)
    assert isinstance(receipt, Receipt)
    return receipt, Path(receipt.location).read_bytes()


def read(data: bytes) -> Invoice:
    document = StandardIntake().identify(Source("export.xml", data))
    return XmlEInvoice().parse(document).invoice


def explanation_of(data: bytes) -> dict[str, Any]:
    root = etree.fromstring(data)
    (body,) = root.findall("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/tx:*", NS)
    return {
        "uri": root.findtext("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionURI", None, NS),
        "first": etree.QName(root[0]).localname,
        "element": etree.QName(body).localname,
        "children": [etree.QName(child).localname for child in body],
        "source_file": body.findtext("tx:SourceFile", None, NS),
        "vendor_id": body.findtext("tx:VendorID", None, NS),
        "outcome": body.findtext("tx:Decision/tx:Outcome", None, NS),
        "decided_by": body.findtext("tx:Decision/tx:DecidedBy", None, NS),
        "reasons": [r.text for r in body.findall("tx:Decision/tx:Reason", NS)],
    }


@pytest.mark.parametrize("module", [JsonExport, CsvExport, WebhookExport, UblExport, CiiExport])
def test_every_export_takes_the_matched_vendor_when_there_is_one(
    module: type[StageModule],
) -> None:
    assert MATCH_INPUT in module.spec.inputs
    assert not MATCH_INPUT.required  # a configuration without a match stage still exports


def test_ubl_carries_the_source_file_vendor_and_decision_in_its_first_element(
    tmp_path: Path,
) -> None:
    receipt, data = export(UblExport(), tmp_path)

    assert explanation_of(data) == {
        "uri": EXPLANATION_NS,
        "first": "UBLExtensions",  # before cbc:CustomizationID, as the UBL schema orders them
        "element": "Explanation",
        "children": ["SourceFile", "VendorID", "Decision"],
        "source_file": "Rechnung 2024-117.pdf",
        "vendor_id": "V-1001",
        "outcome": "approve",
        "decided_by": "alice",
        "reasons": list(DECISION.reasons),
    }
    assert receipt.details["explained"] == "yes"


def test_ubl_leaves_out_what_the_run_does_not_know(tmp_path: Path) -> None:
    _, data = export(
        UblExport(), tmp_path, decision=Decision(Outcome.REVIEW), match=None, file_name=None
    )

    found = explanation_of(data)
    assert found["children"] == ["Decision"]
    assert (found["outcome"], found["decided_by"], found["reasons"]) == ("review", None, [])


def test_a_file_name_with_control_characters_does_not_stop_the_export(tmp_path: Path) -> None:
    _, data = export(UblExport(), tmp_path, file_name="scan\x01\x1f.pdf")

    assert explanation_of(data)["source_file"] == "scan  .pdf"


def test_ubl_without_explanation_has_no_extension_at_all(tmp_path: Path) -> None:
    receipt, data = export(UblExport({"explain": False}), tmp_path)

    assert EXT.encode() not in data and EXPLANATION_NS.encode() not in data
    assert receipt.details["explained"] == "no"
    assert read(data).extensions == []


def test_the_ubl_invoice_is_the_same_with_or_without_the_explanation(tmp_path: Path) -> None:
    _, explained = export(UblExport(), tmp_path / "a")
    _, plain = export(UblExport({"explain": False}), tmp_path / "b")

    with_extension, without = read(explained).to_dict(), read(plain).to_dict()
    assert [e["path"] for e in with_extension.pop("extensions")] == ["/Invoice/ext:UBLExtensions"]
    without.pop("extensions")
    for invoice in (with_extension, without):
        del invoice["provenance"]  # where each value was read: the paths moved by one element
    assert with_extension == without


def test_cii_has_no_extension_point_so_it_explains_only_when_asked_in_a_note(
    tmp_path: Path,
) -> None:
    plain_receipt, plain = export(CiiExport(), tmp_path / "a")
    explained_receipt, explained = export(CiiExport({"explain": True}), tmp_path / "b")

    assert (plain_receipt.details["explained"], explained_receipt.details["explained"]) == (
        "no",
        "yes",
    )
    assert read(plain).notes == full_invoice().notes
    *notes, note = read(explained).notes
    assert notes == full_invoice().notes
    assert note == Note(
        subject_code="ACB",
        text="Turnout: decision approve by alice (approved by alice: number checked against "
        "the PDF; total above 1,000.00 EUR). source file Rechnung 2024-117.pdf. "
        "vendor id V-1001",
    )


@pytest.mark.parametrize("module", [UblExport, CiiExport])
def test_the_explain_setting_is_a_boolean(module: type[StageModule]) -> None:
    schema = module.spec.settings_schema
    jsonschema.validate({"explain": True}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"explain": "yes"}, schema)


def _official_validator() -> ModuleType:
    path = ROOT / "bench" / "xslt_validator.py"
    spec = importlib.util.spec_from_file_location("xslt_validator", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("xslt_validator", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
@pytest.mark.skipif(not XSLT.is_dir(), reason=f"official EN 16931 XSLT not found at {XSLT}")
def test_the_official_en16931_rules_only_warn_about_the_ubl_extension_and_accept_the_note(
    tmp_path: Path,
) -> None:
    pytest.importorskip("saxonche", reason="the official XSLT runs on saxonche (dev extra)")
    validator = _official_validator().OfficialValidator(XSLT)
    files = {
        "ubl": export(UblExport(), tmp_path / "ubl")[1],
        "ubl plain": export(UblExport({"explain": False}), tmp_path / "ubl-plain")[1],
        "cii": export(CiiExport({"explain": True}), tmp_path / "cii")[1],
        "cii plain": export(CiiExport(), tmp_path / "cii-plain")[1],
    }

    found = {
        name: {f"{f.rule} ({f.flag})" for f in validator.failed_asserts(data, name)}
        for name, data in files.items()
    }
    assert found["ubl"] - found["ubl plain"] == {"UBL-CR-001 (warning)"}
    assert found["cii"] == found["cii plain"]
    assert not any("fatal" in rule for rules in found.values() for rule in rules)
