"""extract.layout reads the VAT category a page never prints (BR-47, BR-CO-04) off what it does
print: a rate above 0 is standard rated (S); a rate of 0 is the category its printed reason names,
that line being the exemption reason; a 0 % with no reason, or allowances taken off the whole
invoice, give none. Every category points at the words it was read from."""

from __future__ import annotations

from turnout.domain.artifacts import Fields

from .pages import put, read, text_of, value


def _invoice(*more: tuple[float, float, str], rate: str = "19") -> Fields:
    rows = [
        (60, 40, "Rechnung Nr. 2024-117"),
        (60, 56, "Datum: 02.05.2024"),
        (60, 120, "Pos"),
        (100, 120, "Beschreibung"),
        (330, 120, "Menge"),
        (400, 120, "Einzelpreis"),
        (480, 120, "Betrag"),
        (60, 136, "1"),
        (100, 136, "Schrauben"),
        (330, 136, "10"),
        (400, 136, "5,00"),
        (480, 136, "50,00"),
        (60, 150, "2"),
        (100, 150, "Muttern"),
        (330, 150, "10"),
        (400, 150, "5,00"),
        (480, 150, "50,00"),
        (330, 190, "Nettobetrag"),
        (480, 190, "100,00"),
        (330, 204, f"MwSt. {rate} %"),
        (480, 204, "19,00" if rate != "0" else "0,00"),
        (330, 218, "Gesamtbetrag"),
        (480, 218, "119,00" if rate != "0" else "100,00"),
        *more,
    ]
    return read(text_of(*(put(x, y, line) for x, y, line in rows)))


def test_a_rate_above_zero_is_standard_rated_on_the_breakdown_and_every_line() -> None:
    fields = _invoice()
    assert value(fields, "vat_breakdown[0].rate") == "19"
    assert value(fields, "vat_breakdown[0].category") == "S"
    category = fields.values["vat_breakdown[0].category"]
    assert category.boxes == fields.values["vat_breakdown[0].rate"].boxes
    assert 0.5 <= category.confidence <= 0.7
    assert len(fields.lines) == 2
    for line in fields.lines:  # a page of one rate: every line bears it
        assert (line["vat_rate"], line["vat_category"]) == ("19", "S")


def test_a_zero_rate_takes_the_category_its_printed_reason_names() -> None:
    fields = _invoice((60, 300, "Steuerfreie innergemeinschaftliche Lieferung"), rate="0")
    assert value(fields, "vat_breakdown[0].category") == "K"
    reason = "Steuerfreie innergemeinschaftliche Lieferung"
    assert value(fields, "vat_breakdown[0].exemption_reason") == reason
    assert fields.values["vat_breakdown[0].category"].boxes
    assert {line["vat_category"] for line in fields.lines} == {"K"}
    reverse = _invoice((60, 300, "Reverse charge: VAT to be paid by the recipient"), rate="0")
    assert value(reverse, "vat_breakdown[0].category") == "AE"


def test_a_zero_rate_without_a_reason_and_a_page_with_allowances_get_no_category() -> None:
    bare = _invoice(rate="0")
    assert value(bare, "vat_breakdown[0].rate") == "0"
    assert value(bare, "vat_breakdown[0].category") is None
    assert all("vat_category" not in line for line in bare.lines)


def test_allowances_off_the_whole_invoice_leave_the_categories_unread() -> None:
    rows = [
        (60, 40, "Rechnung Nr. 2024-118"),
        (330, 190, "Summe Positionen"),
        (480, 190, "100,00"),
        (330, 204, "Rabatt"),
        (480, 204, "10,00"),
        (330, 218, "Nettobetrag"),
        (480, 218, "90,00"),
        (330, 232, "MwSt. 19 %"),
        (480, 232, "17,10"),
        (330, 246, "Gesamtbetrag"),
        (480, 246, "107,10"),
    ]
    fields = read(text_of(*(put(x, y, line) for x, y, line in rows)))
    assert value(fields, "totals.allowances") == "10,00"
    assert value(fields, "vat_breakdown[0].rate") == "19"
    assert value(fields, "vat_breakdown[0].category") is None  # which rate the discount bears
