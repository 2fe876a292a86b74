"""export.ubl and export.cii refuse what an EN 16931 document cannot carry as it is (a VAT point
date code outside EN 16931's, VAT on a line allowance or charge, in CII a price discount without
its gross price) instead of writing it wrongly or dropping it; and the size limit on the run's
e-invoice names the export's own setting. Invoices of our own making."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from turnout.domain.artifacts import (
    Decision,
    Document,
    DocumentKind,
    InvoiceArtifact,
    Outcome,
    Receipt,
)
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import AllowanceCharge, Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.export.cii import CiiExport
from turnout.modules.export.cii_builder import build_cii
from turnout.modules.export.cii_lines import line_item
from turnout.modules.export.cii_xml import NSMAP, RSM
from turnout.modules.export.ubl import UblExport
from turnout.modules.export.ubl_builder import build_ubl
from turnout.modules.export.xml_export import XmlExport
from turnout.testing.einvoices import GeneratedInvoice, generate_with_attachments

D = Decimal
BUILDERS = {"ubl": build_ubl, "cii": build_cii}
EXPORTS: dict[str, type[XmlExport]] = {"ubl": UblExport, "cii": CiiExport}


def generated(seed: int = 0) -> GeneratedInvoice:
    return generate_with_attachments(seed)


def build(syntax: str, invoice: Invoice, attachments: dict[str, bytes]) -> bytes:
    return BUILDERS[syntax](invoice, attachments=attachments)


# ---- BT-8: only the codes EN 16931 allows -------------------------------------------------


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("code", ["3", "35", "432"])
def test_each_en16931_tax_point_code_is_written(syntax: str, code: str) -> None:
    g = generated()
    g.invoice.tax_point_code = code
    build(syntax, g.invoice, g.attachments)


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("code", ["29", "5", "999"])
def test_a_tax_point_code_outside_en16931_is_refused_naming_bt_8(syntax: str, code: str) -> None:
    g = generated()
    g.invoice.tax_point_code = code
    with pytest.raises(InputRejected) as refused:
        build(syntax, g.invoice, g.attachments)
    message = str(refused.value)
    assert f"BT-8) {code!r}" in message
    assert "3, 35, 432" in message
    assert "export.json" in message


# ---- BG-27/BG-28: a line allowance or charge has no VAT ------------------------------------


def line_charge_with_vat(seed: int = 0) -> GeneratedInvoice:
    g = generated(seed)
    g.invoice.lines[0].charges = [
        AllowanceCharge(D("0.00"), reason="Freight", vat_category="G", vat_rate=D("0"))
    ]
    return g


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_a_line_charge_carrying_vat_is_refused_not_dropped(syntax: str) -> None:
    g = line_charge_with_vat()
    with pytest.raises(InputRejected, match=r"line 1's charge 1 with a VAT category or rate"):
        build(syntax, g.invoice, g.attachments)


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_a_line_allowance_with_only_a_vat_rate_is_refused(syntax: str) -> None:
    g = generated()
    g.invoice.lines[-1].allowances = [AllowanceCharge(D("0.00"), reason_code="95", vat_rate=D("7"))]
    last = len(g.invoice.lines)
    with pytest.raises(InputRejected, match=rf"line {last}'s allowance 1 .*BG-27/BG-28"):
        build(syntax, g.invoice, g.attachments)


def test_a_cii_line_allowance_or_charge_is_written_without_a_category_trade_tax() -> None:
    line = generated().invoice.lines[0]
    line.allowances = [AllowanceCharge(D("1.00"), reason_code="95", vat_category="S")]
    line.charges = [AllowanceCharge(D("1.00"), reason="Freight", vat_rate=D("19"))]
    transaction = etree.Element(f"{{{RSM}}}SupplyChainTradeTransaction", nsmap=NSMAP)
    line_item(transaction, line)
    entries = transaction.findall(".//ram:SpecifiedTradeAllowanceCharge", NSMAP)
    assert len(entries) == 2
    assert transaction.findall(".//ram:CategoryTradeTax", NSMAP) == []


@pytest.mark.parametrize("seed", range(6))
def test_generated_invoices_hold_no_vat_on_line_allowances_and_are_written(seed: int) -> None:
    g = generated(seed)
    for syntax in BUILDERS:
        data = build(syntax, g.invoice, g.attachments)
        if syntax == "cii":
            root = etree.fromstring(data)
            line_level = root.findall(
                ".//ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
                "/ram:CategoryTradeTax",
                NSMAP,
            )
            assert line_level == []


# ---- BT-147 without BT-148 ------------------------------------------------------------------


def discount_without_gross_price() -> GeneratedInvoice:
    g = generated()
    line = g.invoice.lines[0]
    line.gross_price, line.price_discount = None, D("1.00")
    return g


def test_cii_refuses_a_price_discount_without_its_gross_price() -> None:
    g = discount_without_gross_price()
    with pytest.raises(
        InputRejected, match=r"line 1's price discount \(BT-147\) without its gross"
    ):
        build_cii(g.invoice, attachments=g.attachments)


def test_ubl_writes_a_price_discount_without_a_gross_price_as_an_amount_alone() -> None:
    # UBL's price allowance has an optional cbc:BaseAmount: the discount alone is a valid document
    g = discount_without_gross_price()
    root = etree.fromstring(build_ubl(g.invoice, attachments=g.attachments))
    ns = {
        "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
        "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    }
    (discount,) = root.findall("cac:InvoiceLine[1]/cac:Price/cac:AllowanceCharge", ns)
    assert discount.findtext("cbc:Amount", namespaces=ns) == "1.00"
    assert discount.find("cbc:BaseAmount", ns) is None


# ---- max_xml_bytes -----------------------------------------------------------------------------


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_a_run_document_over_max_xml_bytes_is_refused_naming_that_setting(
    syntax: str, tmp_path: Path
) -> None:
    g = generated(3)
    assert g.attachments, "seed 3 attaches a document"
    xml = g.carrier_xml()
    document = Document(
        "in.xml", DocumentKind.UBL, "application/xml", "0" * 64, len(xml), xml, xml=xml
    )
    artifacts = Artifacts([InvoiceArtifact(g.invoice), Decision(Outcome.APPROVE), document])
    export = EXPORTS[syntax]({"directory": str(tmp_path), "max_xml_bytes": len(xml) - 1})
    module_id = export.spec.module_id
    context = RunContext("run-1", 3, "export", module_id, tmp_path)
    with pytest.raises(InputRejected) as refused:
        list(export.process(artifacts, context))
    message = str(refused.value)
    assert f"{module_id} setting `max_xml_bytes`" in message
    assert "`max_bytes`" not in message
    # at the limit the same document is read and the attachment written again
    export = EXPORTS[syntax]({"directory": str(tmp_path), "max_xml_bytes": len(xml)})
    (receipt,) = export.process(artifacts, context)
    assert isinstance(receipt, Receipt)
