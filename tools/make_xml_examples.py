"""Write Turnout's bundled example e-invoices and the canonical values each must parse to.

    .venv/bin/python tools/make_xml_examples.py [DIR]

Writes into src/turnout/examples/ (or DIR, to compare with the committed files):

- ubl-invoice.xml        UBL 2.1 Invoice, XRechnung style, German seller, 19 % and 7 % VAT
- ubl-credit-note.xml    UBL 2.1 CreditNote for part of that invoice
- cii-invoice.xml        UN/CEFACT CII (Factur-X EN 16931 profile), French seller, 20 % and 5.5 %
- facturx-invoice.pdf    a one-page PDF of the CII invoice with the XML attached as factur-x.xml
- <name>.expected.json   the syntax, document type, profile and canonical invoice of each

Everything is made up here; VAT ids pass their checksums (python-stdnum) and IBANs are valid
(schwifty). Amounts are computed once, from the lines, with Decimal, and the XML is written from
that computation. The expected invoice is what einvoice.xml reads from the written file (through
intake.standard, as a run reads it), so it holds every term the readers fill (contacts, addresses,
notes, payment terms ...); it is written only when it agrees with the computation on every value
that sets, and the syntax, document type and profile are the case's. The output is byte-for-byte
reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from example_pdf import write_facturx_pdf
from example_writers import write_cii, write_ubl
from schwifty import BIC, IBAN
from stdnum.eu import vat
from stdnum.fr import siren
from stdnum.iso7064 import mod_11_10
from stdnum.luhn import calc_check_digit as luhn_check_digit

from turnout.domain.artifacts import EInvoice, Source
from turnout.domain.invoice import Invoice, InvoiceLine, Party, Payment, Totals, VatBreakdown
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "turnout" / "examples"
CENT = Decimal("0.01")
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
FACTURX_EN16931 = "urn:cen.eu:en16931:2017"


@dataclass(frozen=True)
class Trader:
    """A seller or buyer with the address and contact details the XML needs."""

    name: str
    vat_id: str
    street: str
    postcode: str
    city: str
    country: str
    email: str
    contact: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Item:
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    category: str
    rate: Decimal


@dataclass(frozen=True)
class Adjustment:
    """A document-level allowance (charge=False) or charge, with its VAT category and rate."""

    charge: bool
    reason: str
    amount: Decimal
    category: str
    rate: Decimal


@dataclass
class Case:
    """One example invoice's data; `invoice` is computed from it."""

    stem: str
    document_type: str  # "Invoice" | "CreditNote" | "CrossIndustryInvoice"
    profile: str
    number: str
    type_code: str
    issue: dt.date
    due: dt.date
    currency: str
    buyer_reference: str
    order_reference: str
    seller: Trader
    buyer: Trader
    iban: str
    bic: str
    items: list[Item]
    adjustments: list[Adjustment] = field(default_factory=list)
    prepaid: Decimal | None = None
    note: str = ""

    @property
    def invoice(self) -> Invoice:
        return compute(self)


def de_vat_id(base: str) -> str:
    """A German VAT id (USt-IdNr.) with the ISO 7064 MOD 11,10 check digit."""
    number = "DE" + base + mod_11_10.calc_check_digit(base)
    assert vat.is_valid(number), number
    return number


def fr_vat_id(siren_base: str) -> str:
    """A French VAT id: key + SIREN (SIREN with its Luhn digit)."""
    number = siren_base + luhn_check_digit(siren_base)
    assert siren.is_valid(number), number
    key = (12 + 3 * (int(number) % 97)) % 97
    result = f"FR{key:02d}{number}"
    assert vat.is_valid(result), result
    return result


def iban_for(country: str, bank: str, account: str, branch: str | None = None) -> tuple[str, str]:
    """A valid IBAN and its bank's BIC from schwifty's registry."""
    extra = {"branch_code": branch} if branch else {}
    iban = IBAN.generate(country, bank_code=bank, account_code=account, **extra)
    IBAN(str(iban))  # validates
    bic = iban.bic
    assert bic is not None, iban
    BIC(str(bic))
    return str(iban), str(bic)


def compute(case: Case) -> Invoice:
    """Lines → line net → VAT breakdown → totals, in Decimal with commercial rounding."""
    lines = [
        InvoiceLine(
            id=str(n),
            name=item.name,
            quantity=item.quantity,
            unit=item.unit,
            net_price=item.price,
            net_amount=(item.quantity * item.price).quantize(CENT, ROUND_HALF_UP),
            vat_category=item.category,
            vat_rate=item.rate,
        )
        for n, item in enumerate(case.items, start=1)
    ]
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line, item in zip(lines, case.items, strict=True):
        key = (item.category, item.rate)
        groups[key] = groups.get(key, Decimal("0.00")) + (line.net_amount or Decimal(0))
    for adj in case.adjustments:
        key = (adj.category, adj.rate)
        groups[key] = groups.get(key, Decimal("0.00")) + (adj.amount if adj.charge else -adj.amount)
    breakdown = [
        VatBreakdown(
            category=category,
            rate=rate,
            taxable=taxable,
            tax=(taxable * rate / 100).quantize(CENT, ROUND_HALF_UP),
        )
        for (category, rate), taxable in sorted(groups.items(), key=lambda kv: -kv[0][1])
    ]
    line_net = sum((line.net_amount or Decimal(0) for line in lines), Decimal("0.00"))
    allowances = _sum(a.amount for a in case.adjustments if not a.charge)
    charges = _sum(a.amount for a in case.adjustments if a.charge)
    tax_exclusive = line_net - (allowances or 0) + (charges or 0)
    tax = sum((v.tax or Decimal(0) for v in breakdown), Decimal("0.00"))
    tax_inclusive = tax_exclusive + tax
    return Invoice(
        invoice_number=case.number,
        issue_date=case.issue,
        type_code=case.type_code,
        currency=case.currency,
        due_date=case.due,
        buyer_reference=case.buyer_reference,
        order_reference=case.order_reference,
        seller=Party(case.seller.name, case.seller.vat_id, case.seller.country),
        buyer=Party(case.buyer.name, case.buyer.vat_id, case.buyer.country),
        payment=Payment(case.iban, case.bic),
        totals=Totals(
            line_net=line_net,
            allowances=allowances,
            charges=charges,
            tax_exclusive=tax_exclusive,
            tax=tax,
            tax_inclusive=tax_inclusive,
            prepaid=case.prepaid,
            rounding=None,
            payable=tax_inclusive - (case.prepaid or 0),
        ),
        vat_breakdown=breakdown,
        lines=lines,
    )


def _sum(amounts: Iterable[Decimal]) -> Decimal | None:
    values = list(amounts)
    return sum(values, Decimal("0.00")) if values else None


def german_case() -> Case:
    iban, bic = iban_for("DE", "50010517", "5407324411")
    return Case(
        stem="ubl-invoice",
        document_type="Invoice",
        profile=XRECHNUNG,
        number="LW-2024-0815",
        type_code="380",
        issue=dt.date(2024, 10, 15),
        due=dt.date(2024, 11, 14),
        currency="EUR",
        buyer_reference="04011000-12345-34",
        order_reference="BE-4471",
        seller=Trader(
            "Lindenholz Werkstätten GmbH",
            de_vat_id("26849173"),
            "Am Lindenhain 12",
            "10115",
            "Berlin",
            "DE",
            "rechnung@lindenholz.example",
            "Jana Brückner",
            "+49 30 5550123",
        ),
        buyer=Trader(
            "Stadtbibliothek Haselbach",
            de_vat_id("31597024"),
            "Marktplatz 3",
            "34117",
            "Haselbach",
            "DE",
            "einkauf@haselbach.example",
        ),
        iban=iban,
        bic=bic,
        items=[
            Item(
                "Leseregal Eiche, 180 cm",
                Decimal("4"),
                "H87",
                Decimal("389.00"),
                "S",
                Decimal("19"),
            ),
            Item("Montage je Stunde", Decimal("6.5"), "HUR", Decimal("58.40"), "S", Decimal("19")),
            Item("Fachbuch Holzpflege", Decimal("3"), "H87", Decimal("24.90"), "S", Decimal("7")),
        ],
        adjustments=[Adjustment(True, "Fracht", Decimal("45.00"), "S", Decimal("19"))],
        note="Lieferung an die Zweigstelle Nord.",
    )


def credit_note_case(invoice: Case) -> Case:
    return Case(
        stem="ubl-credit-note",
        document_type="CreditNote",
        profile=XRECHNUNG,
        number="LW-2024-0815-G1",
        type_code="381",
        issue=dt.date(2024, 10, 29),
        due=dt.date(2024, 11, 12),
        currency="EUR",
        buyer_reference=invoice.buyer_reference,
        order_reference=invoice.order_reference,
        seller=invoice.seller,
        buyer=invoice.buyer,
        iban=invoice.iban,
        bic=invoice.bic,
        items=[
            Item(
                "Leseregal Eiche, 180 cm (Transportschaden)",
                Decimal("1"),
                "H87",
                Decimal("389.00"),
                "S",
                Decimal("19"),
            ),
            Item(
                "Fachbuch Holzpflege (Rückgabe)",
                Decimal("1"),
                "H87",
                Decimal("24.90"),
                "S",
                Decimal("7"),
            ),
        ],
        note="Gutschrift zu Rechnung LW-2024-0815.",
    )


def french_case() -> Case:
    iban, bic = iban_for("FR", "30004", "00010943215", branch="00823")
    return Case(
        stem="cii-invoice",
        document_type="CrossIndustryInvoice",
        profile=FACTURX_EN16931,
        number="AVR-24-00317",
        type_code="380",
        issue=dt.date(2024, 9, 3),
        due=dt.date(2024, 10, 3),
        currency="EUR",
        buyer_reference="SERV-ACHATS-77",
        order_reference="PO-2024-5521",
        seller=Trader(
            "Atelier Verrier du Rhône SARL",
            fr_vat_id("41267309"),
            "14 quai des Verriers",
            "69002",
            "Lyon",
            "FR",
            "factures@atelier-verrier.example",
            "Camille Perrin",
            "+33 4 72 00 00 00",
        ),
        buyer=Trader(
            "Hôtel des Trois Ponts SAS",
            fr_vat_id("80214963"),
            "2 rue du Pont Neuf",
            "13002",
            "Marseille",
            "FR",
            "compta@troisponts.example",
        ),
        iban=iban,
        bic=bic,
        items=[
            Item(
                "Vitrail sur mesure 60 x 90 cm",
                Decimal("2"),
                "H87",
                Decimal("845.00"),
                "S",
                Decimal("20"),
            ),
            Item("Pose et scellement", Decimal("3.5"), "HUR", Decimal("62.00"), "S", Decimal("20")),
            Item(
                "Livret d'entretien du verre",
                Decimal("2"),
                "H87",
                Decimal("12.50"),
                "S",
                Decimal("5.5"),
            ),
        ],
        adjustments=[Adjustment(False, "Remise fidélité", Decimal("50.00"), "S", Decimal("20"))],
        prepaid=Decimal("500.00"),
        note="Acompte de 500,00 EUR déjà versé le 2024-08-01.",
    )


def expected(case: Case, data: bytes, filename: str, syntax: str) -> dict[str, object]:
    """What einvoice.xml reads from the written file, as a run would (intake.standard, then
    einvoice.xml), after checking it against the case: the syntax, document type and profile,
    and every value `compute` set (amounts, VAT breakdown, lines, parties' names ...)."""
    parsed = read_example(data, filename)
    found = (parsed.syntax, parsed.document_type, parsed.profile)
    if found != (syntax, case.document_type, case.profile):
        raise SystemExit(
            f"{filename}: einvoice.xml reads it as {found}, the case is "
            f"{(syntax, case.document_type, case.profile)}; fix the writer or the reader"
        )
    invoice = parsed.invoice.to_dict()
    invoice.pop("provenance")
    computed = case.invoice.to_dict()
    computed.pop("provenance")
    read_leaves = leaves(invoice)
    wrong = {
        path: (value, read_leaves.get(path))
        for path, value in leaves(computed).items()
        if read_leaves.get(path) != value
    }
    if wrong:
        listed = "; ".join(f"{p}: computed {c!r}, read {r!r}" for p, (c, r) in wrong.items())
        raise SystemExit(
            f"{filename}: einvoice.xml reads other values than the case computes ({listed}); "
            "fix the writer (tools/example_writers.py) or the reader before writing expectations"
        )
    return {
        "syntax": parsed.syntax,
        "document_type": parsed.document_type,
        "profile": parsed.profile,
        "invoice": invoice,
    }


def read_example(data: bytes, filename: str) -> EInvoice:
    """The e-invoice einvoice.xml makes of `data`, through intake.standard as in a run."""
    document = StandardIntake().identify(Source(filename, data))
    context = RunContext("examples", 1, "einvoice", "einvoice.xml", Path())
    (produced,) = XmlEInvoice().process(Artifacts([document]), context)
    assert isinstance(produced, EInvoice), produced
    return produced


def leaves(value: object, prefix: str = "") -> dict[str, object]:
    """Every value set under a canonical invoice's JSON form, by dotted path (None and empty
    lists left out: a computed invoice leaves those terms to the reader)."""
    if isinstance(value, dict):
        found: dict[str, object] = {}
        for key, item in value.items():
            found.update(leaves(item, f"{prefix}.{key}" if prefix else key))
        return found
    if isinstance(value, list):
        found = {}
        for index, item in enumerate(value):
            found.update(leaves(item, f"{prefix}[{index}]"))
        return found
    return {} if value is None else {prefix: value}


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else EXAMPLES
    target.mkdir(parents=True, exist_ok=True)
    german = german_case()
    credit = credit_note_case(german)
    french = french_case()
    for case in (german, credit):
        xml = write_ubl(case, case.invoice)
        (target / f"{case.stem}.xml").write_bytes(xml)
        write_json(
            target / f"{case.stem}.expected.json",
            expected(case, xml, f"{case.stem}.xml", "ubl"),
        )
    cii = write_cii(french, french.invoice)
    (target / "cii-invoice.xml").write_bytes(cii)
    write_json(
        target / "cii-invoice.expected.json", expected(french, cii, "cii-invoice.xml", "cii")
    )
    pdf = write_facturx_pdf(french, french.invoice, cii)
    (target / "facturx-invoice.pdf").write_bytes(pdf)
    write_json(
        target / "facturx-invoice.expected.json",
        expected(french, pdf, "facturx-invoice.pdf", "cii"),
    )
    for stem in (german.stem, credit.stem, "cii-invoice", "facturx-invoice"):
        for path in sorted(target.glob(f"{stem}.*")):
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
