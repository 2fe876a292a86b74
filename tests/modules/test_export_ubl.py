"""export.ubl: the canonical invoice as UBL 2.1, checked with the EN 16931 rules before it is
written, naming the profile it claims and the rules nobody checked, read back by einvoice.xml as
the same invoice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from modules.test_export_ubl_invoices import ATTACHMENTS, full_invoice
from turnout.domain.artifacts import (
    Decision,
    Document,
    InvoiceArtifact,
    Outcome,
    Receipt,
    Source,
)
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice, Payment
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.profiles import EN16931, PEPPOL_BIS_3, XRECHNUNG_3
from turnout.modules.export.ubl import UblExport
from turnout.modules.export.ubl_builder import build_ubl
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


def identify(data: bytes, filename: str = "invoice.xml") -> Document:
    return StandardIntake().identify(Source(filename, data))


def read(data: bytes, filename: str = "invoice.xml") -> Invoice:
    """The canonical invoice einvoice.xml reads from XML bytes, as a run would (intake first)."""
    return XmlEInvoice().parse(identify(data, filename)).invoice


def without_provenance(invoice: Invoice) -> dict[str, object]:
    data = invoice.to_dict()
    del data["provenance"]
    return data


def export(
    invoice: Invoice,
    workspace: Path,
    run_id: str = "run-7",
    document: Document | None = None,
    **settings: str | bool,
) -> Receipt:
    artifacts = Artifacts([InvoiceArtifact(invoice), Decision(Outcome.APPROVE)])
    if document is not None:
        artifacts.add(document)
    context = RunContext(run_id, 3, "export", "export.ubl", workspace)
    (receipt,) = UblExport(settings).process(artifacts, context)
    assert isinstance(receipt, Receipt)
    return receipt


def source_document() -> Document:
    """The run's document of `full_invoice`: a UBL file holding its attachment's bytes."""
    return identify(build_ubl(full_invoice(), attachments=ATTACHMENTS), "source.xml")


@pytest.mark.parametrize("example", ["ubl-invoice.xml", "cii-invoice.xml", "ubl-credit-note.xml"])
def test_exported_ubl_reads_back_as_the_same_canonical_invoice(
    example: str, tmp_path: Path
) -> None:
    original = read((EXAMPLES / example).read_bytes(), example)
    profile = original.specification_id or "urn:cen.eu:en16931:2017"
    receipt = export(original, tmp_path, customization_id=profile, explain=False)
    again = read(Path(receipt.location).read_bytes())
    assert without_provenance(again) == without_provenance(original)
    assert original.lines and original.vat_breakdown and original.totals.payable is not None


@pytest.mark.parametrize("example", ["ubl-invoice.xml", "ubl-credit-note.xml"])
def test_the_runs_explanation_reads_back_as_one_extension_beside_the_same_invoice(
    example: str, tmp_path: Path
) -> None:
    original = read((EXAMPLES / example).read_bytes(), example)
    receipt = export(original, tmp_path, customization_id=original.specification_id or EN16931)
    again = without_provenance(read(Path(receipt.location).read_bytes()))
    extensions = again.pop("extensions")
    assert isinstance(extensions, list)
    expected = without_provenance(original)
    assert expected.pop("extensions") == []
    assert again == expected
    root = "CreditNote" if "credit" in example else "Invoice"
    assert [e["path"] for e in extensions] == [f"/{root}/ext:UBLExtensions"]
    assert receipt.details["explained"] == "yes"


def test_file_is_named_after_the_run_in_the_ubl_directory(tmp_path: Path) -> None:
    receipt = export(full_invoice(), tmp_path, run_id="run-99", document=source_document())
    path = tmp_path / "exports" / "ubl" / "run-99.xml"
    assert receipt.location == str(path.resolve())
    assert receipt.details["document_type"] == "Invoice"
    assert receipt.details["bytes"] == str(path.stat().st_size)


def test_receipt_names_the_profile_written_and_the_rules_not_checked(tmp_path: Path) -> None:
    core = export(full_invoice(), tmp_path, document=source_document())
    assert core.details["profile"] == "EN 16931 core"
    assert core.details["customization_id"] == "urn:cen.eu:en16931:2017"
    assert "BR-DE" not in core.details["unchecked_rules"]
    german = export(
        full_invoice(), tmp_path, "run-8", source_document(), customization_id=XRECHNUNG_3
    )
    assert german.details["profile"] == "XRechnung 3.0"
    assert "XRechnung BR-DE-*" in german.details["unchecked_rules"]
    peppol = export(
        full_invoice(), tmp_path, "run-9", source_document(), customization_id=PEPPOL_BIS_3
    )
    assert "Peppol PEPPOL-EN16931-R*" in peppol.details["unchecked_rules"]
    other = export(
        full_invoice(), tmp_path, "run-10", source_document(), customization_id="urn:example:cius"
    )
    assert other.details["profile"] == "unknown specification"
    assert "every rule of urn:example:cius" in other.details["unchecked_rules"]


@pytest.mark.parametrize(
    ("change", "rules"),
    [
        ("allowances", ("BR-CO-11", "BR-CO-13")),
        ("payable", ("BR-CO-16",)),
        ("exemption", ("BR-E-10",)),
    ],
)
def test_an_invoice_that_cannot_make_a_valid_document_is_refused_naming_the_rules(
    change: str, rules: tuple[str, ...], tmp_path: Path
) -> None:
    invoice = full_invoice()
    if change == "allowances":
        invoice.totals.allowances = Decimal("19.00")  # the entries add up to 9.00
    elif change == "payable":
        invoice.totals.payable = Decimal("1.00")
    else:
        exempt = next(v for v in invoice.vat_breakdown if v.category == "E")
        exempt.exemption_code = exempt.exemption_reason = None
    with pytest.raises(InputRejected) as caught:
        export(invoice, tmp_path, document=source_document())
    message = str(caught.value)
    assert "cannot make a valid EN 16931 UBL document" in message
    for rule in rules:
        assert rule in message
    assert not (tmp_path / "exports" / "ubl" / "run-7.xml").exists()


def test_attachment_whose_bytes_the_run_does_not_have_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match=r"timesheet\.pdf.*not in the e-invoice the run read"):
        export(full_invoice(), tmp_path)
    unrelated = identify((EXAMPLES / "ubl-invoice.xml").read_bytes())
    with pytest.raises(InputRejected, match="remove the attachment"):
        export(full_invoice(), tmp_path, document=unrelated)


def test_attachment_is_embedded_again_from_the_runs_document(tmp_path: Path) -> None:
    receipt = export(full_invoice(), tmp_path, document=source_document())
    root = etree.fromstring(Path(receipt.location).read_bytes())
    binary = root.findtext(f".//{{{CBC}}}EmbeddedDocumentBinaryObject")
    assert binary is not None and binary.strip()
    assert read(Path(receipt.location).read_bytes()).documents == full_invoice().documents


def test_amounts_are_written_exactly_as_the_decimals_with_the_currency(tmp_path: Path) -> None:
    invoice = full_invoice()
    invoice.lines[2].net_price = Decimal("12.5000")  # an item price may have more decimals
    invoice.lines[2].quantity = Decimal("1E+0")
    receipt = export(invoice, tmp_path, document=source_document())
    root = etree.fromstring(Path(receipt.location).read_bytes())
    line = root.findall(f"{{{CAC}}}InvoiceLine")[2]
    assert line.findtext(f"{{{CAC}}}Price/{{{CBC}}}PriceAmount") == "12.5000"
    assert line.findtext(f"{{{CBC}}}InvoicedQuantity") == "1"
    monetary = f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}"
    assert root.findtext(monetary + "PayableRoundingAmount") == "0.01"


def test_invoice_without_what_ubl_requires_is_rejected_naming_every_gap(tmp_path: Path) -> None:
    invoice = Invoice(invoice_number="X-1", currency="EUR")
    with pytest.raises(InputRejected) as caught:
        export(invoice, tmp_path)
    message = str(caught.value)
    for gap in ("the issue date (BT-2)", "the amount due (BT-115)", "an invoice line"):
        assert gap in message
    assert "invoice number" not in message
    assert not (tmp_path / "exports" / "ubl" / "run-7.xml").exists()


def test_vat_total_in_accounting_currency_without_that_currency_is_a_gap(tmp_path: Path) -> None:
    invoice = full_invoice()
    invoice.vat_currency = None
    with pytest.raises(InputRejected, match=r"VAT accounting currency \(BT-6\)"):
        export(invoice, tmp_path, document=source_document())


def test_vat_breakdown_without_vat_total_writes_their_sum_as_ubl_requires(tmp_path: Path) -> None:
    invoice = full_invoice()
    invoice.totals.tax = None
    receipt = export(invoice, tmp_path, document=source_document())
    root = etree.fromstring(Path(receipt.location).read_bytes())
    assert root.findtext(f"{{{CAC}}}TaxTotal/{{{CBC}}}TaxAmount") == "27.64"


def test_control_characters_in_a_value_are_rejected_not_written(tmp_path: Path) -> None:
    invoice = full_invoice()
    invoice.invoice_number = "A\x00B"
    with pytest.raises(InputRejected, match="control characters"):
        export(invoice, tmp_path, document=source_document())


def test_re_running_the_same_run_writes_the_same_bytes(tmp_path: Path) -> None:
    invoice = read((EXAMPLES / "cii-invoice.xml").read_bytes())
    first = export(invoice, tmp_path)
    content = Path(first.location).read_bytes()
    assert export(invoice, tmp_path) == first
    assert Path(first.location).read_bytes() == content
    assert [p.name for p in (tmp_path / "exports" / "ubl").iterdir()] == ["run-7.xml"]


def test_customization_id_setting_is_written_and_directory_must_stay_inside(tmp_path: Path) -> None:
    receipt = export(
        full_invoice(), tmp_path, document=source_document(), customization_id="urn:example:cius"
    )
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
            document = identify(path.read_bytes(), path.name)
            original = XmlEInvoice().parse(document).invoice
        except Exception:  # not an e-invoice einvoice.xml reads (FatturaPA ...): not this test's
            continue
        profile = original.specification_id or "urn:cen.eu:en16931:2017"
        if original.totals.tax is None and original.vat_breakdown:
            # CII may leave BT-110 out; UBL holds the breakdown in a TaxTotal whose TaxAmount is
            # required, so the export writes the sum BR-CO-14 makes it equal to
            original.totals.tax = sum(
                (v.tax or Decimal(0) for v in original.vat_breakdown), Decimal(0)
            )
        try:
            receipt = export(original, tmp_path, f"c{checked}", document, customization_id=profile)
        except InputRejected:
            continue  # test instances that break EN 16931 rules themselves cannot be exported
        checked += 1
        again = read(Path(receipt.location).read_bytes())
        expected, found = without_provenance(original), without_provenance(again)
        expected.pop("extensions"), found.pop("extensions")  # kept on the run, never exported
        if found != expected:
            differing.append(path.name)
    assert checked >= 10
    assert differing == []


def test_payment_instructions_without_their_means_code_are_refused_not_guessed(
    tmp_path: Path,
) -> None:
    invoice = full_invoice()
    invoice.payment.means_code = None
    with pytest.raises(InputRejected, match="BR-49"):
        export(invoice, tmp_path, document=source_document())


def test_credit_note_due_date_without_payment_instructions_gets_an_undefined_means(
    tmp_path: Path,
) -> None:
    invoice = full_invoice("381")
    invoice.payment = Payment()
    receipt = export(invoice, tmp_path, document=source_document())
    root = etree.fromstring(Path(receipt.location).read_bytes())
    means = f"{{{CAC}}}PaymentMeans/{{{CBC}}}"
    assert root.findtext(means + "PaymentMeansCode") == "1"
    assert root.findtext(means + "PaymentDueDate") == "2024-05-02"
