"""export.ubl: the canonical invoice as UBL 2.1, read back by einvoice.xml as the same invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from turnout.domain.artifacts import Decision, InvoiceArtifact, Outcome, Receipt, Source
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice, InvoiceLine, Totals, VatBreakdown
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.ubl import UblExport
from turnout.modules.intake.standard import StandardIntake
from turnout.testing import ModuleContractSuite

EXAMPLES = Path(__file__).parents[2] / "src" / "turnout" / "examples"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
CORPUS_DIRS = [
    CORPORA / "xrechnung",
    CORPORA / "en16931" / "ubl" / "examples",
    CORPORA / "en16931" / "cii" / "examples",
]


def read(data: bytes, filename: str = "invoice.xml") -> Invoice:
    """The canonical invoice einvoice.xml reads from XML bytes, as a run would (intake first)."""
    document = StandardIntake().identify(Source(filename, data))
    return XmlEInvoice().parse(document).invoice


def without_provenance(invoice: Invoice) -> dict[str, object]:
    data = invoice.to_dict()
    del data["provenance"]
    return data


def export(invoice: Invoice, workspace: Path, run_id: str = "run-7", **settings: str) -> Receipt:
    artifacts = Artifacts([InvoiceArtifact(invoice), Decision(Outcome.APPROVE)])
    context = RunContext(run_id, 3, "export", "export.ubl", workspace)
    (receipt,) = UblExport(settings).process(artifacts, context)
    assert isinstance(receipt, Receipt)
    return receipt


def minimal_invoice(**changes: object) -> Invoice:
    invoice = Invoice(
        invoice_number="M-1",
        issue_date=dt.date(2024, 3, 1),
        type_code="380",
        currency="EUR",
        totals=Totals(payable=Decimal("10.00")),
        lines=[InvoiceLine(id="1", net_amount=Decimal("10.00"))],
    )
    for name, value in changes.items():
        setattr(invoice, name, value)
    return invoice


@pytest.mark.parametrize("example", ["ubl-invoice.xml", "cii-invoice.xml", "ubl-credit-note.xml"])
def test_exported_ubl_reads_back_as_the_same_canonical_invoice(
    example: str, tmp_path: Path
) -> None:
    original = read((EXAMPLES / example).read_bytes(), example)
    receipt = export(original, tmp_path)
    again = read(Path(receipt.location).read_bytes())
    assert without_provenance(again) == without_provenance(original)
    assert original.lines and original.vat_breakdown and original.totals.payable is not None


def test_file_is_named_after_the_run_in_the_ubl_directory(tmp_path: Path) -> None:
    receipt = export(minimal_invoice(), tmp_path, run_id="run-99")
    path = tmp_path / "exports" / "ubl" / "run-99.xml"
    assert receipt.location == str(path.resolve())
    assert receipt.key == "run-99:export"
    assert receipt.details["document_type"] == "Invoice"
    assert receipt.details["bytes"] == str(path.stat().st_size)


def test_invoice_elements_follow_the_ubl_schema_order(tmp_path: Path) -> None:
    invoice = read((EXAMPLES / "ubl-invoice.xml").read_bytes())
    root = etree.fromstring(Path(export(invoice, tmp_path).location).read_bytes())
    assert etree.QName(root).localname == "Invoice"
    assert [etree.QName(child).localname for child in root] == [
        "CustomizationID",
        "ID",
        "IssueDate",
        "DueDate",
        "InvoiceTypeCode",
        "DocumentCurrencyCode",
        "BuyerReference",
        "OrderReference",
        "AccountingSupplierParty",
        "AccountingCustomerParty",
        "PaymentMeans",
        "TaxTotal",
        "LegalMonetaryTotal",
        "InvoiceLine",
        "InvoiceLine",
        "InvoiceLine",
    ]
    assert root.findtext(f"{{{CBC}}}CustomizationID") == "urn:cen.eu:en16931:2017"
    line = root.find(f"{{{CAC}}}InvoiceLine")
    assert line is not None
    assert [etree.QName(c).localname for c in line] == [
        "ID",
        "InvoicedQuantity",
        "LineExtensionAmount",
        "Item",
        "Price",
    ]


def test_credit_note_type_code_writes_a_credit_note_with_its_due_date_in_payment_means(
    tmp_path: Path,
) -> None:
    invoice = read((EXAMPLES / "ubl-credit-note.xml").read_bytes())
    receipt = export(invoice, tmp_path)
    root = etree.fromstring(Path(receipt.location).read_bytes())
    assert (
        etree.QName(root).namespace == "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    )
    assert receipt.details["document_type"] == "CreditNote"
    assert root.findtext(f"{{{CBC}}}CreditNoteTypeCode") == "381"
    assert root.find(f"{{{CBC}}}DueDate") is None  # UBL 2.1 CreditNote has no cbc:DueDate
    assert root.findtext(f"{{{CAC}}}PaymentMeans/{{{CBC}}}PaymentDueDate") == "2024-11-12"
    assert root.find(f"{{{CAC}}}CreditNoteLine/{{{CBC}}}CreditedQuantity") is not None


def test_amounts_are_written_exactly_as_the_decimals_with_the_currency(tmp_path: Path) -> None:
    invoice = minimal_invoice(
        totals=Totals(tax=Decimal("0.10"), payable=Decimal("1E+2"), prepaid=Decimal("-5.000")),
        vat_breakdown=[VatBreakdown("S", Decimal("5.5"), Decimal("1.818"), Decimal("0.10"))],
    )
    root = etree.fromstring(Path(export(invoice, tmp_path).location).read_bytes())
    monetary = f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}"
    assert root.findtext(monetary + "PayableAmount") == "100"
    assert root.findtext(monetary + "PrepaidAmount") == "-5.000"
    assert root.findtext(f"{{{CAC}}}TaxTotal/{{{CBC}}}TaxAmount") == "0.10"
    subtotal = root.find(f"{{{CAC}}}TaxTotal/{{{CAC}}}TaxSubtotal")
    assert subtotal is not None
    assert subtotal.findtext(f"{{{CBC}}}TaxableAmount") == "1.818"
    assert subtotal.findtext(f"{{{CAC}}}TaxCategory/{{{CBC}}}Percent") == "5.5"
    assert {e.get("currencyID") for e in root.iter() if "Amount" in e.tag} == {"EUR"}


def test_invoice_without_what_ubl_requires_is_rejected_naming_every_gap(tmp_path: Path) -> None:
    invoice = Invoice(invoice_number="X-1", currency="EUR")
    with pytest.raises(InputRejected) as caught:
        export(invoice, tmp_path)
    message = str(caught.value)
    for gap in ("the issue date (BT-2)", "the amount due (BT-115)", "an invoice line"):
        assert gap in message
    assert "invoice number" not in message
    assert not (tmp_path / "exports" / "ubl" / "run-7.xml").exists()


def test_control_characters_in_a_value_are_rejected_not_written(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="control characters"):
        export(minimal_invoice(invoice_number="A\x00B"), tmp_path)


def test_re_running_the_same_run_writes_the_same_bytes(tmp_path: Path) -> None:
    invoice = read((EXAMPLES / "cii-invoice.xml").read_bytes())
    first = export(invoice, tmp_path)
    content = Path(first.location).read_bytes()
    assert export(invoice, tmp_path) == first
    assert Path(first.location).read_bytes() == content
    assert [p.name for p in (tmp_path / "exports" / "ubl").iterdir()] == ["run-7.xml"]


def test_customization_id_setting_is_written_and_directory_must_stay_inside(tmp_path: Path) -> None:
    receipt = export(minimal_invoice(), tmp_path, customization_id="urn:example:cius")
    root = etree.fromstring(Path(receipt.location).read_bytes())
    assert root.findtext(f"{{{CBC}}}CustomizationID") == "urn:example:cius"
    with pytest.raises(ValueError, match=r"without `\.\.`"):
        UblExport({"directory": "../outside"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "pdf"}, UblExport.spec.settings_schema)


class TestUblExportContract(ModuleContractSuite):
    module_class = UblExport
    settings = {"directory": "exports/ubl"}

    def sample_inputs(self) -> Artifacts:
        invoice = read((EXAMPLES / "ubl-invoice.xml").read_bytes())
        return Artifacts([InvoiceArtifact(invoice), Decision(Outcome.APPROVE)])


def corpus_files() -> list[Path]:
    return sorted(
        p for d in CORPUS_DIRS if d.is_dir() for p in d.rglob("*") if p.suffix.lower() == ".xml"
    )


@pytest.mark.corpus
@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"corpora not found at {CORPORA}")
def test_corpus_invoices_survive_the_round_trip_through_ubl(tmp_path: Path) -> None:
    checked, differing = 0, []
    for path in corpus_files():
        try:
            original = read(path.read_bytes(), path.name)
        except Exception:  # not an e-invoice einvoice.xml reads (FatturaPA ...): not this test's
            continue
        try:
            receipt = export(original, tmp_path, run_id=f"c{checked}")
        except InputRejected:
            continue  # incomplete test instances cannot become valid UBL
        checked += 1
        again = read(Path(receipt.location).read_bytes())
        if without_provenance(again) != without_provenance(original):
            differing.append(path.name)
    assert checked >= 10
    assert differing == []
