"""Generated canonical invoices for tests: complete, EN 16931-valid, different for every seed.

`generate(seed)` draws an invoice or credit note that uses the whole semantic model: document and
line allowances and charges (UNTDID 5189 / 7161 reasons), every VAT category with the exemption
reasons its rules ask for, credit transfers (one or two accounts), card and direct debit, notes,
periods, delivery, payee, tax representative, preceding invoices, supporting documents with and
without attachments, and item and price details. The arithmetic holds to the cent (BR-CO-10 to
BR-CO-17, the per-category taxable amounts of BR-S-08 and its kin), and each VAT category's rules
are obeyed (BR-AE, BR-IC, BR-G, BR-O, BR-AF, BR-AG ...). Every number is in the one written form
the canonical invoice gives it (`normalize.scale`): money with at least two decimals and no
trailing zeros beyond them, rates, percentages and quantities without trailing zeros.

The seed chooses the VAT scenario (`SCENARIOS[seed % 7]`), the payment means
(`PAYMENTS[seed % 3]`) and the document type (a credit note when `seed // 7` is odd), so any 42
consecutive seeds cover every combination; everything else is drawn from `random.Random(seed)`.

An attached document (BT-125) is kept by reference (`Attachment.sha256`, `size`): an XML export
finds its bytes in the run's document. `generate_with_attachments` returns them too, and
`GeneratedInvoice.carrier_xml()` wraps them the way an e-invoice holds them, for a test to hand an
export as the run's document. With `attachments=False` a supporting document points to a URI
instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from turnout.domain.invoice import (
    Address,
    AllowanceCharge,
    Classification,
    Contact,
    Delivery,
    Identifier,
    Invoice,
    InvoiceLine,
    ItemAttribute,
    Note,
    Party,
    Payee,
    Period,
    PrecedingInvoice,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from turnout.modules.normalize.scale import money
from turnout.testing import einvoice_codes as codes
from turnout.testing.einvoice_payment import digits, payment_instructions, supporting_documents

SCENARIOS = (
    "domestic",  # S at two rates, with Z and E lines
    "reverse_charge",  # AE, with S lines
    "intra_community",  # K: needs both VAT ids, the delivery country and a date or period
    "export",  # G
    "not_subject",  # O: no VAT ids anywhere, no rates, nothing else
    "canary_islands",  # L (IGIC)
    "ceuta_melilla",  # M (IPSI)
)
PAYMENTS = ("credit_transfer", "card", "direct_debit")
EN16931 = "urn:cen.eu:en16931:2017"
PEPPOL_BILLING = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class GeneratedInvoice:
    """A generated invoice and the bytes of the documents attached to it, by their SHA-256."""

    invoice: Invoice
    attachments: dict[str, bytes] = field(default_factory=dict)

    def carrier_xml(self) -> bytes:
        """An XML document holding each attachment as a base64 binary object, as an e-invoice
        holds it (`cbc:EmbeddedDocumentBinaryObject`): what an export finds in the run's
        document. It is not an invoice; only the binary objects are read from it."""
        cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
        objects = "".join(
            f"<cbc:EmbeddedDocumentBinaryObject>{base64.b64encode(data).decode('ascii')}"
            "</cbc:EmbeddedDocumentBinaryObject>"
            for _, data in sorted(self.attachments.items())
        )
        return (
            f'<?xml version="1.0"?><Attachments xmlns:cbc="{cbc}">{objects}</Attachments>'.encode()
        )


def generate(seed: int, **options: Any) -> Invoice:
    """A complete, EN 16931-valid canonical invoice drawn from `seed` (see the module docstring;
    `options` are those of `generate_with_attachments`)."""
    return generate_with_attachments(seed, **options).invoice


def generate_with_attachments(
    seed: int,
    *,
    scenario: str | None = None,
    payment: str | None = None,
    type_code: str | None = None,
    attachments: bool = True,
    max_lines: int = 6,
) -> GeneratedInvoice:
    """The invoice of `seed` and the bytes of its attached documents.

    `scenario` (one of `SCENARIOS`), `payment` (one of `PAYMENTS`) and `type_code` ("380" or
    "381") override what the seed chooses; `attachments=False` gives supporting documents a URI
    instead of attached bytes; `max_lines` bounds the number of lines (at least 1)."""
    scenario = scenario or SCENARIOS[seed % len(SCENARIOS)]
    payment = payment or PAYMENTS[seed % len(PAYMENTS)]
    if scenario not in codes.CATEGORIES:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    if payment not in PAYMENTS:
        raise ValueError(f"unknown payment {payment!r}; choose one of {', '.join(PAYMENTS)}")
    if max_lines < 1:
        raise ValueError(f"max_lines is {max_lines}; an invoice needs at least one line")
    drawing = _Drawing(random.Random(seed), seed, scenario)
    invoice = drawing.invoice(type_code or ("381" if (seed // len(SCENARIOS)) % 2 else "380"))
    invoice.lines = drawing.lines(max_lines)
    invoice.allowances = drawing.document_charges(invoice.lines, charge=False)
    invoice.charges = drawing.document_charges(invoice.lines, charge=True)
    invoice.vat_breakdown = drawing.breakdown(invoice)
    invoice.totals = drawing.totals(invoice)
    invoice.payment = payment_instructions(drawing.rng, payment, invoice)
    blobs: dict[str, bytes] = {}
    invoice.documents = supporting_documents(drawing.rng, seed, blobs, attachments)
    return GeneratedInvoice(invoice, blobs)


def cents(value: Decimal) -> Decimal:
    """`value` rounded to the cent, half up (as the EN 16931 rules round)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class _Drawing:
    """The random draws of one invoice."""

    def __init__(self, rng: random.Random, seed: int, scenario: str) -> None:
        self.rng = rng
        self.seed = seed
        self.scenario = scenario
        self.vat_free = scenario == "not_subject"
        self.seller_country = codes.SELLER_COUNTRY.get(scenario, "DE")
        self.buyer_country = codes.BUYER_COUNTRY.get(scenario, rng.choice(("DE", "AT")))
        self.issued = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(720))

    def maybe(self, chance: float = 0.5) -> bool:
        return self.rng.random() < chance

    def digits(self, n: int) -> str:
        return digits(self.rng, n)

    def vat_id(self, country: str) -> str:
        return {"FR": f"FR{self.digits(11)}", "ES": f"ESB{self.digits(8)}"}.get(
            country, f"{country}{self.digits(9)}"
        )

    def day(self, after: dt.date, most: int) -> dt.date:
        return after + dt.timedelta(days=self.rng.randint(0, most))

    # ---- the document and its parties ---------------------------------------------------

    def invoice(self, type_code: str) -> Invoice:
        rng, maybe = self.rng, self.maybe
        inv = Invoice(
            invoice_number=f"{'CN' if type_code == '381' else 'INV'}-{self.seed:05d}",
            issue_date=self.issued,
            type_code=type_code,
            currency="EUR",
            specification_id=EN16931,
            business_process=PEPPOL_BILLING if maybe() else None,
            seller=self.party(self.seller_country, seller=True),
            buyer=self.party(self.buyer_country, seller=False),
        )
        if maybe(0.2):  # invoiced in another currency, VAT accounted in euro (BR-53)
            inv.currency, inv.vat_currency = rng.choice(("USD", "GBP", "CHF")), "EUR"
        inv.due_date = self.day(self.issued, 60) if maybe(0.8) else None
        if inv.due_date is None or maybe():  # BR-CO-25: a due date or payment terms
            inv.payment_terms = rng.choice(codes.PAYMENT_TERMS)
        inv.buyer_reference = f"BR-{self.digits(6)}" if maybe(0.7) else None
        inv.order_reference = f"PO-{self.digits(5)}" if maybe(0.7) else None
        # BT-14 without BT-13 has no UBL form of its own (OrderReference/ID is required there)
        if inv.order_reference and maybe():
            inv.sales_order_reference = f"SO-{self.digits(5)}"
        inv.project_reference = f"PRJ-{self.digits(3)}" if maybe() else None
        inv.contract_reference = f"CT-{self.digits(4)}" if maybe() else None
        inv.receiving_advice_reference = f"RA-{self.digits(4)}" if maybe(0.3) else None
        inv.despatch_advice_reference = f"DA-{self.digits(4)}" if maybe(0.3) else None
        inv.tender_reference = f"LOT-{self.digits(2)}" if maybe(0.3) else None
        if maybe(0.3):
            inv.invoiced_object = Identifier(f"OBJ-{self.digits(6)}", rng.choice(("AAG", "ABZ")))
        inv.buyer_accounting_reference = f"4711-{self.digits(3)}" if maybe(0.4) else None
        inv.notes = [self.note() for _ in range(rng.randint(0, 3))]
        if type_code == "381" or maybe(0.2):
            inv.preceding_invoices = [
                PrecedingInvoice(f"INV-{self.digits(5)}", self.issued - dt.timedelta(days=d))
                for d in sorted(rng.sample(range(5, 90), rng.randint(1, 2)))
            ]
            if maybe(0.3):
                inv.preceding_invoices[0].issue_date = None
        if maybe() or self.scenario == "intra_community":  # BR-IC-11: a period or delivery date
            start = self.issued - dt.timedelta(days=rng.randint(20, 40))
            inv.invoicing_period = Period(start, self.day(start, 30) if maybe(0.8) else None)
            if maybe(0.3):
                inv.tax_point_code = rng.choice(("3", "35", "432"))  # BR-CO-03: not with BT-7
        if inv.tax_point_code is None and maybe(0.2):
            inv.tax_point_date = self.issued - dt.timedelta(days=rng.randint(0, 10))
        inv.delivery = self.delivery()
        inv.payee = self.payee() if maybe(0.3) else None
        if not self.vat_free and maybe(0.25):  # BR-O-02: no tax representative VAT id with O
            inv.tax_representative = self.tax_representative()
        return inv

    def address(self, country: str) -> Address:
        city, post_code, region = self.rng.choice(codes.CITIES[country])
        street = self.rng.choice(codes.STREETS)
        return Address(
            line1=f"{street} {self.rng.randint(1, 200)}",
            line2=f"Building {self.rng.choice('ABC')}" if self.maybe(0.3) else None,
            line3=f"Floor {self.rng.randint(1, 9)}" if self.maybe(0.15) else None,
            city=city,
            post_code=post_code,
            subdivision=region if self.maybe(0.6) else None,
        )

    def party(self, country: str, *, seller: bool) -> Party:
        rng, maybe = self.rng, self.maybe
        role = "Trading" if seller else "Services"
        name = f"{rng.choice(codes.NAMES)} {role} {codes.FORMS[country]}"
        party = Party(name=name, country=country, address=self.address(country))
        party.trading_name = (
            f"{name.split()[0]} {'Shop' if seller else 'Works'}" if maybe() else None
        )
        wanted = seller or self.needs_buyer_vat_id() or maybe(0.6)
        if wanted and not self.vat_free and country != "US":
            party.vat_id = self.vat_id(country)
        schemes = ("0088", "0060", None)
        count = rng.randint(0, 2) if seller else rng.randint(0, 1)  # BT-46 is 0..1
        drawn = [
            Identifier(self.digits(13) if s == "0088" else self.digits(9), s)
            for s in rng.sample(schemes, count)
        ]
        # the canonical order normalize.standard gives a party's identifiers: no scheme first
        party.identifiers = sorted(drawn, key=lambda identifier: identifier.scheme is not None)
        if maybe(0.6) or (self.vat_free and seller):  # BR-CO-26 without a VAT id
            scheme = rng.choice(("0002", "0060", None))
            party.legal_registration = Identifier(f"HRB {self.digits(5)}", scheme)
        if seller:
            if maybe():
                party.tax_registration_id = f"{self.digits(3)}/{self.digits(3)}/{self.digits(5)}"
            party.legal_info = "Registered capital 25 000 EUR" if maybe(0.4) else None
        scheme = rng.choice(("EM", "0088", "9930"))
        address = {"EM": f"billing@{name.split()[0].lower()}.example", "0088": self.digits(13)}
        party.electronic_address = Identifier(address.get(scheme, f"DE{self.digits(9)}"), scheme)
        if maybe(0.7):
            party.contact = Contact(
                name=rng.choice(("Anna Weber", "Jean Martin", "Lucía Pérez", None)),
                phone=f"+49 30 {self.digits(7)}" if maybe() else None,
                email=f"contact@{name.split()[0].lower()}.example" if maybe() else None,
            )
            if party.contact == Contact():
                party.contact.name = "Accounts"
        return party

    def needs_buyer_vat_id(self) -> bool:
        return self.scenario in ("reverse_charge", "intra_community")

    def note(self) -> Note:
        subject = self.rng.choice(codes.NOTE_SUBJECTS) if self.maybe(0.7) else None
        return Note(subject, self.rng.choice(codes.NOTES))

    def delivery(self) -> Delivery | None:
        if self.scenario != "intra_community" and not self.maybe(0.5):
            return None
        delivery = Delivery(date=self.day(self.issued - dt.timedelta(days=15), 15))
        if self.scenario == "intra_community" or self.maybe(0.7):
            delivery.country = self.buyer_country if self.buyer_country in codes.CITIES else "DE"
            if self.maybe(0.7):
                delivery.address = self.address(delivery.country)
        delivery.party_name = "Warehouse 3" if self.maybe() else None
        if self.maybe(0.4):
            delivery.location = Identifier(self.digits(13), "0088" if self.maybe(0.7) else None)
        return delivery

    def payee(self) -> Payee:
        return Payee(
            name=f"{self.rng.choice(codes.NAMES)} Factoring AG",
            identifier=Identifier(self.digits(13), "0088") if self.maybe() else None,
            legal_registration=Identifier(f"HRB {self.digits(5)}") if self.maybe(0.4) else None,
        )

    def tax_representative(self) -> TaxRepresentative:
        country = self.rng.choice(("AT", "FR"))
        return TaxRepresentative(
            name=f"{self.rng.choice(codes.NAMES)} Fiscal Representation",
            vat_id=self.vat_id(country),
            country=country,
            address=self.address(country),
        )

    # ---- lines, allowances and charges, VAT ---------------------------------------------

    def lines(self, most: int) -> list[InvoiceLine]:
        rng = self.rng
        choices = codes.CATEGORIES[self.scenario]
        count = rng.randint(1, most)
        kinds = [choices[0]] + [rng.choice(choices) for _ in range(count - 1)]
        return [self.line(i, cat, rate) for i, (cat, rate) in enumerate(kinds, start=1)]

    def line(self, number: int, category: str, rate: str | None) -> InvoiceLine:
        rng, maybe = self.rng, self.maybe
        places = 4 if maybe(0.2) else 2
        net_price = money(Decimal(rng.randint(50, 90_000)).scaleb(-places))
        assert net_price is not None
        line = InvoiceLine(
            id=str(number),
            name=rng.choice(codes.ITEMS),
            quantity=Decimal(rng.choice(codes.QUANTITIES)),
            unit=rng.choice(codes.UNITS),
            net_price=net_price,
            vat_category=category,
            vat_rate=Decimal(rate) if rate is not None else None,  # BR-O-05: no rate with O
        )
        if maybe(0.3):  # price details: a discount off the gross price
            line.price_discount = cents(net_price * Decimal(rng.choice(("0.05", "0.1", "0.2"))))
            line.gross_price = net_price + line.price_discount
        if maybe(0.2):
            line.base_quantity, line.base_quantity_unit = (
                Decimal(rng.choice(("10", "100"))),
                line.unit,
            )
        assert line.quantity is not None
        base = cents(line.quantity * net_price / (line.base_quantity or 1))
        if base <= 0:
            base = line.quantity = line.net_price = Decimal("1.00")
            line.base_quantity = line.base_quantity_unit = None
            line.price_discount = line.gross_price = None
        line.allowances = [self.allowance(base, charge=False) for _ in range(self.few())]
        line.charges = [self.allowance(base, charge=True) for _ in range(self.few())]
        for entry in line.allowances + line.charges:  # a line's have no VAT of their own
            entry.vat_category = entry.vat_rate = None
        line.net_amount = (
            base
            - sum((a.amount or ZERO for a in line.allowances), ZERO)
            + sum((c.amount or ZERO for c in line.charges), ZERO)
        )
        self.line_details(line)
        return line

    def few(self) -> int:
        return self.rng.choice((0, 0, 0, 1, 1, 2))

    def line_details(self, line: InvoiceLine) -> None:
        rng, maybe = self.rng, self.maybe
        line.note = "Delivered with the second batch" if maybe(0.2) else None
        if maybe(0.2):
            line.object_id = Identifier(f"SN-{self.digits(8)}", rng.choice(("AAG", "ABZ")))
        line.order_line_reference = str(rng.randint(1, 40)) if maybe(0.3) else None
        line.accounting_reference = f"6100-{self.digits(2)}" if maybe(0.3) else None
        if maybe(0.3):
            start = self.issued - dt.timedelta(days=rng.randint(10, 60))
            end = self.day(start, 30)
            line.period = rng.choice((Period(start, end), Period(start, None), Period(None, end)))
        line.description = f"{line.name}, as agreed" if maybe(0.4) else None
        line.seller_item_id = f"SKU-{self.digits(5)}" if maybe(0.6) else None
        line.buyer_item_id = f"MAT-{self.digits(5)}" if maybe(0.3) else None
        line.standard_id = Identifier(self.digits(13), "0160") if maybe(0.4) else None
        line.classifications = [
            Classification(self.digits(8), scheme, "2.1" if maybe(0.3) else None)
            for scheme in rng.sample(("STI", "CV", "HS"), rng.choice((0, 0, 1, 2)))
        ]
        line.origin_country = rng.choice(("DE", "CN", "IT")) if maybe(0.3) else None
        line.attributes = [
            ItemAttribute(name, rng.choice(values))
            for name, values in rng.sample(codes.ATTRIBUTES, rng.choice((0, 0, 1, 2)))
        ]

    def allowance(self, base: Decimal, *, charge: bool) -> AllowanceCharge:
        """An allowance or charge on `base`: by a percentage of it (with the base written), or a
        plain amount; with a reason code, a reason, or both (BR-CO-21 to BR-CO-24)."""
        rng = self.rng
        code, reason = rng.choice(codes.CHARGE_REASONS if charge else codes.ALLOWANCE_REASONS)
        entry = AllowanceCharge()
        if self.maybe():
            entry.percent = Decimal(rng.choice(("2", "5", "10", "2.5", "3")))
            entry.base = base
            entry.amount = cents(base * entry.percent / 100)
        else:
            entry.amount = cents(base * Decimal(rng.randint(1, 8)) / 100)
        if entry.amount <= 0:
            entry.amount, entry.percent, entry.base = CENT, None, None
        which = rng.choice(("both", "both", "code", "reason"))
        entry.reason_code = code if which != "reason" else None
        entry.reason = reason if which != "code" else None
        return entry

    def document_charges(self, lines: list[InvoiceLine], *, charge: bool) -> list[AllowanceCharge]:
        """Document-level allowances or charges, each on a VAT category and rate the lines use,
        small enough to leave that category's taxable amount positive."""
        found = []
        for _ in range(self.few()):
            line = self.rng.choice(lines)
            same = [x.net_amount or ZERO for x in lines if _kind(x) == _kind(line)]
            entry = self.allowance(sum(same, ZERO), charge=charge)
            entry.vat_category, entry.vat_rate = line.vat_category, line.vat_rate
            found.append(entry)
        return found

    def breakdown(self, inv: Invoice) -> list[VatBreakdown]:
        """BG-23: one entry per VAT category and rate (BR-S-08 and its kin), the tax rounded to
        the cent (BR-CO-17), the exemption reasons where the category's rules ask for them."""
        taxable: dict[tuple[str | None, Decimal | None], Decimal] = {}
        for line in inv.lines:
            taxable[_kind(line)] = taxable.get(_kind(line), ZERO) + (line.net_amount or ZERO)
        for entries, sign in ((inv.allowances, -1), (inv.charges, 1)):
            for e in entries:
                key = (e.vat_category, e.vat_rate)
                taxable[key] = taxable[key] + sign * (e.amount or ZERO)
        found = []
        for (category, rate), amount in taxable.items():
            tax = cents(amount * rate / 100) if category in ("S", "L", "M") and rate else ZERO
            entry = VatBreakdown(category, rate, amount, tax)
            if category in codes.EXEMPTIONS:
                code, text = self.rng.choice(codes.EXEMPTIONS[category])
                which = self.rng.choice(("both", "both", "code", "text"))
                entry.exemption_code = code if which != "text" else None
                entry.exemption_reason = text if which != "code" else None
            found.append(entry)
        return found

    def totals(self, inv: Invoice) -> Totals:
        """BG-22 from the lines, the document allowances and charges and the VAT breakdown."""
        line_net = sum((line.net_amount or ZERO for line in inv.lines), ZERO)
        allowances = sum((a.amount or ZERO for a in inv.allowances), ZERO)
        charges = sum((c.amount or ZERO for c in inv.charges), ZERO)
        tax = sum((v.tax or ZERO for v in inv.vat_breakdown), ZERO)
        totals = Totals(
            line_net=line_net,
            allowances=allowances if inv.allowances else None,
            charges=charges if inv.charges else None,
            tax_exclusive=line_net - allowances + charges,
            tax=tax,
        )
        assert totals.tax_exclusive is not None
        totals.tax_inclusive = totals.tax_exclusive + tax
        if inv.vat_currency:
            totals.tax_accounting = cents(tax * Decimal("0.92"))
        if self.maybe(0.25):
            totals.prepaid = cents(totals.tax_inclusive * Decimal(self.rng.choice(("0.1", "0.5"))))
        if self.maybe(0.2):
            totals.rounding = self.rng.choice((Decimal("0.01"), Decimal("-0.02"), Decimal("0.04")))
        totals.payable = totals.tax_inclusive - (totals.prepaid or ZERO) + (totals.rounding or ZERO)
        return totals


def _kind(line: InvoiceLine) -> tuple[str | None, Decimal | None]:
    return line.vat_category, line.vat_rate
