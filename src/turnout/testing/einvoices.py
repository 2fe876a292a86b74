"""Generated canonical invoices for tests: complete, EN 16931-valid, different for every seed.

`generate(seed)` draws an invoice or credit note that uses the whole semantic model: document and
line allowances and charges (UNTDID 5189 / 7161 reasons), every VAT category with the exemption
reasons its rules ask for, credit transfers (one or two accounts), card and direct debit, notes,
periods, delivery, payee, tax representative, preceding invoices, supporting documents with and
without attachments, and item and price details. The arithmetic holds to the cent (BR-CO-10 to
BR-CO-17, the per-category taxable amounts of BR-S-08 and its kin), and each VAT category's rules
are obeyed (BR-AE, BR-IC, BR-G, BR-O, BR-AF, BR-AG ...).

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
import hashlib
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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

# (category, rate as written) of the lines each scenario draws from; the first is always used
_CATEGORIES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "domestic": (("S", "19"), ("S", "7"), ("Z", "0"), ("E", "0")),
    "reverse_charge": (("AE", "0"), ("S", "19.00")),
    "intra_community": (("K", "0"),),
    "export": (("G", "0"),),
    "not_subject": (("O", None),),
    "canary_islands": (("L", "7"), ("L", "3")),
    "ceuta_melilla": (("M", "10"), ("M", "0.5")),
}
_SELLER_COUNTRY = {"canary_islands": "ES", "ceuta_melilla": "ES"}
_BUYER_COUNTRY = {"intra_community": "FR", "export": "US", "reverse_charge": "DE"}
# VATEX code and text of the categories whose breakdown gives an exemption reason
_EXEMPTIONS = {
    "E": (
        (
            "VATEX-EU-132-1I",
            "Exempt: cultural services, Article 132(1)(n) of Directive 2006/112/EC",
        ),
        ("VATEX-EU-132-1J", "Exempt: school or university education"),
        ("VATEX-EU-143", "Exempt: importation of goods, Article 143"),
    ),
    "AE": (("VATEX-EU-AE", "Reverse charge"),),
    "K": (("VATEX-EU-IC", "Intra-Community supply"),),
    "G": (("VATEX-EU-G", "Export outside the EU"),),
    "O": (("VATEX-EU-O", "Not subject to VAT"),),
}
_ALLOWANCE_REASONS = (
    ("95", "Discount"),
    ("100", "Special rebate"),
    ("41", "Bonus for works ahead of schedule"),
    ("64", "Special agreement"),
    ("65", "Production error discount"),
    ("68", "End-of-range discount"),
    ("102", "Fixed long term"),
    ("104", "Standard"),
)
_CHARGE_REASONS = (
    ("FC", "Freight service"),
    ("PC", "Packing"),
    ("ABL", "Additional packaging"),
    ("SAA", "Shipping and handling"),
    ("TAC", "Testing"),
    ("CG", "Cleaning"),
    ("IS", "Invoicing"),
)
_UNITS = ("C62", "HUR", "KGM", "MTR", "DAY", "LTR", "H87")
_QUANTITIES = ("1", "2", "3", "5", "10", "12", "2.5", "0.75", "120")
_NOTE_SUBJECTS = ("AAI", "REG", "SUR", "PMT", "TXD", "ABL")
_MIME = (
    ("application/pdf", "pdf"),
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("text/csv", "csv"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
)
_ITEMS = (
    "Office chair",
    "Consulting hours",
    "Printer paper A4",
    "Server rack rental",
    "Espresso beans 1 kg",
    "Cable CAT6 305 m",
    "Translation service",
    "Standing desk",
    "Software licence",
    "Maintenance visit",
)
_CITIES = {
    "DE": (("Berlin", "10115", "Berlin"), ("München", "80331", "Bayern"), ("Köln", "50667", None)),
    "FR": (("Paris", "75001", "Île-de-France"), ("Lyon", "69001", None)),
    "ES": (("Las Palmas de Gran Canaria", "35001", "Canarias"), ("Ceuta", "51001", "Ceuta")),
    "US": (("Boston", "02108", "MA"), ("Austin", "73301", "TX")),
    "AT": (("Wien", "1010", None),),
}
_NAMES = ("Nordlicht", "Meridian", "Fjordstein", "Alba", "Quercus", "Lumen", "Orbis", "Tessera")
_FORMS = {"DE": "GmbH", "FR": "SARL", "ES": "S.L.", "US": "Inc.", "AT": "GmbH"}


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
    if scenario not in _CATEGORIES:
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
    invoice.payment = drawing.payment(payment, invoice)
    blobs: dict[str, bytes] = {}
    invoice.documents = drawing.documents(blobs, attachments)
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
        self.seller_country = _SELLER_COUNTRY.get(scenario, "DE")
        self.buyer_country = _BUYER_COUNTRY.get(scenario, rng.choice(("DE", "AT")))
        self.issued = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(720))

    def maybe(self, chance: float = 0.5) -> bool:
        return self.rng.random() < chance

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

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
            inv.payment_terms = rng.choice(
                ("Net 30 days", "2 % discount within 10 days, net 30", "Payable on receipt")
            )
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
        city, post_code, region = self.rng.choice(_CITIES[country])
        street = self.rng.choice(("Hauptstraße", "Rue de la Paix", "Calle Mayor", "Main Street"))
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
        name = f"{rng.choice(_NAMES)} {'Trading' if seller else 'Services'} {_FORMS[country]}"
        party = Party(name=name, country=country, address=self.address(country))
        party.trading_name = (
            f"{name.split()[0]} {'Shop' if seller else 'Works'}" if maybe() else None
        )
        wanted = seller or self.needs_buyer_vat_id() or maybe(0.6)
        if wanted and not self.vat_free and country != "US":
            party.vat_id = self.vat_id(country)
        schemes = ("0088", "0060", None)
        count = rng.randint(0, 2) if seller else rng.randint(0, 1)  # BT-46 is 0..1
        party.identifiers = [
            Identifier(self.digits(13) if s == "0088" else self.digits(9), s)
            for s in rng.sample(schemes, count)
        ]
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
        subject = self.rng.choice(_NOTE_SUBJECTS) if self.maybe(0.7) else None
        text = self.rng.choice(
            (
                "Thank you for your order.",
                "Goods remain our property until paid in full.",
                "Please quote the invoice number with your payment.",
                "Delivered in two parcels.",
            )
        )
        return Note(subject, text)

    def delivery(self) -> Delivery | None:
        if self.scenario != "intra_community" and not self.maybe(0.5):
            return None
        delivery = Delivery(date=self.day(self.issued - dt.timedelta(days=15), 15))
        if self.scenario == "intra_community" or self.maybe(0.7):
            delivery.country = self.buyer_country if self.buyer_country in _CITIES else "DE"
            if self.maybe(0.7):
                delivery.address = self.address(delivery.country)
        delivery.party_name = "Warehouse 3" if self.maybe() else None
        if self.maybe(0.4):
            delivery.location = Identifier(self.digits(13), "0088" if self.maybe(0.7) else None)
        return delivery

    def payee(self) -> Payee:
        return Payee(
            name=f"{self.rng.choice(_NAMES)} Factoring AG",
            identifier=Identifier(self.digits(13), "0088") if self.maybe() else None,
            legal_registration=Identifier(f"HRB {self.digits(5)}") if self.maybe(0.4) else None,
        )

    def tax_representative(self) -> TaxRepresentative:
        country = self.rng.choice(("AT", "FR"))
        return TaxRepresentative(
            name=f"{self.rng.choice(_NAMES)} Fiscal Representation",
            vat_id=self.vat_id(country),
            country=country,
            address=self.address(country),
        )

    # ---- lines, allowances and charges, VAT ---------------------------------------------

    def lines(self, most: int) -> list[InvoiceLine]:
        rng = self.rng
        choices = _CATEGORIES[self.scenario]
        count = rng.randint(1, most)
        kinds = [choices[0]] + [rng.choice(choices) for _ in range(count - 1)]
        return [self.line(i, cat, rate) for i, (cat, rate) in enumerate(kinds, start=1)]

    def line(self, number: int, category: str, rate: str | None) -> InvoiceLine:
        rng, maybe = self.rng, self.maybe
        places = 4 if maybe(0.2) else 2
        net_price = Decimal(rng.randint(50, 90_000)).scaleb(-places)
        line = InvoiceLine(
            id=str(number),
            name=rng.choice(_ITEMS),
            quantity=Decimal(rng.choice(_QUANTITIES)),
            unit=rng.choice(_UNITS),
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
            for name, values in rng.sample(
                (("Colour", ("black", "white")), ("Size", ("M", "XL")), ("Material", ("oak",))),
                rng.choice((0, 0, 1, 2)),
            )
        ]

    def allowance(self, base: Decimal, *, charge: bool) -> AllowanceCharge:
        """An allowance or charge on `base`: by a percentage of it (with the base written), or a
        plain amount; with a reason code, a reason, or both (BR-CO-21 to BR-CO-24)."""
        rng = self.rng
        code, reason = rng.choice(_CHARGE_REASONS if charge else _ALLOWANCE_REASONS)
        entry = AllowanceCharge()
        if self.maybe():
            entry.percent = Decimal(rng.choice(("2", "5", "10", "2.5", "3.00")))
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
            if category in _EXEMPTIONS:
                code, text = self.rng.choice(_EXEMPTIONS[category])
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

    # ---- payment and supporting documents -----------------------------------------------

    def payment(self, kind: str, inv: Invoice) -> Payment:
        rng, maybe = self.rng, self.maybe
        pay = Payment(remittance=f"{inv.invoice_number}" if maybe(0.7) else None)
        if kind == "credit_transfer":
            pay.means_code = rng.choice(("30", "58"))
            pay.means_text = "SEPA credit transfer" if pay.means_code == "58" and maybe() else None
            pay.iban = f"DE{self.digits(20)}"
            pay.bic = "COBADEFFXXX" if maybe(0.6) else None
            pay.account_name = inv.seller.name if maybe() else None
            if maybe(0.4):  # a second account (BG-17 repeats)
                pay.more_transfers = [
                    CreditTransfer(f"AT{self.digits(18)}", None, "BKAUATWW" if maybe() else None)
                ]
        elif kind == "card":
            pay.means_code = rng.choice(("48", "54"))
            pay.means_text = "Credit card" if maybe() else None
            # BR-51: never the whole card number, only its last digits
            pay.card = Card(self.digits(4), "J. Smith" if maybe() else None)
        else:
            pay.means_code = "59"
            pay.means_text = "SEPA direct debit" if maybe() else None
            pay.direct_debit = DirectDebit(
                mandate=f"MANDATE-{self.digits(6)}",
                creditor_id=f"DE98ZZZ{self.digits(11)}",
                debited_account=f"DE{self.digits(20)}" if maybe(0.8) else None,
            )
        return pay

    def documents(self, blobs: dict[str, bytes], attachments: bool) -> list[SupportingDocument]:
        found = []
        for number in range(1, self.rng.choice((0, 1, 1, 2, 3)) + 1):
            doc = SupportingDocument(reference=f"DOC-{self.seed}-{number}")
            doc.description = self.rng.choice(("Timesheet", "Delivery note", None))
            kind = self.rng.choice(("attachment", "uri", "plain"))
            if kind == "attachment" and attachments:
                mime, extension = self.rng.choice(_MIME)
                data = self.attachment_bytes(mime)
                digest = hashlib.sha256(data).hexdigest()
                blobs[digest] = data
                doc.attachment = Attachment(mime, f"{doc.reference}.{extension}", digest, len(data))
            elif kind != "plain":
                doc.uri = f"https://documents.example/{doc.reference}"
            found.append(doc)
        return found

    def attachment_bytes(self, mime: str) -> bytes:
        body = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(16, 400)))
        if mime == "text/csv":
            rows = [f"{i};{self.digits(4)}" for i in range(self.rng.randint(1, 12))]
            return ("item;hours\n" + "\n".join(rows) + "\n").encode()
        if mime == "application/pdf":
            return b"%PDF-1.4\n%" + body + b"\n%%EOF\n"
        return body


def _kind(line: InvoiceLine) -> tuple[str | None, Decimal | None]:
    return line.vat_category, line.vat_rate
