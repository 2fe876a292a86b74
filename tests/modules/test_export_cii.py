"""export.cii: the canonical invoice as UN/CEFACT CII D16B, read back as the same invoice."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from turnout.domain.artifacts import (
    Decision,
    Document,
    DocumentKind,
    InvoiceArtifact,
    Outcome,
    Receipt,
    Source,
)
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import (
    Address,
    AllowanceCharge,
    Attachment,
    Card,
    Classification,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    Identifier,
    Invoice,
    InvoiceLine,
    ItemAttribute,
    Note,
    Party,
    Payee,
    Payment,
    Period,
    PrecedingInvoice,
    SupportingDocument,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.cii import CiiExport
from turnout.modules.export.cii_builder import build_cii
from turnout.modules.export.profiles import XRECHNUNG_3
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.standard import StandardNormalize
from turnout.testing import ModuleContractSuite

EXAMPLES = Path(__file__).parents[2] / "src" / "turnout" / "examples"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS = {"rsm": RSM, "ram": RAM, "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"

ATTACHED = b"%PDF-1.4 timesheet of March"
D = Decimal


def complete_invoice(credit_note: bool = False) -> Invoice:
    """An EN 16931-valid invoice holding every group of the model: two lines (standard rate and
    exempt) with item details, price details, periods, line allowance and charge; document
    allowance and charge; all parties; card, direct debit and a credit transfer; references."""
    seller = Party(
        name="Muster Werkzeuge GmbH",
        vat_id="DE123456789",
        country="DE",
        trading_name="Muster Tools",
        identifiers=[Identifier("S-77"), Identifier("4000001123452", "0088")],
        legal_registration=Identifier("HRB 12345", "0204"),
        tax_registration_id="201/113/40209",
        legal_info="Geschäftsführer: Erika Muster",
        electronic_address=Identifier("invoices@muster.example", "EM"),
        address=Address("Hauptstraße 1", "Hof 2", "Gebäude C", "Berlin", "10115", "Berlin"),
        contact=Contact("Erika Muster", "+49 30 1234567", "erika@muster.example"),
    )
    buyer = Party(
        name="Acme Industries SARL",
        vat_id="FR61954506077",
        country="FR",
        trading_name="Acme",
        identifiers=[Identifier("B-1")],
        legal_registration=Identifier("954506077", "0002"),
        electronic_address=Identifier("0088:3000000000005", "0088"),
        address=Address("1 rue de la Paix", None, None, "Paris", "75002", "Île-de-France"),
        contact=Contact("Jean Achat", "+33 1 23 45 67 89", "achat@acme.example"),
    )
    lines = [
        InvoiceLine(
            id="1",
            name="Drill",
            quantity=D("10"),
            unit="H87",
            net_price=D("9.50"),
            net_amount=D("92.00"),
            vat_category="S",
            vat_rate=D("19"),
            note="Delivered in two boxes",
            object_id=Identifier("OBJ-1", "ABZ"),
            order_line_reference="PO-LINE-4",
            accounting_reference="4400",
            period=Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
            allowances=[
                AllowanceCharge(
                    D("5.00"), D("95.00"), D("5.26"), reason="Loyalty", reason_code="95"
                )
            ],
            charges=[AllowanceCharge(D("2.00"), reason="Packing", reason_code="ABL")],
            price_discount=D("0.50"),
            gross_price=D("10.00"),
            base_quantity=D("1"),
            base_quantity_unit="H87",
            description="Cordless drill, 18 V",
            seller_item_id="DR-18",
            buyer_item_id="ACME-991",
            standard_id=Identifier("4012345678901", "0160"),
            classifications=[Classification("43211503", "STI", "19.0501")],
            origin_country="CN",
            attributes=[ItemAttribute("Colour", "Blue")],
        ),
        InvoiceLine(
            id="2",
            name="Training",
            quantity=D("2"),
            unit="HUR",
            net_price=D("50.00"),
            net_amount=D("100.00"),
            vat_category="E",
            vat_rate=D("0"),
        ),
    ]
    return Invoice(
        invoice_number="INV-2024-0042",
        issue_date=dt.date(2024, 3, 1),
        type_code="381" if credit_note else "380",
        currency="EUR",
        due_date=dt.date(2024, 3, 31),
        buyer_reference="BR-99",
        order_reference="PO-4711",
        seller=seller,
        buyer=buyer,
        payment=Payment(
            iban="DE89370400440532013000",
            bic="COBADEFFXXX",
            account_name="Muster Werkzeuge",
            means_code="58",
            means_text="SEPA credit transfer",
            remittance="INV-2024-0042",
            more_transfers=[CreditTransfer("FR7630006000011234567890189", "Muster FR", "AGRIFRPP")]
            if credit_note
            else [],
            card=Card("1234", "E MUSTER"),
            direct_debit=DirectDebit(
                "MANDATE-1", "DE98ZZZ09999999999", "FR7630006000011234567890189"
            ),
        ),
        totals=Totals(
            line_net=D("192.00"),
            allowances=D("10.00"),
            charges=D("5.00"),
            tax_exclusive=D("187.00"),
            tax=D("16.53"),
            tax_inclusive=D("203.53"),
            prepaid=D("3.53"),
            payable=D("200.00"),
            tax_accounting=D("176.05"),
        ),
        vat_breakdown=[
            VatBreakdown("S", D("19"), D("87.00"), D("16.53")),
            VatBreakdown("E", D("0"), D("100.00"), D("0.00"), "Exempt training", "VATEX-EU-132-1I"),
        ],
        lines=lines,
        vat_currency="SEK",
        tax_point_date=None if credit_note else dt.date(2024, 2, 29),
        tax_point_code="35" if credit_note else None,
        project_reference="PRJ-1",
        contract_reference="CT-2023-7",
        sales_order_reference="SO-555",
        receiving_advice_reference="RA-1",
        despatch_advice_reference="DA-1",
        tender_reference="LOT-3",
        invoiced_object=Identifier("METER-8", "AUV"),
        buyer_accounting_reference="6000",
        payment_terms="30 days net",
        notes=[Note("AAI", "Thank you"), Note(None, "Second note")],
        business_process="urn:example:process",
        specification_id="urn:cen.eu:en16931:2017",
        preceding_invoices=[PrecedingInvoice("INV-2024-0001", dt.date(2024, 1, 15))],
        payee=Payee("Factor AG", Identifier("PAYEE-1"), Identifier("HRB 999", "0204")),
        tax_representative=TaxRepresentative(
            "Tax Rep SAS", "FR32123456789", "FR", Address("5 av. Foch", None, None, "Lyon", "69006")
        ),
        delivery=Delivery(
            "Acme Warehouse",
            Identifier("4000001000005", "0088"),
            dt.date(2024, 2, 20),
            "FR",
            Address("Zone Nord", "Quai 4", None, "Lille", "59000"),
        ),
        invoicing_period=Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        allowances=[
            AllowanceCharge(D("10.00"), D("100.00"), D("10"), "S", D("19"), "Discount", "95")
        ],
        charges=[AllowanceCharge(D("5.00"), None, None, "S", D("19"), "Freight", "FC")],
        documents=[
            SupportingDocument(
                "TS-3",
                "Timesheet",
                None,
                Attachment(
                    "application/pdf",
                    "hours.pdf",
                    hashlib.sha256(ATTACHED).hexdigest(),
                    len(ATTACHED),
                ),
            ),
            SupportingDocument("SPEC-1", "Specification", "https://example.com/spec.pdf"),
        ],
    )


def read(data: bytes, filename: str = "invoice.xml") -> Invoice:
    """The canonical invoice a run makes of XML bytes: intake, einvoice.xml, normalize.standard."""
    artifacts = Artifacts([Source(filename, data)])
    for module in (StandardIntake(), XmlEInvoice(), StandardNormalize()):
        context = RunContext("read", 1, module.spec.stage_id, module.spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts.require(InvoiceArtifact).invoice


def comparable(invoice: Invoice) -> dict[str, object]:
    data = invoice.to_dict()
    del data["provenance"]
    return data


def carrier(*attached: bytes) -> Document:
    """The run's document: an e-invoice XML holding `attached` as binary objects."""
    objects = "".join(
        f"<ram:AttachmentBinaryObject>{base64.b64encode(a).decode()}</ram:AttachmentBinaryObject>"
        for a in attached
    )
    root = f'<rsm:CrossIndustryInvoice xmlns:rsm="{RSM}" xmlns:ram="{RAM}">{objects}'
    xml = (root + "</rsm:CrossIndustryInvoice>").encode()
    return Document("in.xml", DocumentKind.CII, "application/xml", "0" * 64, len(xml), xml, xml=xml)


def export(
    invoice: Invoice,
    workspace: Path,
    run_id: str = "run-7",
    document: Document | None = None,
    **settings: str,
) -> Receipt:
    artifacts = Artifacts([InvoiceArtifact(invoice), Decision(Outcome.APPROVE)])
    if document is not None:
        artifacts.add(document)
    context = RunContext(run_id, 3, "export", "export.cii", workspace)
    (receipt,) = CiiExport(settings).process(artifacts, context)
    assert isinstance(receipt, Receipt)
    return receipt


def exported_root(invoice: Invoice, workspace: Path, **settings: str) -> etree._Element:
    receipt = export(invoice, workspace, document=carrier(ATTACHED), **settings)
    return etree.fromstring(Path(receipt.location).read_bytes())


def names(element: etree._Element | None) -> list[str]:
    assert element is not None
    return [etree.QName(child).localname for child in element]


def test_an_invoice_using_every_group_reads_back_as_the_same_canonical_invoice(
    tmp_path: Path,
) -> None:
    invoice = complete_invoice()
    receipt = export(invoice, tmp_path, document=carrier(ATTACHED))
    again = read(Path(receipt.location).read_bytes())
    assert comparable(again) == comparable(invoice)


def test_a_credit_note_with_a_tax_point_code_and_one_more_account_reads_back_the_same(
    tmp_path: Path,
) -> None:
    invoice = complete_invoice(credit_note=True)
    receipt = export(invoice, tmp_path, document=carrier(ATTACHED))
    root = etree.fromstring(Path(receipt.location).read_bytes())
    assert etree.QName(root).localname == "CrossIndustryInvoice"
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    # BT-8 is UNTDID 2005 in the model (35: delivery date), UNTDID 2475 in CII (29)
    assert root.xpath(
        f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode/text()", namespaces=NS
    ) == ["29"]
    assert comparable(read(Path(receipt.location).read_bytes())) == comparable(invoice)


@pytest.mark.parametrize("example", ["cii-invoice.xml", "ubl-invoice.xml", "ubl-credit-note.xml"])
def test_example_e_invoices_read_back_unchanged_through_cii(example: str, tmp_path: Path) -> None:
    data = (EXAMPLES / example).read_bytes()
    original = read(data, example)
    document = StandardIntake().identify(Source(example, data))
    profile = original.specification_id or "urn:cen.eu:en16931:2017"
    receipt = export(original, tmp_path, document=document, customization_id=profile)
    assert comparable(read(Path(receipt.location).read_bytes())) == comparable(original)


def test_elements_follow_the_d16b_schema_order(tmp_path: Path) -> None:
    root = exported_root(complete_invoice(), tmp_path)
    assert names(root) == [
        "ExchangedDocumentContext",
        "ExchangedDocument",
        "SupplyChainTradeTransaction",
    ]
    assert names(root.find("rsm:ExchangedDocumentContext", NS)) == [
        "BusinessProcessSpecifiedDocumentContextParameter",
        "GuidelineSpecifiedDocumentContextParameter",
    ]
    assert names(root.find("rsm:ExchangedDocument", NS)) == [
        "ID",
        "TypeCode",
        "IssueDateTime",
        "IncludedNote",
        "IncludedNote",
    ]
    transaction = root.find("rsm:SupplyChainTradeTransaction", NS)
    assert names(transaction) == ["IncludedSupplyChainTradeLineItem"] * 2 + [
        "ApplicableHeaderTradeAgreement",
        "ApplicableHeaderTradeDelivery",
        "ApplicableHeaderTradeSettlement",
    ]
    item = root.find("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NS)
    assert item is not None
    assert names(item.find("ram:SpecifiedTradeProduct", NS)) == [
        "GlobalID",
        "SellerAssignedID",
        "BuyerAssignedID",
        "Name",
        "Description",
        "ApplicableProductCharacteristic",
        "DesignatedProductClassification",
        "OriginTradeCountry",
    ]
    assert names(item.find("ram:SpecifiedLineTradeAgreement", NS)) == [
        "BuyerOrderReferencedDocument",
        "GrossPriceProductTradePrice",
        "NetPriceProductTradePrice",
    ]
    assert names(item.find("ram:SpecifiedLineTradeSettlement", NS)) == [
        "ApplicableTradeTax",
        "BillingSpecifiedPeriod",
        "SpecifiedTradeAllowanceCharge",
        "SpecifiedTradeAllowanceCharge",
        "SpecifiedTradeSettlementLineMonetarySummation",
        "AdditionalReferencedDocument",
        "ReceivableSpecifiedTradeAccountingAccount",
    ]
    agreement = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement", NS)
    assert names(agreement) == [
        "BuyerReference",
        "SellerTradeParty",
        "BuyerTradeParty",
        "SellerTaxRepresentativeTradeParty",
        "SellerOrderReferencedDocument",
        "BuyerOrderReferencedDocument",
        "ContractReferencedDocument",
        "AdditionalReferencedDocument",
        "AdditionalReferencedDocument",
        "AdditionalReferencedDocument",
        "AdditionalReferencedDocument",
        "SpecifiedProcuringProject",
    ]
    assert agreement is not None
    assert names(agreement.find("ram:SellerTradeParty", NS)) == [
        "ID",
        "GlobalID",
        "Name",
        "Description",
        "SpecifiedLegalOrganization",
        "DefinedTradeContact",
        "PostalTradeAddress",
        "URIUniversalCommunication",
        "SpecifiedTaxRegistration",
        "SpecifiedTaxRegistration",
    ]
    assert names(root.find(SETTLEMENT, NS)) == [
        "CreditorReferenceID",
        "PaymentReference",
        "TaxCurrencyCode",
        "InvoiceCurrencyCode",
        "PayeeTradeParty",
        "SpecifiedTradeSettlementPaymentMeans",
        "ApplicableTradeTax",
        "ApplicableTradeTax",
        "BillingSpecifiedPeriod",
        "SpecifiedTradeAllowanceCharge",
        "SpecifiedTradeAllowanceCharge",
        "SpecifiedTradePaymentTerms",
        "SpecifiedTradeSettlementHeaderMonetarySummation",
        "InvoiceReferencedDocument",
        "ReceivableSpecifiedTradeAccountingAccount",
    ]
    assert names(root.find(f"{SETTLEMENT}/ram:ApplicableTradeTax", NS)) == [
        "CalculatedAmount",
        "TypeCode",
        "BasisAmount",
        "CategoryCode",
        "TaxPointDate",
        "RateApplicablePercent",
    ]


def test_amounts_are_exact_and_only_the_vat_totals_name_a_currency(tmp_path: Path) -> None:
    root = exported_root(complete_invoice(), tmp_path)
    summation = root.find(f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    assert summation is not None
    assert [(e.text, e.get("currencyID")) for e in summation.findall("ram:TaxTotalAmount", NS)] == [
        ("16.53", "EUR"),
        ("176.05", "SEK"),
    ]
    assert summation.findtext("ram:TotalPrepaidAmount", namespaces=NS) == "3.53"
    currencies = {etree.QName(e).localname for e in root.iter() if e.get("currencyID")}
    assert currencies == {"TaxTotalAmount"}
    assert root.xpath("//ram:IssueDateTime/udt:DateTimeString/@format", namespaces=NS) == ["102"]
    assert (
        root.findtext("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", namespaces=NS)
        == "20240301"
    )


def test_each_further_credit_transfer_is_a_payment_means_with_the_same_code(
    tmp_path: Path,
) -> None:
    invoice = complete_invoice()
    invoice.payment.more_transfers = [CreditTransfer("DE02120300000000202051", "Second", None)]
    root = exported_root(invoice, tmp_path)
    means = root.findall(f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans", NS)
    assert [m.findtext("ram:TypeCode", namespaces=NS) for m in means] == ["58", "58"]
    assert names(means[0]) == [
        "TypeCode",
        "Information",
        "ApplicableTradeSettlementFinancialCard",
        "PayerPartyDebtorFinancialAccount",
        "PayeePartyCreditorFinancialAccount",
        "PayeeSpecifiedCreditorFinancialInstitution",
    ]
    account = "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"
    assert means[1].findtext(account, namespaces=NS) == "DE02120300000000202051"


def test_an_invoice_breaking_an_en16931_rule_is_refused_naming_the_rule(tmp_path: Path) -> None:
    invoice = complete_invoice()
    assert invoice.totals.line_net is not None
    invoice.totals.line_net += Decimal("1.00")  # no longer the sum of the lines' net amounts
    with pytest.raises(InputRejected, match=r"BR-CO-10") as caught:
        export(invoice, tmp_path, document=carrier(ATTACHED))
    assert "export.cii" in str(caught.value)
    assert not (tmp_path / "exports" / "cii" / "run-7.xml").exists()


def test_an_invoice_without_what_cii_requires_is_refused_naming_every_gap(tmp_path: Path) -> None:
    with pytest.raises(InputRejected) as caught:
        export(Invoice(invoice_number="X-1", currency="EUR"), tmp_path)
    message = str(caught.value)
    for gap in ("type code (BT-3)", "issue date (BT-2)", "amount due (BT-115)", "invoice line"):
        assert gap in message
    assert "invoice number" not in message
    assert not (tmp_path / "exports" / "cii").exists() or not any(
        (tmp_path / "exports" / "cii").iterdir()
    )


def test_an_attachment_whose_bytes_the_run_does_not_have_is_refused(tmp_path: Path) -> None:
    invoice = complete_invoice()
    with pytest.raises(InputRejected, match=r"BT-125.*not in the e-invoice the run read"):
        export(invoice, tmp_path, document=carrier(b"some other file"))


def test_attached_bytes_are_written_again_from_the_runs_document(tmp_path: Path) -> None:
    root = exported_root(complete_invoice(), tmp_path)
    (binary,) = root.iterfind(".//ram:AttachmentBinaryObject", NS)
    assert binary.get("mimeCode") == "application/pdf"
    assert binary.get("filename") == "hours.pdf"
    assert base64.b64decode(binary.text or "") == ATTACHED


def test_control_characters_in_a_value_are_refused_not_written(tmp_path: Path) -> None:
    invoice = complete_invoice()
    invoice.invoice_number = "A\x00B"
    with pytest.raises(InputRejected, match="control characters"):
        export(invoice, tmp_path, document=carrier(ATTACHED))


def test_the_same_run_writes_the_same_bytes_and_the_receipt_names_the_profile(
    tmp_path: Path,
) -> None:
    invoice = complete_invoice()
    first = export(invoice, tmp_path, document=carrier(ATTACHED))
    content = Path(first.location).read_bytes()
    assert export(invoice, tmp_path, document=carrier(ATTACHED)) == first
    assert Path(first.location).read_bytes() == content
    assert first.location == str((tmp_path / "exports" / "cii" / "run-7.xml").resolve())
    assert first.details["document_type"] == "CrossIndustryInvoice"
    assert first.details["profile"] == "EN 16931 core"
    assert "CII-SR-*" in first.details["unchecked_rules"]
    assert first.details["sha256"] == hashlib.sha256(content).hexdigest()


def test_customization_id_is_written_and_names_its_unchecked_rules(tmp_path: Path) -> None:
    receipt = export(
        complete_invoice(), tmp_path, document=carrier(ATTACHED), customization_id=XRECHNUNG_3
    )
    root = etree.fromstring(Path(receipt.location).read_bytes())
    guideline = "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    assert root.findtext(guideline, namespaces=NS) == XRECHNUNG_3
    assert receipt.details["profile"] == "XRechnung 3.0"
    assert "BR-DE-*" in receipt.details["unchecked_rules"]
    with pytest.raises(ValueError, match=r"without `\.\.`"):
        CiiExport({"directory": "../outside"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "pdf"}, CiiExport.spec.settings_schema)


def test_build_cii_leaves_out_what_the_invoice_does_not_hold() -> None:
    invoice = Invoice(
        invoice_number="M-1",
        issue_date=dt.date(2024, 3, 1),
        type_code="380",
        currency="EUR",
        totals=Totals(payable=Decimal("1E+2")),
        lines=[InvoiceLine(id="1", net_amount=Decimal("100"))],
        documents=[
            SupportingDocument("D-1", attachment=Attachment("text/plain", "a.txt", "00", 1))
        ],
    )
    with pytest.raises(InputRejected, match=r"a\.txt"):
        build_cii(invoice)
    invoice.documents = []
    root = etree.fromstring(build_cii(invoice))
    agreement = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement", NS)
    delivery = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery", NS)
    assert names(agreement) == [] and names(delivery) == []
    assert names(root.find(SETTLEMENT, NS)) == [
        "InvoiceCurrencyCode",
        "SpecifiedTradeSettlementHeaderMonetarySummation",
    ]
    assert root.findtext(f"{SETTLEMENT}/*/ram:DuePayableAmount", namespaces=NS) == "100"


def test_spec_covers_the_export_stage_contract() -> None:
    spec, contract = CiiExport.spec, STAGES_BY_ID["export"].contract
    assert (spec.stage_id, spec.contract_id) == ("export", contract.contract_id)
    assert spec.inputs[: len(contract.inputs)] == contract.inputs
    assert all(not group.required for group in spec.inputs[len(contract.inputs) :])
    assert spec.outputs == contract.outputs
    assert "idempotent" in spec.guarantees and contract.guarantees <= spec.guarantees


class TestCiiExportContract(ModuleContractSuite):
    module_class = CiiExport
    settings = {"directory": "exports/cii"}

    def sample_inputs(self) -> Artifacts:
        return Artifacts(
            [InvoiceArtifact(complete_invoice()), Decision(Outcome.APPROVE), carrier(ATTACHED)]
        )


CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
CORPUS_DIRS = [
    CORPORA / "xrechnung",
    CORPORA / "en16931" / "ubl" / "examples",
    CORPORA / "en16931" / "cii" / "examples",
]


@pytest.mark.corpus
@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"corpora not found at {CORPORA}")
def test_corpus_invoices_survive_the_round_trip_through_cii(tmp_path: Path) -> None:
    paths = sorted(
        p for d in CORPUS_DIRS if d.is_dir() for p in d.rglob("*") if p.suffix.lower() == ".xml"
    )
    checked, differing = 0, []
    for path in paths:
        data = path.read_bytes()
        try:
            original = read(data, path.name)
        except Exception:  # not an e-invoice einvoice.xml reads: not this test's
            continue
        document = StandardIntake().identify(Source(path.name, data))
        profile = original.specification_id or "urn:cen.eu:en16931:2017"
        receipt = export(
            original, tmp_path, f"c{checked}", document=document, customization_id=profile
        )
        checked += 1
        again = read(Path(receipt.location).read_bytes())
        original.extensions = again.extensions = []  # kept on the run, never exported
        if comparable(again) != comparable(original):
            differing.append(path.name)
    assert checked >= 50
    assert differing == []
