"""validate.en16931 as a pipeline module and as `check_bytes`: UBL, CII, hybrid PDF, canonical."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from support.en16931_invoices import parse, ubl
from turnout.bootstrap import bundled_examples
from turnout.domain.artifacts import Document, Findings, InvoiceArtifact, Severity, Source
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice, InvoiceLine, Party, Totals, VatBreakdown
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.validate.en16931 import validate_xml
from turnout.modules.validate.en16931.check import check_bytes
from turnout.modules.validate.en16931.module import En16931Validate

D = Decimal
EXAMPLES = {p.name: p for p in bundled_examples()}
EXAMPLES_DIR = EXAMPLES["ubl-invoice.xml"].parent
CONTEXT = RunContext("run-1", 1, "validate", "validate.en16931", Path())


def canonical_invoice() -> Invoice:
    return Invoice(
        invoice_number="INV-1",
        issue_date=dt.date(2024, 3, 1),
        type_code="380",
        currency="EUR",
        due_date=dt.date(2024, 3, 31),
        seller=Party(name="Seller GmbH", vat_id="DE123456789", country="DE"),
        buyer=Party(name="Buyer SA", country="FR"),
        totals=Totals(
            line_net=D("100.00"),
            tax_exclusive=D("100.00"),
            tax=D("20.00"),
            tax_inclusive=D("120.00"),
            payable=D("120.00"),
        ),
        vat_breakdown=[VatBreakdown("S", D("20"), D("100.00"), D("20.00"))],
        lines=[InvoiceLine("1", "Widget", D("2"), "C62", D("50.00"), D("100.00"), "S", D("20"))],
    )


def run(invoice: Invoice, document: Document | None = None, **settings: object) -> Findings:
    items = [InvoiceArtifact(invoice)] + ([document] if document else [])
    (out,) = En16931Validate(settings).process(Artifacts(items), CONTEXT)
    assert isinstance(out, Findings)
    return out


@pytest.mark.parametrize(
    "name", ["ubl-invoice.xml", "ubl-credit-note.xml", "cii-invoice.xml", "facturx-invoice.pdf"]
)
def test_bundled_e_invoices_have_no_fatal_finding(name: str) -> None:
    report = check_bytes(name, EXAMPLES[name].read_bytes())
    assert [f for f in report.findings if f.severity is Severity.FATAL] == []


def test_cii_line_total_mismatch_fires_br_co_10_at_the_line_total_element() -> None:
    data = EXAMPLES["cii-invoice.xml"].read_bytes()
    broken = data.replace(b"<ram:LineTotalAmount>1932.00<", b"<ram:LineTotalAmount>1932.50<")
    report = validate_xml(parse(broken))
    (finding,) = [f for f in report.findings if f.rule == "BR-CO-10"]
    assert finding.path is not None
    assert finding.path.endswith(
        "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:LineTotalAmount"
    )


def test_cii_without_seller_name_fires_br_06() -> None:
    data = EXAMPLES["cii-invoice.xml"].read_bytes()
    broken = data.replace(b"<ram:Name>Atelier Verrier du Rh\xc3\xb4ne SARL</ram:Name>", b"")
    assert "BR-06" in {f.rule for f in validate_xml(parse(broken)).findings}


def test_partial_document_gives_findings_not_exceptions() -> None:
    fragment = b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    report = validate_xml(parse(fragment))
    assert {"BR-01", "BR-02", "BR-16", "BR-CO-18"} <= {f.rule for f in report.findings}
    assert not report.valid


def test_module_reads_the_document_xml_and_reports_the_element_path() -> None:
    data = ubl(
        "S", replace=(('"EUR">118.75</cbc:PayableAmount>', '"EUR">118.70</cbc:PayableAmount>'),)
    )
    document = StandardIntake().identify(Source("bad.xml", data))
    findings = run(Invoice(), document)
    (finding,) = findings.items
    assert (finding.rule, finding.severity) == ("BR-CO-16", Severity.FATAL)
    assert finding.path == "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount"
    assert findings.ruleset == "en16931"


def test_canonical_invoice_without_xml_passes_when_consistent() -> None:
    assert run(canonical_invoice()).items == ()


def test_canonical_invoice_with_wrong_total_fires_br_co_15_on_its_field() -> None:
    invoice = canonical_invoice()
    invoice.totals.tax_inclusive = D("121.00")
    rules = {(f.rule, f.path) for f in run(invoice).items}
    assert ("BR-CO-15", "totals.tax_inclusive") in rules


def test_disabled_rules_are_not_run() -> None:
    invoice = canonical_invoice()
    invoice.totals.tax_inclusive = D("121.00")
    assert "BR-CO-15" not in {f.rule for f in run(invoice, disabled_rules=["BR-CO-15"]).items}


def test_unknown_disabled_rule_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="unknown rules BR-999"):
        En16931Validate({"disabled_rules": ["BR-999"]})


def test_pdf_without_embedded_xml_is_not_checkable() -> None:
    with pytest.raises(InputRejected, match="without e-invoice XML"):
        check_bytes("invoice-acme-en.pdf", EXAMPLES["invoice-acme-en.pdf"].read_bytes())


@pytest.mark.parametrize(
    "name", ["facture-dupont-fr.expected.json", "rechnung-mueller-de.expected.json"]
)
def test_expected_canonical_invoices_of_eu_pdf_examples_lack_only_the_payment_means_code(
    name: str,
) -> None:
    data = json.loads(EXAMPLES_DIR.joinpath(name).read_text("utf-8"))
    invoice = Invoice.from_dict(data.get("invoice", data))
    # the page prints an IBAN but no UNTDID 4461 code saying how to pay: BR-49, as in XML
    assert [(f.rule, f.path) for f in run(invoice).items] == [("BR-49", "payment")]
    invoice.payment.means_code = "58"
    assert run(invoice).items == ()


def test_us_invoice_without_vat_breakdown_is_not_en16931_compliant() -> None:
    data = json.loads(EXAMPLES_DIR.joinpath("invoice-acme-en.expected.json").read_text("utf-8"))
    invoice = Invoice.from_dict(data.get("invoice", data))
    assert "BR-CO-18" in {f.rule for f in run(invoice).items}


def test_findings_on_an_invoice_read_from_a_pdf_are_warnings_unless_told_otherwise() -> None:
    data = json.loads(EXAMPLES_DIR.joinpath("invoice-acme-en.expected.json").read_text("utf-8"))
    invoice = Invoice.from_dict(data.get("invoice", data))
    softened = {f.rule: f.severity for f in run(invoice).items}
    assert softened["BR-CO-18"] is Severity.WARNING
    official = {f.rule: f.severity for f in run(invoice, extracted_severity="official").items}
    assert official["BR-CO-18"] is Severity.FATAL


def test_a_rule_firing_on_several_lines_of_a_page_read_invoice_is_one_finding_naming_them() -> None:
    invoice = canonical_invoice()
    line = InvoiceLine(None, "Widget", D("1"), "C62", D("50.00"), D("50.00"), "S", D("20"))
    invoice.lines = [line, replace(line, name="Gadget")]
    (finding,) = [f for f in run(invoice).items if f.rule == "BR-21"]
    assert finding.path == "lines[0]"
    assert "[on 2 lines: lines[0], lines[1]]" in finding.message
    assert finding.severity is Severity.WARNING
    official = [f for f in run(invoice, extracted_severity="official").items if f.rule == "BR-21"]
    assert [f.path for f in official] == ["lines[0]", "lines[1]"]  # each line, as the rules say
