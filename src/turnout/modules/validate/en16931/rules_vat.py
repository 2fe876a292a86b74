"""EN 16931 VAT category rules: BR-S, BR-Z, BR-E, BR-AE, BR-IC (K), BR-G, BR-O, BR-AF (L), BR-AG (M).

Every category has the same ten rules, differing in a few parameters, so each family is written
once as a `Category` row and registered rule by rule by `register_family`: -01 the VAT breakdown
holds the category, -02/-03/-04 the parties carry the identifiers it needs (for a line, an
allowance, a charge), -05/-06/-07 the rate on a line, allowance, charge, -08 the taxable amount,
-09 the tax amount, -10 the exemption reason. The few extra rules (BR-IC-11/12, BR-O-11..14,
BR-B-01/02 for Italian split payment) are written out below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from turnout.modules.validate.en16931.arithmetic import round2, same_rate, total
from turnout.modules.validate.en16931.registry import FATAL, Check, rule
from turnout.modules.validate.en16931.view import Node, amount, has, text

_ZERO = Decimal(0)
_ONE = Decimal(1)
_ITEMS = (
    ("lines", "an Invoice line"),
    ("allowances", "a Document level allowance"),
    ("charges", "a Document level charge"),
)

RateTest = Callable[[Decimal | None], bool]


def positive(rate: Decimal | None) -> bool:
    return rate is not None and rate > 0


def zero(rate: Decimal | None) -> bool:
    return rate is not None and rate == 0


def not_negative(rate: Decimal | None) -> bool:
    return rate is not None and rate >= 0


def absent(rate: Decimal | None) -> bool:
    return rate is None


def seller_vat_or_registration(inv: Node) -> bool:
    """Seller VAT id (BT-31), tax registration id (BT-32) or tax representative VAT id (BT-63)."""
    terms = ("seller_vat_id", "seller_tax_registration", "tax_representative_vat_id")
    return any(has(inv, t) for t in terms)


def seller_vat(inv: Node) -> bool:
    """Seller VAT id (BT-31) or tax representative VAT id (BT-63)."""
    return has(inv, "seller_vat_id") or has(inv, "tax_representative_vat_id")


def reverse_charge_parties(inv: Node) -> bool:
    """The seller's identifiers and the buyer's VAT id (BT-48) or legal registration id (BT-47)."""
    buyer = has(inv, "buyer_vat_id") or has(inv, "buyer_legal_id")
    return seller_vat_or_registration(inv) and buyer


def intra_community_parties(inv: Node) -> bool:
    """The seller's VAT id (or its tax representative's) and the buyer's VAT id (BT-48)."""
    return seller_vat(inv) and has(inv, "buyer_vat_id")


def no_vat_ids(inv: Node) -> bool:
    """None of the Seller, Seller tax representative or Buyer VAT identifiers."""
    terms = ("seller_vat_id", "tax_representative_vat_id", "buyer_vat_id")
    return not any(has(inv, t) for t in terms)


@dataclass(frozen=True)
class Category:
    """The parameters of one VAT category's rule family."""

    prefix: str  # "BR-S"
    code: str  # UNCL 5305 code: "S"
    name: str  # "Standard rated"
    exactly_one: bool  # -01: exactly one breakdown (else at least one)
    parties: Callable[[Node], bool]  # -02..-04
    parties_text: str
    rate: RateTest  # -05..-07
    rate_text: str
    per_rate: bool  # -08: taxable amount summed per rate, within 1 (else exact over the category)
    computed_tax: bool  # -09: tax = taxable x rate (else tax = 0)
    exemption: bool  # -10: exemption reason required (else forbidden)


def _items(inv: Node, group: str, code: str) -> list[Node]:
    return [item for item in inv.groups(group) if text(item, "vat_category") == code]


def _breakdowns(inv: Node, code: str) -> list[Node]:
    return [b for b in inv.groups("vat_breakdown") if text(b, "category") == code]


def _breakdown_check(c: Category) -> Check:
    def check(inv: Node) -> Iterator[str]:
        used = any(_items(inv, group, c.code) for group, _ in _ITEMS)
        count = len(_breakdowns(inv, c.code))
        wanted = count == 1 if c.exactly_one else count >= 1
        if (used and not wanted) or (not used and count):
            yield inv.path

    return check


def _parties_check(c: Category, group: str) -> Check:
    def check(inv: Node) -> Iterator[str]:
        items = _items(inv, group, c.code)
        if items and not c.parties(inv):
            yield items[0].path

    return check


def _rate_check(c: Category, group: str) -> Check:
    def check(inv: Node) -> Iterator[str]:
        for item in _items(inv, group, c.code):
            if not c.rate(amount(item, "vat_rate")):
                yield item.path

    return check


def _taxable_check(c: Category) -> Check:
    def matching(inv: Node, group: str, rate: Decimal | None) -> list[Node]:
        items = _items(inv, group, c.code)
        if not c.per_rate:
            return items
        return [i for i in items if same_rate(amount(i, "vat_rate"), rate)]

    def check(inv: Node) -> Iterator[str]:
        for breakdown in _breakdowns(inv, c.code):
            taxable = amount(breakdown, "taxable_amount")
            if taxable is None:
                continue
            rate = amount(breakdown, "rate")
            expected = (
                total(matching(inv, "lines", rate), "net_amount")
                + total(matching(inv, "charges", rate), "amount")
                - total(matching(inv, "allowances", rate), "amount")
            )
            if c.per_rate:
                if not (taxable - _ONE < round2(expected) < taxable + _ONE):
                    yield breakdown.path
            elif taxable != expected:
                yield breakdown.path

    return check


def _tax_check(c: Category) -> Check:
    def check(inv: Node) -> Iterator[str]:
        for breakdown in _breakdowns(inv, c.code):
            tax = amount(breakdown, "tax_amount")
            if tax is None:
                continue
            if c.computed_tax:
                rate = amount(breakdown, "rate")
                taxable = amount(breakdown, "taxable_amount") or _ZERO
                if rate is not None and abs(abs(tax) - round2(abs(taxable) * rate / 100)) > _ONE:
                    yield breakdown.path
            elif tax != 0:
                yield breakdown.path

    return check


def _exemption_check(c: Category) -> Check:
    def check(inv: Node) -> Iterator[str]:
        for breakdown in _breakdowns(inv, c.code):
            given = has(breakdown, "exemption_reason") or has(breakdown, "exemption_code")
            if given != c.exemption:
                yield breakdown.path

    return check


def register_family(c: Category) -> None:
    """Register rules -01 to -10 of one VAT category."""
    p, name = c.prefix, c.name
    how_many = "exactly one" if c.exactly_one else "at least one"
    rule(
        f"{p}-01",
        FATAL,
        f'An Invoice with an Invoice line, Document level allowance or charge of VAT category "{name}" shall contain in the VAT breakdown (BG-23) {how_many} VAT category code (BT-118) "{name}".',
    )(_breakdown_check(c))
    for number, (group, what) in enumerate(_ITEMS, start=2):
        rule(
            f"{p}-0{number}",
            FATAL,
            f'An Invoice that contains {what} of VAT category "{name}" shall contain {c.parties_text}.',
        )(_parties_check(c, group))
    for number, (group, what) in enumerate(_ITEMS, start=5):
        rule(
            f"{p}-0{number}",
            FATAL,
            f'In {what} of VAT category "{name}" the VAT rate {c.rate_text}.',
        )(_rate_check(c, group))
    rule(
        f"{p}-08",
        FATAL,
        f'In a VAT breakdown (BG-23) of VAT category "{name}" the taxable amount (BT-116) shall equal the sum of Invoice line net amounts minus document level allowances plus document level charges of that category.',
    )(_taxable_check(c))
    tax_text = (
        "the taxable amount (BT-116) multiplied by the rate (BT-119)"
        if c.computed_tax
        else "0 (zero)"
    )
    rule(
        f"{p}-09",
        FATAL,
        f'The VAT category tax amount (BT-117) in a VAT breakdown of VAT category "{name}" shall equal {tax_text}.',
    )(_tax_check(c))
    exemption_text = "shall have" if c.exemption else "shall not have"
    rule(
        f"{p}-10",
        FATAL,
        f'A VAT breakdown (BG-23) of VAT category "{name}" {exemption_text} a VAT exemption reason code (BT-121) or text (BT-120).',
    )(_exemption_check(c))


_SELLER_IDS = "the Seller VAT identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63)"
_SELLER_VAT = (
    "the Seller VAT identifier (BT-31) or the Seller tax representative VAT identifier (BT-63)"
)

CATEGORIES = (
    Category(
        "BR-S",
        "S",
        "Standard rated",
        False,
        seller_vat_or_registration,
        _SELLER_IDS,
        positive,
        "shall be greater than zero",
        True,
        True,
        False,
    ),
    Category(
        "BR-Z",
        "Z",
        "Zero rated",
        True,
        seller_vat_or_registration,
        _SELLER_IDS,
        zero,
        "shall be 0 (zero)",
        False,
        False,
        False,
    ),
    Category(
        "BR-E",
        "E",
        "Exempt from VAT",
        True,
        seller_vat_or_registration,
        _SELLER_IDS,
        zero,
        "shall be 0 (zero)",
        False,
        False,
        True,
    ),
    Category(
        "BR-AE",
        "AE",
        "Reverse charge",
        True,
        reverse_charge_parties,
        _SELLER_IDS
        + " and the Buyer VAT identifier (BT-48) and/or legal registration identifier (BT-47)",
        zero,
        "shall be 0 (zero)",
        False,
        False,
        True,
    ),
    Category(
        "BR-IC",
        "K",
        "Intra-community supply",
        True,
        intra_community_parties,
        _SELLER_VAT + " and the Buyer VAT identifier (BT-48)",
        zero,
        "shall be 0 (zero)",
        False,
        False,
        True,
    ),
    Category(
        "BR-G",
        "G",
        "Export outside the EU",
        True,
        seller_vat,
        _SELLER_VAT,
        zero,
        "shall be 0 (zero)",
        False,
        False,
        True,
    ),
    Category(
        "BR-O",
        "O",
        "Not subject to VAT",
        True,
        no_vat_ids,
        "neither the Seller, the Seller tax representative nor the Buyer VAT identifier",
        absent,
        "shall not be given",
        False,
        False,
        True,
    ),
    Category(
        "BR-AF",
        "L",
        "IGIC",
        False,
        seller_vat_or_registration,
        _SELLER_IDS,
        not_negative,
        "shall be 0 (zero) or greater than zero",
        True,
        True,
        False,
    ),
    Category(
        "BR-AG",
        "M",
        "IPSI",
        False,
        seller_vat_or_registration,
        _SELLER_IDS,
        not_negative,
        "shall be 0 (zero) or greater than zero",
        True,
        True,
        False,
    ),
)

for _category in CATEGORIES:
    register_family(_category)


@rule(
    "BR-IC-11",
    FATAL,
    'In an Invoice with a VAT breakdown (BG-23) of VAT category "Intra-community supply" the Actual delivery date (BT-72) or the Invoicing period (BG-14) shall not be blank.',
)
def br_ic_11(inv: Node) -> Iterator[str]:
    if _breakdowns(inv, "K") and not (
        has(inv, "actual_delivery_date") or has(inv, "invoice_period_parts")
    ):
        yield inv.path


@rule(
    "BR-IC-12",
    FATAL,
    'In an Invoice with a VAT breakdown (BG-23) of VAT category "Intra-community supply" the Deliver to country code (BT-80) shall not be blank.',
)
def br_ic_12(inv: Node) -> Iterator[str]:
    if _breakdowns(inv, "K") and not has(inv, "deliver_to_country"):
        yield inv.path


@rule(
    "BR-O-11",
    FATAL,
    'An Invoice with a VAT breakdown of VAT category "Not subject to VAT" shall not contain other VAT breakdown groups (BG-23).',
)
def br_o_11(inv: Node) -> Iterator[str]:
    if _breakdowns(inv, "O"):
        for breakdown in inv.groups("vat_breakdown"):
            if text(breakdown, "category") != "O":
                yield breakdown.path


def _only_o(inv: Node, group: str) -> Iterator[str]:
    if _breakdowns(inv, "O"):
        for item in inv.groups(group):
            if text(item, "vat_category") != "O":
                yield item.path


@rule(
    "BR-O-12",
    FATAL,
    'An Invoice with a VAT breakdown of VAT category "Not subject to VAT" shall not contain an Invoice line of another VAT category.',
)
def br_o_12(inv: Node) -> Iterator[str]:
    yield from _only_o(inv, "lines")


@rule(
    "BR-O-13",
    FATAL,
    'An Invoice with a VAT breakdown of VAT category "Not subject to VAT" shall not contain a Document level allowance of another VAT category.',
)
def br_o_13(inv: Node) -> Iterator[str]:
    yield from _only_o(inv, "allowances")


@rule(
    "BR-O-14",
    FATAL,
    'An Invoice with a VAT breakdown of VAT category "Not subject to VAT" shall not contain a Document level charge of another VAT category.',
)
def br_o_14(inv: Node) -> Iterator[str]:
    yield from _only_o(inv, "charges")


def _split_payment(inv: Node) -> list[Node]:
    """The lines, allowances, charges and VAT breakdowns of category B (split payment)."""
    found = [i for group, _ in _ITEMS for i in _items(inv, group, "B")]
    return found + _breakdowns(inv, "B")


@rule(
    "BR-B-01",
    FATAL,
    'An Invoice where the VAT category code (BT-151, BT-95 or BT-102) is "Split payment" shall be a domestic Italian invoice.',
)
def br_b_01(inv: Node) -> Iterator[str]:
    # the official rule: no country code anywhere in the invoice other than IT
    if _split_payment(inv):
        for country in inv.values("every_country_code"):
            if country.text != "IT":
                yield country.path


@rule(
    "BR-B-02",
    FATAL,
    'An Invoice with an Invoice line, Document level allowance or charge or VAT breakdown of VAT category "Split payment" shall not contain any of VAT category "Standard rated".',
)
def br_b_02(inv: Node) -> Iterator[str]:
    if _split_payment(inv):
        for group, _ in _ITEMS:
            for item in _items(inv, group, "S"):
                yield item.path
        for breakdown in _breakdowns(inv, "S"):
            yield breakdown.path
