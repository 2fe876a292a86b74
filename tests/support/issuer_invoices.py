"""Several invoices from one issuer: the same letterhead, labels and layout, other values.

`printed_invoices.printed_invoice(seed)` draws every part of an invoice from its seed, so two
seeds are two issuers. Here an `Issuer` fixes what a supplier's invoices keep from one to the
next — the seller (name, address, VAT id, IBAN, BIC, phone, e-mail, register), the buyer (the
company receiving them), the language, the layout, which label of several each field gets, how
dates and amounts are written, the currency and which optional rows are printed — and
`issuer_invoice(issuer, n)` draws invoice `n` of that issuer with values of its own: number (in
the issuer's numbering scheme), dates, line items, totals, discounts, charges, prepaid amounts.

`ISSUERS` holds one issuer per language and layout (6 x 4 = 24) and a few whose layout the
layout reader gets wrong, so that what is learned from a person's corrections shows:
labels no reader knows ("Vorgang", "Beleg-Nr.", "Erstellt"), and the number and date printed
without any label at a fixed place beside the title.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from support.printed_invoices import (
    LABELS,
    LANGUAGES,
    LAYOUTS,
    PrintedInvoice,
    _Drawing,
    _Invoice,
)

# what an issuer keeps from one invoice to the next
_ISSUER_PARTS = (
    "currency",
    "currency_style",
    "date_style",
    "seller",
    "buyer",
    "seller_street",
    "buyer_street",
    "seller_city",
    "buyer_city",
    "vat_id",
    "label",
    "due_printed",
    "order_printed",
    "delivery_printed",
    "buyer_vat_id",
    "buyer_first",
    "phone",
    "iban",
    "bic",
    "customer",
    "email",
    "register",
    "register_id",
    "terms",
)


@dataclass(frozen=True)
class Issuer:
    """One supplier: its language and layout, the seed its constant parts are drawn from, and
    optionally labels of its own (`labels`: field -> label printed) or `unlabelled` fields."""

    name: str
    language: str
    layout: str
    seed: int
    labels: dict[str, str] = field(default_factory=dict)
    unlabelled: bool = False  # the number and date printed without labels (window layout)


def _regular() -> list[Issuer]:
    return [
        Issuer(f"{language}-{layout}", language, layout, 7000 + 10 * i + j)
        for i, language in enumerate(LANGUAGES)
        for j, layout in enumerate(LAYOUTS)
    ]


# labels the layout reader does not know, as some suppliers print them
ODD: list[Issuer] = [
    Issuer("de-vorgang", "de", "window", 7301, {"number": "Vorgang", "date": "Erstellt"}),
    Issuer("de-beleg", "de", "blocks", 7302, {"number": "Beleg", "date": "Belegtag"}),
    Issuer("en-docref", "en", "row", 7303, {"number": "Doc ref", "date": "Posted"}),
    Issuer("fr-unlabelled", "fr", "window", 7304, unlabelled=True),
    Issuer("nl-unlabelled", "nl", "window", 7305, unlabelled=True),
]
ISSUERS: list[Issuer] = [*_regular(), *ODD]


def issuer_invoice(issuer: Issuer, n: int) -> PrintedInvoice:
    """Invoice `n` (from 0) of `issuer`: its constant parts, values of its own."""
    words = LABELS[issuer.language]
    base = _Invoice(random.Random(issuer.seed), words, issuer.language, issuer.layout, False)
    rng = random.Random(issuer.seed * 1000 + n + 1)
    invoice = _Invoice(rng, words, issuer.language, issuer.layout, False)
    for part in _ISSUER_PARTS:
        setattr(invoice, part, getattr(base, part))
    invoice.label = {**base.label, **issuer.labels}
    invoice.number = _numbered_like(base.number, rng)
    invoice.reference = f"{invoice.number}/{invoice.customer}"
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setTitle(f"{words.title} {invoice.number}")
    drawing = _Unlabelled if issuer.unlabelled else _Drawing
    pages = drawing(Canvas(io.BytesIO()), invoice, issuer.layout, pages=0).draw()
    drawing(canvas, invoice, issuer.layout, pages=pages).draw()
    canvas.save()
    seed = issuer.seed * 1000 + n
    return PrintedInvoice(
        buf.getvalue(), invoice.truth(), issuer.language, issuer.layout, seed, pages
    )


def _numbered_like(number: str, rng: random.Random) -> str:
    """A number in the same scheme: the same letters and separators, other digits (a year-like
    first group of four digits kept)."""
    head, sep, rest = number.partition("-")
    if sep and head.isdigit() and len(head) == 4:  # `2024-0123`
        return f"{head}-{_digits_like(rest, rng)}"
    if number.startswith("F") and "/" in number:  # `F2023/045`
        year, _, count = number[1:].partition("/")
        return f"F{year}/{_digits_like(count, rng)}"
    return _digits_like(number, rng)


def _digits_like(text: str, rng: random.Random) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch.isdigit():
            first = i == 0 or not text[i - 1].isdigit()
            out.append(str(rng.randint(1, 9)) if first else str(rng.randint(0, 9)))
        else:
            out.append(ch)
    return "".join(out)


class _Unlabelled(_Drawing):
    """The window layout with the number and the date printed without labels, one over the
    other at the grid's place (the other details keep their labels)."""

    def _grid(self, top: float, x: float) -> float:
        inv = self.inv
        self._text(x + 110, top, inv.number, "Helvetica-Bold", 9.5)
        self._text(x + 110, top - 13, self.issued, size=9.5)
        rows = self._details(delivery=True)
        for i, (label, value) in enumerate(rows, start=2):
            self._text(x, top - 13 * i, f"{label}:", "Helvetica-Bold", 9.5)
            self._text(x + 110, top - 13 * i, value, size=9.5)
        return top - 13 * (len(rows) + 1)
