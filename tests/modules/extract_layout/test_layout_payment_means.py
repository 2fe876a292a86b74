"""extract.layout reads the payment means a page names without a label (BT-82): the scheme on the
line of the amount due, else the only one named; never one of several, never over a label."""

from __future__ import annotations

from turnout.domain.artifacts import Fields

from .pages import put, read, text_of, value

MEANS = "payment.means_text"


def _page(*rows: tuple[float, float, str]) -> Fields:
    return read(text_of(*(put(x, y, line) for x, y, line in rows)))


def test_the_means_on_the_line_of_the_amount_due_is_the_payment_means() -> None:
    fields = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 60, "Invoice Date: 02/04/2024"),
        (60, 200, "Net amount € 100,00"),
        (60, 214, "VAT 19% € 19,00"),
        (60, 228, "Total € 119,00"),
        (60, 300, "PayPal on 02/04/2024 € 119,00"),
        (60, 314, "Bank transfer on 05/04/2024 € 5,00"),
    )
    assert value(fields, MEANS) == "PayPal"
    assert fields.values[MEANS].boxes
    assert fields.values[MEANS].confidence < 0.7


def test_the_only_means_a_sentence_names_is_read_as_printed() -> None:
    fields = _page(
        (60, 40, "Factuur 2024-0815"),
        (60, 60, "Factuurdatum: 02-04-2024"),
        (60, 200, "Totaal EUR 119,00"),
        (60, 240, "U heeft deze factuur vooruitbetaald met credit card."),
    )
    assert value(fields, MEANS) == "credit card"


def test_a_page_naming_several_means_states_none() -> None:
    fields = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Total 119.00 EUR"),
        (60, 780, "We accept Visa, Mastercard and PayPal"),
    )
    assert value(fields, MEANS) is None


def test_a_labelled_means_wins_and_a_common_word_is_no_scheme() -> None:
    labelled = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Total 119.00 EUR"),
        (60, 240, "Payment method: Cash"),
        (60, 780, "Pay online with PayPal next time"),
    )
    assert value(labelled, MEANS) == "Cash"
    word = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Total 119.00 EUR"),
        (60, 240, "The ideal gift for every season"),
    )
    assert value(word, MEANS) is None


CODE = "payment.means_code"


def test_the_means_code_is_read_off_the_means_the_page_names() -> None:
    for printed, code in (
        ("Payment method: Credit card", "54"),
        ("Zahlungsart: SEPA-Lastschrift", "59"),
        ("Mode de paiement : Virement bancaire", "30"),
        ("Betaalwijze: iDEAL", "68"),
        ("Forma de pago: Domiciliación bancaria", "49"),
    ):
        fields = _page(
            (60, 40, "Invoice No. 2024-0815"),
            (60, 200, "Total 119.00 EUR"),
            (60, 240, printed),
        )
        assert value(fields, CODE) == code, printed
        # it points at the means it was read from, and is no surer than that
        assert fields.values[CODE].boxes == fields.values[MEANS].boxes
        assert fields.values[CODE].confidence == fields.values[MEANS].confidence


def test_an_account_to_pay_into_is_a_credit_transfer_read_unsure() -> None:
    fields = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Total 119.00 EUR"),
        (60, 240, "IBAN: DE02 1203 0000 0000 2020 51"),
    )
    assert value(fields, CODE) == "30"
    assert fields.values[CODE].boxes == fields.values["payment.iban"].boxes
    assert fields.values[CODE].confidence <= 0.6


def test_a_mandate_is_a_direct_debit_and_an_unknown_means_gives_no_code() -> None:
    debit = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Total 119.00 EUR"),
        (60, 240, "Mandate reference: MD-2024-0042"),
        (60, 254, "IBAN: DE02 1203 0000 0000 2020 51"),
    )
    assert value(debit, CODE) == "49"
    voucher = _page(
        (60, 40, "Invoice No. 2024-0815"),
        (60, 200, "Total 119.00 EUR"),
        (60, 240, "Payment method: Gift voucher"),
        (60, 254, "IBAN: DE02 1203 0000 0000 2020 51"),
    )
    assert value(voucher, MEANS) == "Gift voucher"
    assert value(voucher, CODE) is None  # not guessed from the account
    nothing = _page((60, 40, "Invoice No. 2024-0815"), (60, 200, "Total 119.00 EUR"))
    assert value(nothing, CODE) is None
