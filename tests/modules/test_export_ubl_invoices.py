"""Canonical invoices built by hand for the UBL export's tests, and the proof that they are sound.

`full_invoice` holds every business group of EN 16931 at least once: nine lines in every VAT
category but O (S at two rates, Z, E, AE, K, G, L, M) with line allowances and charges, price
details and item details; document allowances and charges; a VAT breakdown with exemption reasons
where the categories need them; the VAT total in an accounting currency; payee, tax
representative, delivery, periods, references, notes and supporting documents (one attached).
`payment` chooses its payment means: two credit transfers, a card or a direct debit. The
arithmetic holds to the cent (BR-CO-10 to BR-CO-17, BR-S-08 and its kin). `not_subject_invoice`
is the O case, which may not be mixed with any other category (BR-O-11 to BR-O-14).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from turnout.domain.artifacts import Severity
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
from turnout.modules.validate.en16931 import RULES, validate_node
from turnout.modules.validate.en16931.canonical import canonical_node, canonical_rules

ATTACHMENT = b"%PDF-1.4 a timesheet, made up for the UBL export's tests\n"
ATTACHMENTS = {hashlib.sha256(ATTACHMENT).hexdigest(): ATTACHMENT}
PAYMENTS = ("transfers", "card", "direct_debit")


def address(prefix: str) -> Address:
    return Address(
        line1=f"{prefix} street 1",
        line2=f"{prefix} building B",
        line3=f"{prefix} 3rd floor",
        city=f"{prefix} city",
        post_code=f"{prefix}-PC",
        subdivision=f"{prefix} region",
    )


def seller() -> Party:
    return Party(
        name="Nordlicht Trading GmbH",
        vat_id="DE123456789",
        country="DE",
        trading_name="Nordlicht",
        identifiers=[Identifier("SUP-77", None), Identifier("5790000435975", "0088")],
        legal_registration=Identifier("HRB 12345", "0002"),
        tax_registration_id="201/113/40209",
        legal_info="Share capital 25 000 EUR",
        electronic_address=Identifier("seller@example.com", "EM"),
        address=address("Seller"),
        contact=Contact("Ada Seller", "+49 30 123456", "ada@example.com"),
    )


def buyer() -> Party:
    return Party(
        name="Meridian SARL",
        vat_id="FR23334175221",
        country="FR",
        trading_name="Meridian",
        identifiers=[Identifier("5790000435968", "0088")],
        legal_registration=Identifier("334175221", "0002"),
        electronic_address=Identifier("7300010000001", "0088"),
        address=address("Buyer"),
        contact=Contact("Bob Buyer", "+33 1 234567", "bob@example.com"),
    )


def line(
    number: int, category: str, rate: str, quantity: str, price: str, net: str, **more: object
) -> InvoiceLine:
    found = InvoiceLine(
        id=str(number),
        name=f"Item {number} ({category})",
        quantity=Decimal(quantity),
        unit="C62",
        net_price=Decimal(price),
        net_amount=Decimal(net),
        vat_category=category,
        vat_rate=Decimal(rate),
    )
    for name, value in more.items():
        setattr(found, name, value)
    return found


def full_lines() -> list[InvoiceLine]:
    return [
        line(
            1,
            "S",
            "19",
            "2",
            "50.00",
            "90.00",
            note="First line, with every detail",
            object_id=Identifier("OBJ-1", "AAA"),
            order_line_reference="PO-LINE-3",
            accounting_reference="ACC-LINE-1",
            period=Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
            allowances=[
                AllowanceCharge(
                    Decimal("10.00"),
                    Decimal("100.00"),
                    Decimal("10"),
                    reason="Discount",
                    reason_code="95",
                )
            ],
            price_discount=Decimal("5.00"),
            gross_price=Decimal("55.00"),
            base_quantity=Decimal("1"),
            base_quantity_unit="C62",
            description="A chair for the office, black",
            seller_item_id="SELL-1",
            buyer_item_id="BUY-1",
            standard_id=Identifier("4012345678901", "0160"),
            classifications=[
                Classification("43211503", "STI", "19.0501"),
                Classification("9403", "HS", None),
            ],
            origin_country="IT",
            attributes=[ItemAttribute("Colour", "black"), ItemAttribute("Size", "L")],
        ),
        line(
            2,
            "S",
            "7",
            "1.5",
            "20.00",
            "33.00",
            unit="KGM",
            base_quantity=Decimal("1"),
            base_quantity_unit="KGM",
            charges=[AllowanceCharge(Decimal("3.00"), reason="Packing", reason_code="PC")],
        ),
        line(3, "Z", "0", "1", "12.50", "12.50"),
        line(4, "E", "0", "4", "25.00", "100.00", unit="HUR"),
        line(5, "AE", "0", "1", "200.00", "200.00"),
        line(6, "K", "0", "3", "10.00", "30.00"),
        line(7, "G", "0", "1", "80.00", "80.00"),
        line(8, "L", "7", "1", "40.00", "40.00"),
        line(9, "M", "10", "1", "60.00", "60.00"),
    ]


def breakdown() -> list[VatBreakdown]:
    return [
        VatBreakdown("S", Decimal("19"), Decimal("87.00"), Decimal("16.53")),
        VatBreakdown("S", Decimal("7"), Decimal("33.00"), Decimal("2.31")),
        VatBreakdown("Z", Decimal("0"), Decimal("14.50"), Decimal("0.00")),
        VatBreakdown(
            "E",
            Decimal("0"),
            Decimal("100.00"),
            Decimal("0.00"),
            "Exempt based on article 132 of Council Directive 2006/112/EC",
            "VATEX-EU-132",
        ),
        VatBreakdown(
            "AE", Decimal("0"), Decimal("200.00"), Decimal("0.00"), "Reverse charge", "VATEX-EU-AE"
        ),
        VatBreakdown(
            "K",
            Decimal("0"),
            Decimal("30.00"),
            Decimal("0.00"),
            "Intra-Community supply",
            "VATEX-EU-IC",
        ),
        VatBreakdown(
            "G",
            Decimal("0"),
            Decimal("80.00"),
            Decimal("0.00"),
            "Export outside the EU",
            "VATEX-EU-G",
        ),
        VatBreakdown("L", Decimal("7"), Decimal("40.00"), Decimal("2.80")),
        VatBreakdown("M", Decimal("10"), Decimal("60.00"), Decimal("6.00")),
    ]


def payment(kind: str) -> Payment:
    """The payment instructions of one of `PAYMENTS`."""
    if kind == "transfers":
        return Payment(
            iban="DE89370400440532013000",
            bic="COBADEFFXXX",
            account_name="Nordlicht Trading GmbH",
            means_code="58",
            means_text="SEPA credit transfer",
            remittance="RF18539007547034",
            more_transfers=[
                CreditTransfer("FR7630006000011234567890189", "Nordlicht France", "AGRIFRPP")
            ],
        )
    if kind == "card":
        return Payment(means_code="48", means_text="Bank card", card=Card("1234", "A. Holder"))
    if kind == "direct_debit":
        return Payment(
            means_code="59",
            remittance="RF18539007547034",
            direct_debit=DirectDebit("MANDATE-42", "DE98ZZZ09999999999", "DE02120300000000202051"),
        )
    raise ValueError(f"unknown payment {kind!r}; choose one of {', '.join(PAYMENTS)}")


def full_invoice(type_code: str = "380", payment_kind: str = "transfers") -> Invoice:
    """An invoice (380) or credit note (381) holding every group of EN 16931."""
    credit_note = type_code == "381"
    return Invoice(
        invoice_number="CN-2024-7" if credit_note else "INV-2024-7",
        issue_date=dt.date(2024, 4, 2),
        type_code=type_code,
        currency="EUR",
        due_date=dt.date(2024, 5, 2),
        buyer_reference="BUYER-REF-9",
        order_reference="PO-4711",
        seller=seller(),
        buyer=buyer(),
        payment=payment(payment_kind),
        totals=Totals(
            line_net=Decimal("645.50"),
            allowances=Decimal("9.00"),
            charges=Decimal("8.00"),
            tax_exclusive=Decimal("644.50"),
            tax=Decimal("27.64"),
            tax_inclusive=Decimal("672.14"),
            prepaid=Decimal("100.00"),
            rounding=Decimal("0.01"),
            payable=Decimal("572.15"),
            tax_accounting=Decimal("206.20"),
        ),
        vat_breakdown=breakdown(),
        lines=full_lines(),
        vat_currency="DKK",
        # BR-CO-03: a VAT point date or its code, never both
        tax_point_date=None if credit_note else dt.date(2024, 3, 31),
        tax_point_code="35" if credit_note else None,
        project_reference="PROJ-5",
        contract_reference="CONTRACT-3",
        sales_order_reference="SO-88",
        receiving_advice_reference="RECEIPT-2",
        despatch_advice_reference="DESPATCH-6",
        tender_reference="LOT-1",
        invoiced_object=Identifier("METER-7", "AAA"),
        buyer_accounting_reference="COST-CENTRE-12",
        payment_terms="30 days net, 2% discount within 10 days",
        notes=[Note("AAI", "General information"), Note(None, "Thank you for your order")],
        business_process="urn:example:process:billing",
        specification_id="urn:cen.eu:en16931:2017",
        preceding_invoices=[PrecedingInvoice("INV-2023-99", dt.date(2023, 12, 1))],
        payee=Payee(
            "Factoring Bank AG",
            Identifier("5790000435951", "0088"),
            Identifier("HRB 999", "0002"),
        ),
        tax_representative=TaxRepresentative(
            "Tax Representative SAS", "FR11999999998", "FR", address("Representative")
        ),
        delivery=Delivery(
            "Meridian warehouse",
            Identifier("5790000435944", "0088"),
            dt.date(2024, 3, 28),
            "FR",
            address("Delivery"),
        ),
        invoicing_period=Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
        allowances=[
            AllowanceCharge(
                Decimal("9.00"),
                Decimal("90.00"),
                Decimal("10"),
                "S",
                Decimal("19"),
                "Loyalty discount",
                "95",
            )
        ],
        charges=[
            AllowanceCharge(Decimal("6.00"), None, None, "S", Decimal("19"), "Freight", "FC"),
            AllowanceCharge(Decimal("2.00"), None, None, "Z", Decimal("0"), "Packing", "PC"),
        ],
        documents=[
            SupportingDocument(
                "TIMESHEET-1",
                "Timesheet of March",
                None,
                Attachment(
                    "application/pdf",
                    "timesheet.pdf",
                    hashlib.sha256(ATTACHMENT).hexdigest(),
                    len(ATTACHMENT),
                ),
            ),
            SupportingDocument("SPEC-2", "Specification", "https://example.com/spec.pdf"),
        ],
    )


def not_subject_invoice() -> Invoice:
    """An invoice whose only VAT category is O (not subject to VAT): no VAT ids, no rates."""
    invoice = full_invoice()
    invoice.seller.vat_id = invoice.buyer.vat_id = None
    invoice.tax_representative = None
    invoice.vat_currency = None
    invoice.lines = [line(1, "O", "0", "2", "50.00", "100.00")]
    invoice.lines[0].vat_rate = None
    invoice.allowances = [AllowanceCharge(Decimal("10.00"), vat_category="O", reason="Discount")]
    invoice.charges = []
    invoice.vat_breakdown = [
        VatBreakdown(
            "O", None, Decimal("90.00"), Decimal("0.00"), "Not subject to VAT", "VATEX-EU-O"
        )
    ]
    invoice.totals = Totals(
        line_net=Decimal("100.00"),
        allowances=Decimal("10.00"),
        tax_exclusive=Decimal("90.00"),
        tax=Decimal("0.00"),
        tax_inclusive=Decimal("90.00"),
        payable=Decimal("90.00"),
    )
    return invoice


def variants() -> list[tuple[str, Invoice]]:
    """Every invoice the tests write: both document types with each payment means, and O."""
    found = [
        (f"{type_code}-{kind}", full_invoice(type_code, kind))
        for type_code in ("380", "381")
        for kind in PAYMENTS
    ]
    return [*found, ("380-not-subject", not_subject_invoice())]


@pytest.mark.parametrize(("name", "invoice"), variants(), ids=[n for n, _ in variants()])
def test_the_test_invoices_break_no_en16931_rule_the_canonical_model_can_check(
    name: str, invoice: Invoice
) -> None:
    report = validate_node(canonical_node(invoice), "canonical", canonical_rules(RULES.values()))
    fatal = [f"{f.rule}: {f.message}" for f in report.findings if f.severity is Severity.FATAL]
    assert fatal == []
