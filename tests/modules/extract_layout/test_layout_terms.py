"""extract.layout reads the terms beside the main fields off generated invoices in six languages and
four layouts: the parties' postal addresses, the seller's e-mail, phone and register number, the
buyer's customer number, the invoicing period, the payment reference and a direct debit's mandate — exactly as printed, each
with the boxes of its words; and what a page does not print stays empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.printed_invoices import LANGUAGES, LAYOUTS, PrintedInvoice, printed_invoice
from turnout.domain.artifacts import Fields, Source
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.extract.layout.module import LayoutExtract
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.from_fields import invoice_from_fields
from turnout.modules.text.pdfium import PdfiumText

from .pages import put, read, text_of, value

TERMS = (
    "seller.address.line1",
    "seller.address.post_code",
    "seller.address.city",
    "seller.contact.phone",
    "seller.contact.email",
    "seller.legal_registration.id",
    "buyer.address.line1",
    "buyer.address.post_code",
    "buyer.address.city",
    "invoicing_period.start",
    "invoicing_period.end",
    "payment.remittance",
    "payment.direct_debit.mandate",
    "buyer.identifiers",
)
CASES = [
    (language, layout, 300 + 10 * i + j)
    for i, language in enumerate(LANGUAGES)
    for j, layout in enumerate(LAYOUTS)
]


def _fields(pdf: bytes) -> Fields:
    artifacts = Artifacts([Source("invoice.pdf", pdf)])
    for module in (StandardIntake(), PdfiumText(), LayoutExtract()):
        spec = module.spec
        context = RunContext("run-1", 1, spec.stage_id, spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts.require(Fields)


def _at(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _misses(printed: PrintedInvoice, invoice: Invoice) -> list[str]:
    got = invoice.to_dict()
    return [
        f"{path}: {_at(got, path)!r} != {_at(printed.truth, path)!r}"
        for path in TERMS
        if _at(got, path) != _at(printed.truth, path)
    ]


@pytest.mark.parametrize(("language", "layout", "seed"), CASES, ids=lambda v: str(v))
def test_the_terms_beside_the_main_fields_are_read_as_printed(
    language: str, layout: str, seed: int
) -> None:
    printed = printed_invoice(seed, language, layout)
    fields = _fields(printed.pdf)
    invoice, notes = invoice_from_fields(fields, "DMY")
    assert _misses(printed, invoice) == []
    assert not [n for n in notes if "UNREADABLE" in n.rule]
    for path in ("seller.contact.email", "seller.legal_registration.id", "payment.remittance"):
        assert fields.values[path].boxes, f"{path} has no boxes"


def test_a_direct_debit_group_is_made_only_when_a_mandate_is_printed() -> None:
    printed = next(
        p
        for p in (printed_invoice(s, "de", "window") for s in range(40, 60))
        if "direct_debit" not in p.truth["payment"]
    )
    invoice, _ = invoice_from_fields(_fields(printed.pdf), "DMY")
    assert invoice.payment.direct_debit is None
    assert invoice.payee is None and invoice.delivery is None


def _page(*rows: tuple[float, float, str]) -> Fields:
    return read(text_of(*(put(x, y, line) for x, y, line in rows)))


def test_a_us_address_block_gives_street_city_state_zip_and_country() -> None:
    fields = _page(
        (60, 40, "Invoice INV/2023/0008"),
        (60, 70, "Invoice Date: 03/20/2023"),
        (60, 100, "Azure Interior LLC"),
        (60, 114, "4557 De Silva St"),
        (60, 128, "Fremont CA 94538"),
        (60, 142, "United States"),
        (60, 156, "(870)-931-0505   azure.interior@example.com"),
        (60, 300, "Total $ 279.84"),
    )
    assert value(fields, "seller.name") == "Azure Interior LLC"
    assert value(fields, "seller.address.line1") == "4557 De Silva St"
    assert value(fields, "seller.address.city") == "Fremont"
    assert value(fields, "seller.address.subdivision") == "CA"
    assert value(fields, "seller.address.post_code") == "94538"
    assert value(fields, "seller.country") == "US"
    assert value(fields, "seller.contact.phone") == "(870)-931-0505"
    assert value(fields, "seller.contact.email") == "azure.interior@example.com"


def test_register_numbers_are_read_after_before_and_under_their_labels() -> None:
    fields = _page(
        (60, 40, "Facture n° 562044387 du 02/07/2015"),
        (60, 300, "Total TTC 29,99 €"),
        (60, 780, "Free SAS au capital de 3.441.812 Euros - B 421 938 861 RCS Paris"),
    )
    assert value(fields, "seller.legal_registration.id") == "421 938 861"
    under = _page(
        (60, 40, "Invoice No. IBZY2087"),
        (60, 300, "Grand Total Rs 1939"),
        (60, 700, "GSTIN"),
        (60, 714, "06AABCO6063D1ZQ"),
        (60, 740, "CIN"),
        (60, 754, "U63090DL2012PTC231770"),
    )
    assert value(under, "seller.tax_registration_id") == "06AABCO6063D1ZQ"
    assert value(under, "seller.legal_registration.id") == "U63090DL2012PTC231770"
    dutch = _page(
        (60, 40, "Factuurnummer: 993548900"),
        (60, 300, "Totaal € 717,97"),
        (60, 700, "KvK Rotterdam 24330087"),
    )
    assert value(dutch, "seller.legal_registration.id") == "24330087"


def test_a_siren_whose_check_digit_fails_is_kept_unsure_under_its_label_only() -> None:
    labelled = _page(
        (60, 40, "Facture n° 562044387 du 02/07/2015"),
        (60, 300, "Total TTC 29,99 €"),
        (60, 780, "SIREN 421 938 862"),
    )
    assert value(labelled, "seller.legal_registration.id") == "421 938 862"
    assert labelled.values["seller.legal_registration.id"].confidence < 0.5
    before = _page(
        (60, 40, "Facture n° 562044387 du 02/07/2015"),
        (60, 300, "Total TTC 29,99 €"),
        (60, 780, "Free SAS - B 421 938 862 RCS Paris"),
    )
    assert value(before, "seller.legal_registration.id") is None


def test_a_siret_gives_its_siren_as_the_legal_registration() -> None:
    compact = _page(
        (60, 40, "Facture n° 2024-117 du 14/03/2024"),
        (60, 300, "Total TTC 120,00 €"),
        (60, 780, "Atelier Dupré SARL - Siret 73282932000017 - Tél 04 78 00 00 00"),
    )
    assert value(compact, "seller.legal_registration.id") == "732829320"
    spaced = _page(
        (60, 40, "Facture n° 2024-117 du 14/03/2024"),
        (60, 300, "Total TTC 120,00 €"),
        (60, 780, "SIRET : 732 829 320 00017"),
    )
    assert value(spaced, "seller.legal_registration.id") == "732 829 320"


def test_a_range_written_once_is_the_invoicing_period_a_day_alone_taking_the_end_month() -> None:
    fields = _page(
        (60, 40, "Facture n° 562044387 du 02 Juillet 2015"),
        (60, 200, "Free Haut Débit du 1er au 31 Juillet 2015   29.99"),
        (60, 300, "Total TTC 29,99 €"),
    )
    assert value(fields, "invoicing_period.start") == "2015-07-01"
    assert value(fields, "invoicing_period.end") == "31 Juillet 2015"
    assert fields.values["invoicing_period.start"].confidence < 0.5


def test_two_different_unlabelled_ranges_give_no_period() -> None:
    fields = _page(
        (60, 40, "Invoice No. 4711"),
        (60, 200, "Hosting from 01/03/2024 to 31/03/2024   10.00"),
        (60, 214, "Support from 01/02/2024 to 29/02/2024   5.00"),
        (60, 300, "Total 15.00 EUR"),
    )
    assert value(fields, "invoicing_period.start") is None
    assert value(fields, "invoicing_period.end") is None


def test_the_payment_reference_after_a_label_that_runs_on_in_words() -> None:
    fields = _page(
        (60, 40, "Invoice No. 4711"),
        (60, 200, "Please use the following communication for your payment : 202309097001"),
        (60, 220, "Payment Mode"),
        (60, 234, "Cash at Hotel"),
        (60, 300, "Total 15.00 EUR"),
    )
    assert value(fields, "payment.remittance") == "202309097001"
    assert value(fields, "payment.means_text") == "Cash at Hotel"


@pytest.mark.parametrize(
    ("printed", "reference"),
    [
        ("Your reference: PO-2024-117", "PO-2024-117"),
        ("Leitweg-ID: 04011000-12345-34", "04011000-12345-34"),
        ("Votre référence : CMD 8841", None),  # two words: not one reference
        ("Uw kenmerk: 2024/0042", "2024/0042"),
        ("Payment reference: 2024-0815", None),  # the remittance's label, not the buyer's
    ],
)
def test_the_buyers_reference_is_read_after_its_label(printed: str, reference: str | None) -> None:
    fields = read(
        text_of(
            put(60, 40, "Invoice No. 2024-0815"),
            put(60, 60, printed),
            put(60, 200, "Total 119.00 EUR"),
        )
    )
    assert value(fields, "buyer_reference") == reference
    if reference is not None:
        assert fields.values["buyer_reference"].boxes


def test_the_incoterm_is_its_code_and_a_word_after_the_label_is_none() -> None:
    fields = read(
        text_of(
            put(60, 40, "Invoice No. 2024-0815"),
            put(60, 60, "Incoterm: DPU - DELIVERED AT PLACE UNLOADED"),
            put(60, 200, "Total 119.00 EUR"),
        )
    )
    assert value(fields, "extra.incoterm") == "DPU"
    assert fields.values["extra.incoterm"].boxes
    german = read(
        text_of(put(60, 40, "Rechnung Nr. 4711"), put(60, 60, "Lieferbedingungen: frei Haus"))
    )
    assert value(german, "extra.incoterm") is None


@pytest.mark.parametrize(
    ("printed", "terms"),
    [
        ("Payment terms: Net 30 days", "Net 30 days"),
        (
            "Zahlungsbedingungen: 14 Tage 2 % Skonto, 30 Tage netto",
            "14 Tage 2 % Skonto, 30 Tage netto",
        ),
        ("Conditions de paiement : 30% d'acompte, solde à 30 j", "30% d'acompte, solde à 30 j"),
        # said in a phrase of its own, with no label: read whole, less sure
        ("Zahlbar innerhalb 30 Tagen netto", "Zahlbar innerhalb 30 Tagen netto"),
        ("Bei Zahlung innerhalb 14 Tagen gewähren wir 2,0% Skonto.", None),
    ],
)
def test_the_payment_terms_are_read_after_their_label_or_in_a_phrase_of_their_own(
    printed: str, terms: str | None
) -> None:
    fields = read(text_of(put(60, 40, "Rechnung Nr. 2024-0815"), put(60, 400, printed)))
    expected = printed.strip() if terms is None else terms
    assert value(fields, "payment_terms") == expected
    assert fields.values["payment_terms"].boxes
    labelled = ":" in printed
    assert (fields.values["payment_terms"].confidence > 0.6) is labelled


def test_a_column_header_under_the_terms_heading_is_no_terms() -> None:
    fields = read(
        text_of(
            put(60, 40, "Rechnung Nr. 2024-0815"),
            put(60, 400, "Zahlungsbedingungen"),
            put(60, 414, "Beschreibung"),
            put(200, 414, "Fälligkeit"),
        )
    )
    assert value(fields, "payment_terms") is None
