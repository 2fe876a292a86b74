"""locate, by field: every canonical path a template can fill is looked for as it is printed.

The pages are laid out as in test_extract_locate (12-point lines on an A4 page, words split on
single spaces, three spaces a column gap).
"""

from __future__ import annotations

from modules.test_extract_locate import page
from turnout.domain.page import Word
from turnout.modules.extract.locate import field_boxes, kind_of
from turnout.modules.extract.template_fields import ALSO, CANONICAL


def printed(words: tuple[Word, ...]) -> str:
    return " ".join(w.text for w in words)


def test_every_path_a_template_fills_has_a_kind_but_the_codes() -> None:
    paths = set(CANONICAL.values()) | set(ALSO.values())
    not_looked_for = {path for path in paths if kind_of(path, "x") is None}
    # printed as words of their own (`Nederland`, `Bank transfer`) or not at all
    assert not_looked_for == {"seller.country", "payment.means_code"}


def test_kinds_of_the_parties_payment_and_period_paths() -> None:
    assert kind_of("seller.address.line1", "Weena 664") == "text"
    assert kind_of("seller.address.city", "Rotterdam") == "text"
    assert kind_of("seller.address.post_code", "3012 CN") == "id"
    assert kind_of("seller.contact.email", "a@b.nl") == "exact"
    assert kind_of("seller.contact.phone", "020 7604101") == "exact"
    assert kind_of("seller.legal_registration.id", "24330087") == "id"
    assert kind_of("buyer.identifiers[0].id", "10577874") == "id"
    assert kind_of("buyer.address.line2", "Building AA") == "text"  # any party alike
    assert kind_of("invoicing_period.start", "2024-04-01") == "date"
    assert kind_of("payment.means_text", "iDEAL") == "text"
    assert kind_of("payment.remittance", "202309097001") == "id"
    assert kind_of("payment.direct_debit.mandate", "MD-7") == "id"
    # codes and schemes are not printed as such
    assert kind_of("buyer.country", "NL") is None
    assert kind_of("seller.legal_registration.scheme", "0106") is None
    assert kind_of("buyer.identifiers[0].scheme", "0088") is None
    assert kind_of("extra.partner_street", "Weena 664") is None


def test_an_email_or_phone_is_found_only_as_printed_character_for_character() -> None:
    locator = page(
        "Coolblue B.V.   Tel.:+31 10 798 8999",
        "E-mail:   info@coolblue.example.",
        "Fax   010 798 8998",
    )
    assert printed(locator.locate("info@coolblue.example", "exact")) == "info@coolblue.example."
    assert printed(locator.locate("+31 10 798 8999", "exact")) == "Tel.:+31 10 798 8999"
    assert printed(locator.locate("+3110 7988999", "exact")) == "Tel.:+31 10 798 8999"
    # letters and digits alike, but not the characters printed: no box
    assert locator.locate("info.coolblue@example", "exact") == ()
    assert locator.locate("31 10 798 8999", "exact") == ()
    assert locator.locate("010-798-8998", "exact") == ()
    # as an id, the letters and digits are what counts
    assert printed(locator.locate("010-798-8998", "id")) == "010 798 8998"


def test_address_lines_stay_on_their_line_and_the_city_is_the_whole_word() -> None:
    locator = page(
        (300.0, "Weena 664"),
        (300.0, "3012 CN Rotterdam"),
        "Rotterdammer Str. 5",
    )
    (box,) = field_boxes(locator, "seller.address.city", "Rotterdam")
    assert box.top * 842.0 == 60.0 + 16.0
    assert box.left * 595.0 == 300.0 + 6.0 * len("3012 CN ")
    (box,) = field_boxes(locator, "seller.address.post_code", "3012CN")
    assert box.left * 595.0 == 300.0
    # an address over two lines is not one line of it
    assert field_boxes(locator, "seller.address.line1", "Weena 664 3012 CN") == ()


def test_the_invoicing_period_is_found_as_its_two_dates() -> None:
    locator = page("Leistungszeitraum   01.04.2024 - 30.04.2024", "Total   10.00")
    (start,) = field_boxes(locator, "invoicing_period.start", "2024-04-01")
    (end,) = field_boxes(locator, "invoicing_period.end", "2024-04-30")
    assert start.right <= end.left
    assert field_boxes(locator, "invoicing_period.end", "2024-05-31") == ()


def test_a_short_subdivision_printed_twice_is_not_guessed() -> None:
    once = page("Fremont CA 94538", "Total   10.00")
    assert printed(once.locate("CA", "text")) == "CA"
    (box,) = field_boxes(once, "seller.address.subdivision", "CA")
    assert box.left * 595.0 == 40.0 + 6.0 * len("Fremont ")
    twice = page("Fremont CA 94538", "Ship to   Sacramento CA 95814")
    assert field_boxes(twice, "seller.address.subdivision", "CA") == ()
