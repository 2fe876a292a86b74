"""extract.layout keeps what a page prints that EN 16931 has no term for: the seller's website
(its site, from the letterhead, a footer or the seller's block) and the symbol the currency is
printed with, under the names the template reader gives them."""

from __future__ import annotations

from turnout.domain.artifacts import Fields

from .pages import put, read, text_of, value

WEBSITE = "extra.partner_website"
SYMBOL = "extra.currency_symbol"


def _page(*rows: tuple[float, float, str]) -> Fields:
    return read(text_of(*(put(x, y, line) for x, y, line in rows)))


def test_the_website_in_the_letterhead_is_read_as_its_site_without_the_page_path() -> None:
    fields = _page(
        (60, 40, "Nordlicht Werkstatt GmbH"),
        (60, 54, "Questions? Visit nordlicht-werkstatt.de/kontakt/ or write to us"),
        (60, 200, "Rechnung Nr. 2024-0815 vom 14.03.2024"),
        (60, 300, "Gesamtbetrag 119,00 EUR"),
    )
    assert value(fields, WEBSITE) == "nordlicht-werkstatt.de"
    assert fields.values[WEBSITE].boxes


def test_a_web_address_in_a_footer_keeps_its_scheme_as_printed() -> None:
    fields = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 60, "Invoice Date: 03/14/2024"),
        (60, 300, "Total $ 119.00"),
        (60, 790, "+1 555 0100   billing@harbourlight.example   https://www.harbourlight.com"),
    )
    assert value(fields, WEBSITE) == "https://www.harbourlight.com"


def test_a_software_credit_an_e_mail_domain_and_a_web_address_in_the_body_are_no_website() -> None:
    fields = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 54, "Write to billing@harbourlight.com"),
        (60, 300, "Hosting plan, see www.hosting-plans.net for details   119.00"),
        (60, 400, "Total 119.00 EUR"),
        (60, 790, "Powered by InvoiceMaker (www.invoicemaker.org)"),
    )
    assert value(fields, WEBSITE) is None


def test_the_symbol_the_amounts_are_printed_with_is_kept_beside_the_currency() -> None:
    dollars = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Subtotal $ 100.00"),
        (60, 214, "Tax 19% $ 19.00"),
        (60, 228, "Total $ 119.00"),
    )
    assert value(dollars, "currency") == "USD"
    assert value(dollars, SYMBOL) == "$"
    euros = _page(
        (60, 40, "Facture n° 2024-0815 du 14/03/2024"),
        (60, 200, "Total HT : 100,00 €"),
        (60, 214, "TVA 20% : 20,00 €"),
        (60, 228, "Total TTC : 120,00 €"),
    )
    assert value(euros, SYMBOL) == "€"


def test_a_currency_printed_as_a_code_has_no_symbol() -> None:
    fields = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Subtotal 100.00 EUR"),
        (60, 214, "VAT 19% 19.00 EUR"),
        (60, 228, "Total 119.00 EUR"),
    )
    assert value(fields, "currency") == "EUR"
    assert value(fields, SYMBOL) is None
