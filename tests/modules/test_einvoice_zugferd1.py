"""ZUGFeRD 1.0 (`CrossIndustryDocument`): mapping field by field, hybrid PDFs, the public corpus."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from support.pdfs import make_pdf, with_attachments
from turnout.domain.artifacts import (
    Document,
    DocumentKind,
    EInvoice,
    Findings,
    InvoiceArtifact,
    Severity,
    Source,
)
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import (
    Address,
    AllowanceCharge,
    Delivery,
    DirectDebit,
    InvoiceLine,
    Note,
    Party,
    Payment,
    Period,
    Totals,
    VatBreakdown,
)
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.validate.en16931.check import check_bytes
from turnout.modules.validate.en16931.module import En16931Validate

EXAMPLES = Path(__file__).parents[2] / "src" / "turnout" / "examples"
CII = (EXAMPLES / "cii-invoice.xml").read_bytes()
D = Decimal
CORPUS = Path(__file__).parents[2].parent / "shared" / "corpora" / "zugferd" / "ZUGFeRDv1"

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:12" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">'
)
TAIL = "</rsm:CrossIndustryDocument>"


def zf1(profile: str, header: str, transaction: str) -> bytes:
    """A ZUGFeRD 1 document with the given guideline profile, header and transaction content."""
    return (
        f"{HEAD}<rsm:SpecifiedExchangedDocumentContext>"
        "<ram:GuidelineSpecifiedDocumentContextParameter>"
        f"<ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:{profile}</ram:ID>"
        "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:SpecifiedExchangedDocumentContext>"
        f"<rsm:HeaderExchangedDocument>{header}</rsm:HeaderExchangedDocument>"
        "<rsm:SpecifiedSupplyChainTradeTransaction>"
        f"{transaction}</rsm:SpecifiedSupplyChainTradeTransaction>{TAIL}"
    ).encode()


def party(role: str, name: str, country: str, *registrations: tuple[str, str]) -> str:
    taxes = "".join(
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="{scheme}">{value}</ram:ID>'
        "</ram:SpecifiedTaxRegistration>"
        for scheme, value in registrations
    )
    return (
        f"<ram:{role}><ram:Name>{name}</ram:Name><ram:PostalTradeAddress>"
        f"<ram:PostcodeCode>01067</ram:PostcodeCode><ram:LineOne>Elbufer 3</ram:LineOne>"
        f"<ram:CityName>Dresden</ram:CityName><ram:CountryID>{country}</ram:CountryID>"
        f"</ram:PostalTradeAddress>{taxes}</ram:{role}>"
    )


def line(
    line_id: str | None, name: str, qty: str, unit: str, price: str, net: str, rate: str
) -> str:
    line_doc = (
        f"<ram:AssociatedDocumentLineDocument><ram:LineID>{line_id}</ram:LineID>"
        "</ram:AssociatedDocumentLineDocument>"
        if line_id
        else ""
    )
    return (
        f"<ram:IncludedSupplyChainTradeLineItem>{line_doc}"
        "<ram:SpecifiedSupplyChainTradeAgreement><ram:GrossPriceProductTradePrice>"
        f'<ram:ChargeAmount currencyID="EUR">{Decimal(price) + 1}</ram:ChargeAmount>'
        "</ram:GrossPriceProductTradePrice><ram:NetPriceProductTradePrice>"
        f'<ram:ChargeAmount currencyID="EUR">{price}</ram:ChargeAmount>'
        "</ram:NetPriceProductTradePrice></ram:SpecifiedSupplyChainTradeAgreement>"
        "<ram:SpecifiedSupplyChainTradeDelivery>"
        f'<ram:BilledQuantity unitCode="{unit}">{qty}</ram:BilledQuantity>'
        "</ram:SpecifiedSupplyChainTradeDelivery><ram:SpecifiedSupplyChainTradeSettlement>"
        "<ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode>"
        f"<ram:CategoryCode>S</ram:CategoryCode><ram:ApplicablePercent>{rate}</ram:ApplicablePercent>"
        "</ram:ApplicableTradeTax><ram:SpecifiedTradeSettlementMonetarySummation>"
        f'<ram:LineTotalAmount currencyID="EUR">{net}</ram:LineTotalAmount>'
        "</ram:SpecifiedTradeSettlementMonetarySummation></ram:SpecifiedSupplyChainTradeSettlement>"
        f"<ram:SpecifiedTradeProduct><ram:SellerAssignedID>X-{qty}</ram:SellerAssignedID>"
        f"<ram:Name>{name}</ram:Name></ram:SpecifiedTradeProduct>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )


def tax(basis: str, rate: str, amount: str) -> str:
    return (
        f'<ram:ApplicableTradeTax><ram:CalculatedAmount currencyID="EUR">{amount}'
        "</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>"
        f'<ram:BasisAmount currencyID="EUR">{basis}</ram:BasisAmount>'
        f"<ram:CategoryCode>S</ram:CategoryCode><ram:ApplicablePercent>{rate}</ram:ApplicablePercent>"
        "</ram:ApplicableTradeTax>"
    )


HEADER = (
    "<ram:ID>ZF1-2015-0815</ram:ID><ram:Name>RECHNUNG</ram:Name><ram:TypeCode>380</ram:TypeCode>"
    '<ram:IssueDateTime><udt:DateTimeString format="102">20150312</udt:DateTimeString>'
    "</ram:IssueDateTime><ram:IncludedNote><ram:Content>Danke.</ram:Content></ram:IncludedNote>"
)

AGREEMENT = (
    "<ram:ApplicableSupplyChainTradeAgreement><ram:BuyerReference>KST-4410</ram:BuyerReference>"
    + party(
        "SellerTradeParty",
        "Elbtal Papier GmbH",
        "DE",
        ("FC", "203/118/50011"),
        ("VA", "DE811907980"),
    )
    + party("BuyerTradeParty", "Kanzlei Vogt", "AT", ("VA", "ATU13585627"))
    + "<ram:BuyerOrderReferencedDocument><ram:IssueDateTime>2015-03-01T00:00:00</ram:IssueDateTime>"
    "<ram:ID>PO-77-12</ram:ID></ram:BuyerOrderReferencedDocument>"
    "</ram:ApplicableSupplyChainTradeAgreement>"
)

DELIVERY = (
    "<ram:ApplicableSupplyChainTradeDelivery><ram:ActualDeliverySupplyChainEvent>"
    '<ram:OccurrenceDateTime><udt:DateTimeString format="102">20150310</udt:DateTimeString>'
    "</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>"
    "</ram:ApplicableSupplyChainTradeDelivery>"
)

SETTLEMENT = (
    "<ram:ApplicableSupplyChainTradeSettlement><ram:PaymentReference>ZF1-2015-0815"
    "</ram:PaymentReference><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
    # A first means without the seller's account (a direct debit from the buyer's) is passed over.
    "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>59</ram:TypeCode>"
    "<ram:PayerPartyDebtorFinancialAccount><ram:IBANID>AT611904300234573201</ram:IBANID>"
    "</ram:PayerPartyDebtorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>"
    "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>31</ram:TypeCode>"
    "<ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE02120300000000202051</ram:IBANID>"
    "</ram:PayeePartyCreditorFinancialAccount><ram:PayeeSpecifiedCreditorFinancialInstitution>"
    "<ram:BICID>BYLADEM1001</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>"
    "</ram:SpecifiedTradeSettlementPaymentMeans>"
    + tax("120.00", "19.00", "22.80")
    + tax("30.00", "7.00", "2.10")
    + "<ram:SpecifiedTradePaymentTerms><ram:Description>14 Tage netto</ram:Description>"
    "</ram:SpecifiedTradePaymentTerms>"
    "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>"
    '<udt:DateTimeString format="102">20150326</udt:DateTimeString>'
    "</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>"
    "<ram:SpecifiedTradeSettlementMonetarySummation>"
    '<ram:LineTotalAmount currencyID="EUR">152.00</ram:LineTotalAmount>'
    '<ram:ChargeTotalAmount currencyID="EUR">3.00</ram:ChargeTotalAmount>'
    '<ram:AllowanceTotalAmount currencyID="EUR">5.00</ram:AllowanceTotalAmount>'
    '<ram:TaxBasisTotalAmount currencyID="EUR">150.00</ram:TaxBasisTotalAmount>'
    '<ram:TaxTotalAmount currencyID="EUR">24.90</ram:TaxTotalAmount>'
    '<ram:GrandTotalAmount currencyID="EUR">174.90</ram:GrandTotalAmount>'
    '<ram:TotalPrepaidAmount currencyID="EUR">24.90</ram:TotalPrepaidAmount>'
    '<ram:DuePayableAmount currencyID="EUR">150.00</ram:DuePayableAmount>'
    "</ram:SpecifiedTradeSettlementMonetarySummation></ram:ApplicableSupplyChainTradeSettlement>"
)

NOTE_ONLY_LINE = (
    "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument>"
    "<ram:IncludedNote><ram:Content>Lieferung vom 10.03.</ram:Content></ram:IncludedNote>"
    "</ram:AssociatedDocumentLineDocument><ram:SpecifiedSupplyChainTradeSettlement/>"
    "</ram:IncludedSupplyChainTradeLineItem>"
)

COMFORT = zf1(
    "comfort",
    HEADER,
    AGREEMENT
    + DELIVERY
    + SETTLEMENT
    + NOTE_ONLY_LINE
    + line("1", "Kopierpapier A4", "40.0000", "PK", "3.0000", "120.00", "19.00")
    + line("2", "Fachbuch Steuerrecht", "1", "C62", "32.00", "32.00", "7.00"),
)

# BASIC: no line ids, no amount due, no prepaid amount.
BASIC = zf1(
    "basic",
    HEADER,
    AGREEMENT.replace("<ram:BuyerReference>KST-4410</ram:BuyerReference>", "")
    + "<ram:ApplicableSupplyChainTradeSettlement>"
    "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
    + tax("100.00", "19.00", "19.00")
    + "<ram:SpecifiedTradeSettlementMonetarySummation>"
    '<ram:LineTotalAmount currencyID="EUR">100.00</ram:LineTotalAmount>'
    '<ram:TaxBasisTotalAmount currencyID="EUR">100.00</ram:TaxBasisTotalAmount>'
    '<ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount>'
    '<ram:GrandTotalAmount currencyID="EUR">119.00</ram:GrandTotalAmount>'
    "</ram:SpecifiedTradeSettlementMonetarySummation></ram:ApplicableSupplyChainTradeSettlement>"
    + line(None, "Beratung", "2", "HUR", "50.00", "100.00", "19.00"),
)


def parse_file(data: bytes, filename: str = "ZUGFeRD-invoice.xml") -> tuple[Document, EInvoice]:
    """Through intake.standard and einvoice.xml, as a run would."""
    document = StandardIntake().identify(Source(filename, data))
    context = RunContext("run-1", 1, "einvoice", "einvoice.xml", Path())
    (einvoice,) = XmlEInvoice().process(Artifacts([document]), context)
    assert isinstance(einvoice, EInvoice)
    return document, einvoice


def test_comfort_invoice_is_mapped_field_by_field() -> None:
    document, einvoice = parse_file(COMFORT)
    assert document.kind is DocumentKind.CII
    assert (einvoice.syntax, einvoice.document_type, einvoice.profile) == (
        "cii",
        "CrossIndustryDocument",
        "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort",
    )
    invoice = einvoice.invoice
    assert invoice.invoice_number == "ZF1-2015-0815"
    assert invoice.issue_date == dt.date(2015, 3, 12)
    assert invoice.type_code == "380"
    assert invoice.currency == "EUR"
    assert invoice.due_date == dt.date(2015, 3, 26)
    assert invoice.buyer_reference == "KST-4410"
    assert invoice.order_reference == "PO-77-12"
    address = Address(line1="Elbufer 3", city="Dresden", post_code="01067")
    assert invoice.seller == Party(
        "Elbtal Papier GmbH", "DE811907980", "DE", tax_registration_id="203/118/50011",
        address=address,
    )  # fmt: skip
    assert invoice.buyer == Party("Kanzlei Vogt", "ATU13585627", "AT", address=address)
    # BT-81 is the first payment means' code; the account is the first creditor account's, and
    # the buyer's account of the first means is the direct debit's debited account (BT-91)
    assert invoice.payment == Payment(
        "DE02120300000000202051", "BYLADEM1001", means_code="59", remittance="ZF1-2015-0815",
        direct_debit=DirectDebit(debited_account="AT611904300234573201"),
    )  # fmt: skip
    assert (invoice.payment_terms, invoice.notes) == ("14 Tage netto", [Note(None, "Danke.")])
    assert invoice.delivery == Delivery(date=dt.date(2015, 3, 10))
    assert invoice.totals == Totals(
        line_net=D("152.00"),
        allowances=D("5.00"),
        charges=D("3.00"),
        tax_exclusive=D("150.00"),
        tax=D("24.90"),
        tax_inclusive=D("174.90"),
        prepaid=D("24.90"),
        rounding=None,
        payable=D("150.00"),
    )
    assert invoice.vat_breakdown == [
        VatBreakdown("S", D("19.00"), D("120.00"), D("22.80")),
        VatBreakdown("S", D("7.00"), D("30.00"), D("2.10")),
    ]
    # The note-only position is not a line; the net price is the net, not the gross one.
    assert invoice.lines == [
        InvoiceLine(
            "1", "Kopierpapier A4", D("40.0000"), "PK", D("3.0000"), D("120.00"), "S", D("19.00"),
            gross_price=D("4.0000"), seller_item_id="X-40.0000",
        ),
        InvoiceLine(
            "2", "Fachbuch Steuerrecht", D("1"), "C62", D("32.00"), D("32.00"), "S", D("7.00"),
            gross_price=D("33.00"), seller_item_id="X-1",
        ),
    ]  # fmt: skip
    # what EN 16931 has no place for is kept: the document name, the order's date, the
    # free-text position
    assert [e.path for e in invoice.extensions] == [
        "/rsm:CrossIndustryDocument/rsm:HeaderExchangedDocument/ram:Name",
        "/rsm:CrossIndustryDocument/rsm:SpecifiedSupplyChainTradeTransaction"
        "/ram:ApplicableSupplyChainTradeAgreement/ram:BuyerOrderReferencedDocument"
        "/ram:IssueDateTime",
        # the transfer's own means code (31): BT-81 is the first means' (59)
        "/rsm:CrossIndustryDocument/rsm:SpecifiedSupplyChainTradeTransaction"
        "/ram:ApplicableSupplyChainTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans[2]"
        "/ram:TypeCode",
        "/rsm:CrossIndustryDocument/rsm:SpecifiedSupplyChainTradeTransaction"
        "/ram:IncludedSupplyChainTradeLineItem[1]",
    ]
    assert invoice.provenance["totals.payable"].module == "einvoice.xml"
    assert "lines[1].vat_rate" in invoice.provenance


def test_basic_invoice_without_amount_due_pays_its_grand_total() -> None:
    _, einvoice = parse_file(BASIC)
    invoice = einvoice.invoice
    assert einvoice.profile == "urn:ferd:CrossIndustryDocument:invoice:1p0:basic"
    assert invoice.buyer_reference is None
    assert invoice.due_date is None
    assert (invoice.totals.tax_inclusive, invoice.totals.prepaid, invoice.totals.payable) == (
        Decimal("119.00"),
        None,
        Decimal("119.00"),
    )
    (only,) = invoice.lines
    assert (only.id, only.name, only.quantity, only.unit) == (None, "Beratung", Decimal("2"), "HUR")


def test_amount_due_is_the_grand_total_less_the_prepaid_amount_when_absent() -> None:
    without_due = COMFORT.replace(
        b'<ram:DuePayableAmount currencyID="EUR">150.00</ram:DuePayableAmount>', b""
    )
    assert without_due != COMFORT
    assert parse_file(without_due)[1].invoice.totals.payable == Decimal("150.00")


EXTENDED_SETTLEMENT = (
    '<ram:ApplicableTradeTax><ram:CalculatedAmount currencyID="EUR">0.00</ram:CalculatedAmount>'
    "<ram:TypeCode>VAT</ram:TypeCode><ram:ExemptionReason>Steuerfreie Ausfuhr</ram:ExemptionReason>"
    '<ram:BasisAmount currencyID="EUR">40.00</ram:BasisAmount><ram:CategoryCode>G</ram:CategoryCode>'
    "<ram:ApplicablePercent>0</ram:ApplicablePercent></ram:ApplicableTradeTax>"
    "<ram:BillingSpecifiedPeriod><ram:StartDateTime>"
    '<udt:DateTimeString format="102">20150301</udt:DateTimeString></ram:StartDateTime>'
    '<ram:EndDateTime><udt:DateTimeString format="616">201511</udt:DateTimeString>'
    "</ram:EndDateTime></ram:BillingSpecifiedPeriod>"
    "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator>"
    '</ram:ChargeIndicator><ram:BasisAmount currencyID="EUR">100.00</ram:BasisAmount>'
    '<ram:ActualAmount currencyID="EUR">5.00</ram:ActualAmount><ram:Reason>Treue</ram:Reason>'
    "<ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>"
    "<ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:CategoryTradeTax>"
    "</ram:SpecifiedTradeAllowanceCharge>"
    "<ram:SpecifiedLogisticsServiceCharge><ram:Description>Fracht</ram:Description>"
    '<ram:AppliedAmount currencyID="EUR">3.00</ram:AppliedAmount>'
    "</ram:SpecifiedLogisticsServiceCharge>"
)


def test_extended_terms_allowances_exemption_reasons_and_period_are_read() -> None:
    marker = b"<ram:SpecifiedTradePaymentTerms>"
    extended = COMFORT.replace(marker, EXTENDED_SETTLEMENT.encode() + marker, 1)
    invoice = parse_file(extended)[1].invoice
    exempt = invoice.vat_breakdown[-1]
    assert (exempt.category, exempt.exemption_reason) == ("G", "Steuerfreie Ausfuhr")
    assert invoice.allowances == [
        AllowanceCharge(D("5.00"), D("100.00"), None, "S", D("19.00"), "Treue")
    ]
    # a week (format 616) is no calendar day: the end stays empty and its element is kept
    assert invoice.invoicing_period == Period(dt.date(2015, 3, 1), None)
    kept = {(e.path or "").rsplit("/", 1)[-1]: e.xml or "" for e in invoice.extensions}
    assert 'format="616">201511<' in kept["ram:EndDateTime"]
    assert "<ram:AppliedAmount" in kept["ram:SpecifiedLogisticsServiceCharge"]


def test_a_malformed_date_is_rejected_naming_the_business_term() -> None:
    bad = COMFORT.replace(b">20150312<", b">2015-03-12<")
    with pytest.raises(InputRejected, match=r"BT-2 issue date is `2015-03-12` .*format 102"):
        parse_file(bad)


def test_a_malformed_amount_is_rejected_naming_the_business_term() -> None:
    bad = COMFORT.replace(b">174.90<", b">174,90<")
    with pytest.raises(InputRejected, match=r"BT-112 total with VAT is `174,90`"):
        parse_file(bad)


def test_hybrid_pdf_with_a_zugferd_1_attachment_goes_through_intake_and_einvoice() -> None:
    pdf = with_attachments(make_pdf(), {"notes.txt": b"hello", "ZUGFeRD-invoice.xml": COMFORT})
    document, einvoice = parse_file(pdf, "rechnung.pdf")
    assert (document.kind, document.xml_name, document.xml) == (
        DocumentKind.PDF,
        "ZUGFeRD-invoice.xml",
        COMFORT,
    )
    assert einvoice.invoice.invoice_number == "ZF1-2015-0815"
    assert einvoice.invoice.totals.payable == Decimal("150.00")


def test_zugferd_1_attachment_under_another_name_is_recognised_by_content() -> None:
    pdf = with_attachments(make_pdf(), {"rechnung-0815.xml": BASIC})
    document, einvoice = parse_file(pdf, "rechnung.pdf")
    assert document.xml_name == "rechnung-0815.xml"
    assert einvoice.invoice.totals.payable == Decimal("119.00")


@pytest.mark.parametrize(
    "attachments",
    [
        {"ZUGFeRD-invoice.xml": COMFORT, "factur-x.xml": CII},
        {"factur-x.xml": CII, "ZUGFeRD-invoice.xml": COMFORT},
        {"ZUGFeRD-invoice.xml": COMFORT, "invoice.xml": CII},
    ],
)
def test_cii_is_preferred_over_zugferd_1_in_the_same_pdf(attachments: dict[str, bytes]) -> None:
    document, einvoice = parse_file(with_attachments(make_pdf(), attachments), "both.pdf")
    assert document.xml == CII
    assert einvoice.document_type == "CrossIndustryInvoice"


def test_validate_en16931_runs_the_canonical_rules_as_warnings_on_zugferd_1() -> None:
    pdf = with_attachments(make_pdf(), {"ZUGFeRD-invoice.xml": BASIC})
    document, einvoice = parse_file(pdf, "rechnung.pdf")
    context = RunContext("run-1", 1, "validate", "validate.en16931", Path())
    artifacts = Artifacts([document, InvoiceArtifact(einvoice.invoice)])
    (findings,) = En16931Validate().process(artifacts, context)
    assert isinstance(findings, Findings)
    by_rule = {f.rule: f for f in findings.items}
    # BASIC lines carry no line id (BR-21): a finding, but not a fatal one for a pre-EN 16931 file.
    assert by_rule["BR-21"].severity is Severity.WARNING
    assert "ZUGFeRD 1.0 predates EN 16931" in by_rule["BR-21"].message
    assert all(f.severity is not Severity.FATAL for f in findings.items)


def test_turnout_check_reads_zugferd_1_and_reports_its_findings_as_warnings() -> None:
    pdf = with_attachments(make_pdf(), {"ZUGFeRD-invoice.xml": BASIC})
    report = check_bytes("rechnung.pdf", pdf)
    assert report.valid and report.syntax == "canonical"
    assert any(f.rule == "BR-21" and "predates EN 16931" in f.message for f in report.findings)


CORPUS_PDFS = sorted(CORPUS.rglob("*.pdf")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"corpus not found at {CORPUS} (it is only on developer machines and in CI)",
)
def test_every_zugferd_1_pdf_of_the_corpus_yields_its_invoice() -> None:
    assert len(CORPUS_PDFS) == 12, [p.name for p in CORPUS_PDFS]
    missing = {}
    for path in CORPUS_PDFS:
        document, einvoice = parse_file(path.read_bytes(), path.name)
        invoice = einvoice.invoice
        assert document.xml_name is not None
        assert einvoice.document_type == "CrossIndustryDocument", path.name
        absent = [
            name
            for name, value in (
                ("invoice_number", invoice.invoice_number),
                ("issue_date", invoice.issue_date),
                ("totals.payable", invoice.totals.payable),
            )
            if value is None
        ]
        if absent:
            missing[path.name] = absent
    assert missing == {}
