"""export.ubl's writer: every EN 16931 term at its UBL binding path, in UBL 2.1 schema order, a
document that breaks no EN 16931 rule, and that reads back as the invoice it was written from."""

from __future__ import annotations

import base64
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

from modules.test_export_ubl_invoices import ATTACHMENT, ATTACHMENTS, full_invoice, variants
from turnout.domain.artifacts import InvoiceArtifact, Source
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.conformance import fatal_findings
from turnout.modules.export.profiles import PEPPOL_BILLING_PROCESS, PEPPOL_BIS_3, XRECHNUNG_3
from turnout.modules.export.ubl_builder import build_ubl
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.standard import StandardNormalize

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
ROOT = Path(__file__).parents[2]
XSLT = ROOT.parent / "shared" / "corpora" / "en16931" / "xslt"

# The UBL 2.1 schema sequences (UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd, the common aggregate
# components), restricted to the elements the EN 16931 binding uses.
_INVOICE = (
    "CustomizationID ProfileID ID IssueDate DueDate InvoiceTypeCode Note TaxPointDate "
    "DocumentCurrencyCode TaxCurrencyCode AccountingCost BuyerReference InvoicePeriod "
    "OrderReference BillingReference DespatchDocumentReference ReceiptDocumentReference "
    "OriginatorDocumentReference ContractDocumentReference AdditionalDocumentReference "
    "ProjectReference AccountingSupplierParty AccountingCustomerParty PayeeParty "
    "TaxRepresentativeParty Delivery PaymentMeans PaymentTerms AllowanceCharge TaxTotal "
    "LegalMonetaryTotal InvoiceLine"
)
_CREDIT_NOTE = (
    "CustomizationID ProfileID ID IssueDate TaxPointDate CreditNoteTypeCode Note "
    "DocumentCurrencyCode TaxCurrencyCode AccountingCost BuyerReference InvoicePeriod "
    "OrderReference BillingReference DespatchDocumentReference ReceiptDocumentReference "
    "ContractDocumentReference AdditionalDocumentReference OriginatorDocumentReference "
    "AccountingSupplierParty AccountingCustomerParty PayeeParty TaxRepresentativeParty Delivery "
    "PaymentMeans PaymentTerms AllowanceCharge TaxTotal LegalMonetaryTotal CreditNoteLine"
)
_LINE = (
    "ID Note {quantity} LineExtensionAmount AccountingCost InvoicePeriod OrderLineReference "
    "DocumentReference AllowanceCharge Item Price"
)
_ADDRESS = (
    "StreetName AdditionalStreetName CityName PostalZone CountrySubentity AddressLine Country"
)
SCHEMA_ORDER = {
    "Invoice": _INVOICE,
    "CreditNote": _CREDIT_NOTE,
    "InvoiceLine": _LINE.format(quantity="InvoicedQuantity"),
    "CreditNoteLine": _LINE.format(quantity="CreditedQuantity"),
    "Party": "EndpointID PartyIdentification PartyName PostalAddress PartyTaxScheme "
    "PartyLegalEntity Contact",
    "PayeeParty": "PartyIdentification PartyName PartyLegalEntity",
    "TaxRepresentativeParty": "PartyName PostalAddress PartyTaxScheme",
    "PostalAddress": _ADDRESS,
    "Address": _ADDRESS,
    "PartyLegalEntity": "RegistrationName CompanyID CompanyLegalForm",
    "Contact": "Name Telephone ElectronicMail",
    "Delivery": "ActualDeliveryDate DeliveryLocation DeliveryParty",
    "DeliveryLocation": "ID Address",
    "PaymentMeans": "PaymentMeansCode PaymentDueDate PaymentID CardAccount "
    "PayeeFinancialAccount PaymentMandate",
    "CardAccount": "PrimaryAccountNumberID NetworkID HolderName",
    "PayeeFinancialAccount": "ID Name FinancialInstitutionBranch",
    "PaymentMandate": "ID PayerFinancialAccount",
    "AllowanceCharge": "ChargeIndicator AllowanceChargeReasonCode AllowanceChargeReason "
    "MultiplierFactorNumeric Amount BaseAmount TaxCategory",
    "TaxTotal": "TaxAmount TaxSubtotal",
    "TaxSubtotal": "TaxableAmount TaxAmount TaxCategory",
    "TaxCategory": "ID Percent TaxExemptionReasonCode TaxExemptionReason TaxScheme",
    "ClassifiedTaxCategory": "ID Percent TaxScheme",
    "LegalMonetaryTotal": "LineExtensionAmount TaxExclusiveAmount TaxInclusiveAmount "
    "AllowanceTotalAmount ChargeTotalAmount PrepaidAmount PayableRoundingAmount PayableAmount",
    "Item": "Description Name BuyersItemIdentification SellersItemIdentification "
    "StandardItemIdentification OriginCountry CommodityClassification ClassifiedTaxCategory "
    "AdditionalItemProperty",
    "Price": "PriceAmount BaseQuantity AllowanceCharge",
    "AdditionalDocumentReference": "ID DocumentTypeCode DocumentDescription Attachment",
    "Attachment": "EmbeddedDocumentBinaryObject ExternalReference",
    "OrderReference": "ID SalesOrderID",
    "InvoiceDocumentReference": "ID IssueDate",
    "InvoicePeriod": "StartDate EndDate DescriptionCode",
}


def written(invoice: Invoice, customization_id: str | None = None) -> etree._Element:
    args = (customization_id,) if customization_id else ()
    return etree.fromstring(build_ubl(invoice, *args, attachments=ATTACHMENTS))


def texts(root: etree._Element, path: str) -> list[str]:
    return [
        str(e.text if isinstance(e, etree._Element) else e) for e in root.xpath(path, namespaces=NS)
    ]


def read_back(data: bytes) -> Invoice:
    """The canonical invoice of UBL `data` as a run makes it: intake, einvoice.xml, normalize."""
    workspace = Path("/nonexistent")
    artifacts = Artifacts([Source("written.xml", data)])
    for module in (StandardIntake(), XmlEInvoice(), StandardNormalize()):
        spec = module.spec
        context = RunContext("run-ubl", 1, spec.stage_id, spec.module_id, workspace)
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts.require(InvoiceArtifact).invoice


def comparable(invoice: Invoice) -> dict[str, object]:
    data = invoice.to_dict()
    del data["provenance"]
    return data


@pytest.mark.parametrize(("name", "invoice"), variants(), ids=[n for n, _ in variants()])
def test_elements_follow_the_ubl_21_schema_order(name: str, invoice: Invoice) -> None:
    out_of_order = []
    for element in written(invoice).iter(etree.Element):
        parent = etree.QName(element).localname
        if parent not in SCHEMA_ORDER:
            continue
        order = SCHEMA_ORDER[parent].split()
        children = [etree.QName(child).localname for child in element]
        unknown = [c for c in children if c not in order]
        positions = [order.index(c) for c in children if c in order]
        if unknown or positions != sorted(positions):
            out_of_order.append(f"{parent}: {' '.join(children)}")
    assert out_of_order == []


@pytest.mark.parametrize(("name", "invoice"), variants(), ids=[n for n, _ in variants()])
def test_written_document_breaks_no_en16931_rule(name: str, invoice: Invoice) -> None:
    data = build_ubl(invoice, attachments=ATTACHMENTS)
    assert [f"{f.rule}: {f.message}" for f in fatal_findings(data, name)] == []


@pytest.mark.parametrize(("name", "invoice"), variants(), ids=[n for n, _ in variants()])
def test_reading_the_file_back_gives_the_same_canonical_invoice(
    name: str, invoice: Invoice
) -> None:
    again = read_back(build_ubl(invoice, attachments=ATTACHMENTS))
    assert comparable(again) == comparable(invoice)


def test_header_references_and_notes_are_at_their_binding_paths() -> None:
    root = written(full_invoice())
    expected = {
        "cbc:CustomizationID": ["urn:cen.eu:en16931:2017"],
        "cbc:ProfileID": ["urn:example:process:billing"],
        "cbc:ID": ["INV-2024-7"],
        "cbc:IssueDate": ["2024-04-02"],
        "cbc:DueDate": ["2024-05-02"],
        "cbc:InvoiceTypeCode": ["380"],
        "cbc:Note": ["#AAI#General information", "Thank you for your order"],
        "cbc:TaxPointDate": ["2024-03-31"],
        "cbc:TaxCurrencyCode": ["DKK"],
        "cbc:AccountingCost": ["COST-CENTRE-12"],
        "cbc:BuyerReference": ["BUYER-REF-9"],
        "cac:InvoicePeriod/cbc:StartDate": ["2024-03-01"],
        "cac:OrderReference/cbc:ID": ["PO-4711"],
        "cac:OrderReference/cbc:SalesOrderID": ["SO-88"],
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID": ["INV-2023-99"],
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate": ["2023-12-01"],
        "cac:DespatchDocumentReference/cbc:ID": ["DESPATCH-6"],
        "cac:ReceiptDocumentReference/cbc:ID": ["RECEIPT-2"],
        "cac:OriginatorDocumentReference/cbc:ID": ["LOT-1"],
        "cac:ContractDocumentReference/cbc:ID": ["CONTRACT-3"],
        "cac:ProjectReference/cbc:ID": ["PROJ-5"],
        "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID": ["METER-7"],
        "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID/@schemeID": ["AAA"],
        "cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode)]/cbc:ID": [
            "TIMESHEET-1",
            "SPEC-2",
        ],
        "cac:AdditionalDocumentReference/cbc:DocumentDescription": [
            "Timesheet of March",
            "Specification",
        ],
        "cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI": [
            "https://example.com/spec.pdf"
        ],
        "cac:PaymentTerms/cbc:Note": ["30 days net, 2% discount within 10 days"],
    }
    assert {path: texts(root, path) for path in expected} == expected


def test_attached_document_is_embedded_again_from_its_bytes() -> None:
    root = written(full_invoice())
    (binary,) = root.xpath("//cbc:EmbeddedDocumentBinaryObject", namespaces=NS)
    assert base64.b64decode(binary.text) == ATTACHMENT
    assert (binary.get("mimeCode"), binary.get("filename")) == ("application/pdf", "timesheet.pdf")


def test_parties_are_at_their_binding_paths() -> None:
    root = written(full_invoice("380", "direct_debit"))
    seller = "cac:AccountingSupplierParty/cac:Party/"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    expected = {
        f"{seller}cac:PartyLegalEntity/cbc:RegistrationName": ["Nordlicht Trading GmbH"],
        f"{seller}cac:PartyName/cbc:Name": ["Nordlicht"],
        f"{seller}cbc:EndpointID/@schemeID": ["EM"],
        f"{seller}cac:PartyIdentification/cbc:ID": [
            "SUP-77",
            "5790000435975",
            "DE98ZZZ09999999999",
        ],
        f"{seller}cac:PartyIdentification/cbc:ID[@schemeID='SEPA']": ["DE98ZZZ09999999999"],
        f"{seller}cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID": ["DE123456789"],
        f"{seller}cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='FC']/cbc:CompanyID": ["201/113/40209"],
        f"{seller}cac:PartyLegalEntity/cbc:CompanyID/@schemeID": ["0002"],
        f"{seller}cac:PartyLegalEntity/cbc:CompanyLegalForm": ["Share capital 25 000 EUR"],
        f"{seller}cac:PostalAddress/cbc:StreetName": ["Seller street 1"],
        f"{seller}cac:PostalAddress/cbc:AdditionalStreetName": ["Seller building B"],
        f"{seller}cac:PostalAddress/cac:AddressLine/cbc:Line": ["Seller 3rd floor"],
        f"{seller}cac:PostalAddress/cbc:CountrySubentity": ["Seller region"],
        f"{seller}cac:PostalAddress/cac:Country/cbc:IdentificationCode": ["DE"],
        f"{seller}cac:Contact/cbc:ElectronicMail": ["ada@example.com"],
        f"{buyer}cac:PartyLegalEntity/cbc:RegistrationName": ["Meridian SARL"],
        f"{buyer}cac:PostalAddress/cac:Country/cbc:IdentificationCode": ["FR"],
        "cac:PayeeParty/cac:PartyName/cbc:Name": ["Factoring Bank AG"],
        "cac:PayeeParty/cac:PartyIdentification/cbc:ID/@schemeID": ["0088"],
        "cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyID": ["HRB 999"],
        "cac:TaxRepresentativeParty/cac:PartyName/cbc:Name": ["Tax Representative SAS"],
        "cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:CompanyID": ["FR11999999998"],
        "cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:IdentificationCode": ["FR"],
        "cac:Delivery/cbc:ActualDeliveryDate": ["2024-03-28"],
        "cac:Delivery/cac:DeliveryLocation/cbc:ID/@schemeID": ["0088"],
        "cac:Delivery/cac:DeliveryLocation/cac:Address/cbc:CityName": ["Delivery city"],
        "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode": ["FR"],
        "cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name": ["Meridian warehouse"],
    }
    assert {path: texts(root, path) for path in expected} == expected


@pytest.mark.parametrize(
    ("payment", "expected"),
    [
        (
            "transfers",
            {
                "cac:PaymentMeans/cbc:PaymentMeansCode": ["58", "58"],
                "cac:PaymentMeans/cbc:PaymentMeansCode/@name": ["SEPA credit transfer"],
                "cac:PaymentMeans/cbc:PaymentID": ["RF18539007547034"],
                "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID": [
                    "DE89370400440532013000",
                    "FR7630006000011234567890189",
                ],
                "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name": [
                    "Nordlicht Trading GmbH",
                    "Nordlicht France",
                ],
                "cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID": [
                    "COBADEFFXXX",
                    "AGRIFRPP",
                ],
            },
        ),
        (
            "card",
            {
                "cac:PaymentMeans/cbc:PaymentMeansCode": ["48"],
                "cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID": ["1234"],
                "cac:PaymentMeans/cac:CardAccount/cbc:HolderName": ["A. Holder"],
            },
        ),
        (
            "direct_debit",
            {
                "cac:PaymentMeans/cbc:PaymentMeansCode": ["59"],
                "cac:PaymentMeans/cac:PaymentMandate/cbc:ID": ["MANDATE-42"],
                "cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID": [
                    "DE02120300000000202051"
                ],
            },
        ),
    ],
)
def test_each_payment_means_is_at_its_binding_path(
    payment: str, expected: dict[str, list[str]]
) -> None:
    root = written(full_invoice("380", payment))
    assert {path: texts(root, path) for path in expected} == expected


def test_credit_note_has_credited_quantities_and_its_due_date_and_project_elsewhere() -> None:
    root = written(full_invoice("381", "card"))
    assert etree.QName(root).localname == "CreditNote"
    assert texts(root, "cbc:CreditNoteTypeCode") == ["381"]
    assert texts(root, "cbc:DueDate") == []
    assert texts(root, "cac:PaymentMeans/cbc:PaymentDueDate") == ["2024-05-02"]
    assert texts(root, "cac:ProjectReference") == []
    assert texts(root, "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID") == [
        "PROJ-5"
    ]
    assert texts(root, "cac:InvoicePeriod/cbc:DescriptionCode") == ["35"]
    assert texts(root, "cac:CreditNoteLine/cbc:CreditedQuantity/@unitCode")[:2] == ["C62", "KGM"]
    assert texts(root, "cac:InvoiceLine") == []


def test_allowances_charges_and_vat_breakdown_are_written_with_their_vat_and_reasons() -> None:
    root = written(full_invoice())
    document = "cac:AllowanceCharge"
    expected = {
        f"{document}/cbc:ChargeIndicator": ["false", "true", "true"],
        f"{document}/cbc:AllowanceChargeReasonCode": ["95", "FC", "PC"],
        f"{document}/cbc:AllowanceChargeReason": ["Loyalty discount", "Freight", "Packing"],
        f"{document}/cbc:MultiplierFactorNumeric": ["10"],
        f"{document}/cbc:Amount": ["9.00", "6.00", "2.00"],
        f"{document}/cbc:BaseAmount": ["90.00"],
        f"{document}/cac:TaxCategory/cbc:ID": ["S", "S", "Z"],
        f"{document}/cac:TaxCategory/cbc:Percent": ["19", "19", "0"],
        "cac:TaxTotal/cbc:TaxAmount": ["27.64", "206.20"],
        "cac:TaxTotal/cbc:TaxAmount/@currencyID": ["EUR", "DKK"],
        "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID": [
            "S", "S", "Z", "E", "AE", "K", "G", "L", "M",
        ],
        "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode": [
            "VATEX-EU-132", "VATEX-EU-AE", "VATEX-EU-IC", "VATEX-EU-G",
        ],
        "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason": [
            "Exempt based on article 132 of Council Directive 2006/112/EC",
            "Reverse charge",
            "Intra-Community supply",
            "Export outside the EU",
        ],
        "cac:LegalMonetaryTotal/*": [
            "645.50", "644.50", "672.14", "9.00", "8.00", "100.00", "0.01", "572.15",
        ],
    }  # fmt: skip
    assert {path: texts(root, path) for path in expected} == expected


def test_line_allowances_charges_price_and_item_details_are_at_their_binding_paths() -> None:
    root = written(full_invoice())
    first = "cac:InvoiceLine[1]/"
    expected = {
        f"{first}cbc:Note": ["First line, with every detail"],
        f"{first}cbc:InvoicedQuantity/@unitCode": ["C62"],
        f"{first}cbc:AccountingCost": ["ACC-LINE-1"],
        f"{first}cac:InvoicePeriod/cbc:EndDate": ["2024-03-31"],
        f"{first}cac:OrderLineReference/cbc:LineID": ["PO-LINE-3"],
        f"{first}cac:DocumentReference/cbc:ID": ["OBJ-1"],
        f"{first}cac:DocumentReference/cbc:DocumentTypeCode": ["130"],
        f"{first}cac:AllowanceCharge/cbc:Amount": ["10.00"],
        f"{first}cac:AllowanceCharge/cbc:BaseAmount": ["100.00"],
        f"{first}cac:AllowanceCharge/cbc:AllowanceChargeReasonCode": ["95"],
        f"{first}cac:AllowanceCharge/cac:TaxCategory": [],
        f"{first}cac:Item/cbc:Description": ["A chair for the office, black"],
        f"{first}cac:Item/cac:BuyersItemIdentification/cbc:ID": ["BUY-1"],
        f"{first}cac:Item/cac:SellersItemIdentification/cbc:ID": ["SELL-1"],
        f"{first}cac:Item/cac:StandardItemIdentification/cbc:ID/@schemeID": ["0160"],
        f"{first}cac:Item/cac:OriginCountry/cbc:IdentificationCode": ["IT"],
        f"{first}cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode": [
            "43211503",
            "9403",
        ],
        f"{first}cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listID": [
            "STI",
            "HS",
        ],
        f"{first}cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listVersionID": [
            "19.0501"
        ],
        f"{first}cac:Item/cac:ClassifiedTaxCategory/cbc:Percent": ["19"],
        f"{first}cac:Item/cac:AdditionalItemProperty/cbc:Value": ["black", "L"],
        f"{first}cac:Price/cbc:PriceAmount": ["50.00"],
        f"{first}cac:Price/cbc:BaseQuantity/@unitCode": ["C62"],
        f"{first}cac:Price/cac:AllowanceCharge/cbc:Amount": ["5.00"],
        f"{first}cac:Price/cac:AllowanceCharge/cbc:BaseAmount": ["55.00"],
        "cac:InvoiceLine[2]/cac:AllowanceCharge/cbc:ChargeIndicator": ["true"],
        "cac:InvoiceLine[2]/cac:AllowanceCharge/cbc:AllowanceChargeReason": ["Packing"],
    }
    assert {path: texts(root, path) for path in expected} == expected


def test_every_amount_has_the_currency_and_every_quantity_its_unit() -> None:
    root = written(full_invoice())
    amounts = root.xpath(
        "//cbc:*[substring(local-name(), string-length(local-name()) - 5) = 'Amount']",
        namespaces=NS,
    )
    assert len(amounts) > 40
    assert {a.get("currencyID") for a in amounts} == {"EUR", "DKK"}
    quantities = root.xpath("//cbc:InvoicedQuantity|//cbc:BaseQuantity", namespaces=NS)
    assert all(q.get("unitCode") for q in quantities)


def test_peppol_profile_writes_its_business_process_when_the_invoice_has_none() -> None:
    invoice = full_invoice()
    invoice.business_process = None
    root = written(invoice, PEPPOL_BIS_3)
    assert texts(root, "cbc:CustomizationID") == [PEPPOL_BIS_3]
    assert texts(root, "cbc:ProfileID") == [PEPPOL_BILLING_PROCESS]
    # Peppol BIS names the seller's tax registration scheme TAX
    scheme = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"
    assert texts(root, scheme) == ["VAT", "TAX"]
    xrechnung = written(invoice, XRECHNUNG_3)
    assert texts(xrechnung, "cbc:CustomizationID") == [XRECHNUNG_3]
    assert texts(xrechnung, "cbc:ProfileID") == []


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
def test_official_en16931_validation_finds_nothing_in_the_written_documents() -> None:
    pytest.importorskip("saxonche", reason="the official XSLT runs on saxonche (dev extra)")
    validator = _official_validator().OfficialValidator(XSLT)
    found = {}
    for name, invoice in variants():
        data = build_ubl(invoice, attachments=ATTACHMENTS)
        found[name] = sorted({f"{f.rule} ({f.flag})" for f in validator.failed_asserts(data, name)})
    assert found == {name: [] for name, _ in variants()}
