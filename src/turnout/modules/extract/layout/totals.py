"""The totals solver: the document totals a clerk would read under the line items, made to agree.

Every amount below the table is a candidate, labelled by the text to its left or the column
header above it (`totals_candidates`). The solver then picks the set that adds up the way EN 16931
says totals add up: tax exclusive + tax = tax inclusive (BR-CO-15), Σ line nets = line total
(BR-CO-10), line total - allowances + charges = tax exclusive (BR-CO-13), tax inclusive - prepaid =
payable (BR-CO-16), Σ breakdown tax = tax total. Labels and arithmetic vote together: a value
that is both labelled and consistent is sure, one with only one of the two less so, and when the
labels are missing or ambiguous the arithmetic alone decides (three amounts a + b = c).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from turnout.authoring import Word
from turnout.modules.extract.layout.amount_cells import CENT, percent_text, percents, written_like
from turnout.modules.extract.layout.amount_glue import glued
from turnout.modules.extract.layout.page import Found, Layout, Line
from turnout.modules.extract.layout.totals_candidates import Candidate, candidates
from turnout.modules.extract.layout.totals_currency import read_currency
from turnout.modules.extract.layout.totals_labels import (
    ALLOWANCE,
    CHARGE,
    GROSS,
    LINE_NET,
    NET,
    PAYABLE,
    PREPAID,
    SUBTOTAL_WORDS,
    TAX,
)
from turnout.modules.extract.layout.totals_vat import VatRow, vat_rows
from turnout.modules.normalize.money import parse_amount

SURE, CONSISTENT, LABELLED, GUESSED = 0.95, 0.85, 0.7, 0.5

Triple = tuple[Candidate, Candidate, Candidate]
_SEARCHED = 150


def read_totals(
    layout: Layout, line_nets: Sequence[Decimal], below_line: int | None
) -> dict[str, Found]:
    """The document totals, VAT breakdown and currency printed below line `below_line` (all
    lines when None), as written, each with a confidence and its words."""
    layout = glued(layout)
    lines = [x for x in layout.lines if below_line is None or x.index > below_line]
    found = candidates(layout, lines)
    rows = vat_rows(lines)
    out: dict[str, Found] = {}
    line_sum = sum(line_nets, Decimal(0)) if line_nets else None
    triple = _best_triple(found, rows, line_sum)
    tax_line: Line | None = None
    if triple is not None:
        net, tax, gross = triple
        tax_line = tax.cell.line
        sure = [c.fits(r) >= 0.9 for c, r in ((net, NET), (tax, TAX), (gross, GROSS))]
        for path, c, labelled in zip(
            ("totals.tax_exclusive", "totals.tax", "totals.tax_inclusive"),
            triple,
            sure,
            strict=True,
        ):
            out[path] = _found(c, SURE if labelled else CONSISTENT)
    else:
        for path, role in (
            ("totals.tax_exclusive", NET),
            ("totals.tax", TAX),
            ("totals.tax_inclusive", GROSS),
        ):
            pick = _labelled(found, role)
            if pick is not None:
                out[path] = _found(pick, LABELLED)
                tax_line = pick.cell.line if role == TAX else tax_line
        out.update(_untaxed_total(found, out, line_sum))
    out.update(_line_total(found, out, line_sum))
    out.update(_payable(found, out))
    if "totals.payable" not in out:
        out.update(_lone_total(found))
    out.update(_breakdown(rows, out, tax_line))
    currency = read_currency(layout, [c.cell for c in found])
    if currency is not None:
        out["currency"] = currency
    return out


def _best_triple(
    found: list[Candidate], rows: list[VatRow], line_sum: Decimal | None
) -> Triple | None:
    """The (net, tax, gross) with net + tax = gross that labels and position support best."""
    # totals stand at the end: a long document's earlier amounts are not searched (n^2 pairs)
    found = found[-_SEARCHED:]
    by_value: dict[Decimal, list[Candidate]] = {}
    for c in found:
        by_value.setdefault(c.cell.value, []).append(c)
    taxes = list(found)
    if len(rows) >= 2:  # the tax total may be printed only per rate
        taxes.append(_summed(rows))
    best: tuple[float, Decimal, int] | None = None  # score, then the biggest, lowest
    chosen: Triple | None = None
    for net in found:
        if net.cell.value == 0:
            continue
        for tax in taxes:
            if tax is net or tax.cell.value * net.cell.value < 0:
                continue
            if tax.cell.value == 0 and tax.fits(TAX) < 1:
                continue
            for gross in by_value.get(net.cell.value + tax.cell.value, ()):
                if gross is net or gross is tax:
                    continue
                score = (
                    net.fits(NET) * _money_like(net)
                    + tax.fits(TAX) * _money_like(tax)
                    + max(gross.fits(GROSS), gross.fits(PAYABLE)) * _money_like(gross)
                )
                if line_sum is not None and net.cell.value == line_sum:
                    score += 0.5
                if gross.line < net.line or gross.line < tax.line:
                    score -= 0.5
                key = (score, abs(gross.cell.value), gross.line)
                if score >= 1.0 and (best is None or key > best):
                    best, chosen = key, (net, tax, gross)
    return chosen


def _untaxed_total(
    found: list[Candidate], out: dict[str, Found], line_sum: Decimal | None
) -> dict[str, Found]:
    """A bare "Total" under lines that add up to it, on a page that prints no tax: both the
    tax exclusive and the tax inclusive total."""
    if "totals.tax_inclusive" in out or "totals.tax" in out or line_sum is None:
        return {}
    totals = [c for c in found if c.fits(GROSS) >= 0.5 and c.cell.value == line_sum]
    if not totals or any(c.fits(TAX) >= 0.9 and _money_like(c) == 1 for c in found):
        return {}
    last = max(totals, key=lambda c: (c.line, c.cell.right))
    result = {"totals.tax_inclusive": _found(last, CONSISTENT)}
    if "totals.tax_exclusive" not in out:
        result["totals.tax_exclusive"] = _found(last, LABELLED)
    return result


def _line_total(
    found: list[Candidate], out: dict[str, Found], line_sum: Decimal | None
) -> dict[str, Found]:
    """The sum of line nets, and the allowances and charges between it and the tax exclusive."""
    net = out.get("totals.tax_exclusive")
    net_value = _value(net)
    total: Candidate | None = None
    confidence = LABELLED
    gross, tax = _value(out.get("totals.tax_inclusive")), _value(out.get("totals.tax"))
    if line_sum is not None and tax and line_sum == gross and line_sum != net_value:
        return {}  # the lines print gross prices: their sum is no line net total
    if line_sum is not None:
        same = [c for c in found if c.cell.value == line_sum]
        if same:
            total = max(same, key=lambda c: (max(c.fits(LINE_NET), c.fits(NET)), -c.line))
            confidence = SURE if max(total.fits(LINE_NET), total.fits(NET)) >= 0.9 else CONSISTENT
    if total is None:
        total = _labelled(found, LINE_NET)
    result: dict[str, Found] = {}
    if total is None:
        if net is not None and line_sum is not None and line_sum == net_value:
            result["totals.line_net"] = Found(net.value, CONSISTENT, net.words)
        return result
    result["totals.line_net"] = _found(total, confidence)
    if net_value is None or total.cell.value == net_value:
        return result
    used = {id(w) for f in out.values() for w in f.words}
    free = [c for c in found if not any(id(w) in used for w in c.cell.words)]
    result.update(_adjustments(free, total, net_value))
    return result


def _adjustments(found: list[Candidate], total: Candidate, net: Decimal) -> dict[str, Found]:
    """Allowances and charges with line total - allowances + charges = tax exclusive."""
    between = [c for c in found if c is not total and c.cell.value != 0]
    allowances = [c for c in between if c.fits(ALLOWANCE) >= 0.6]
    charges = [c for c in between if c.fits(CHARGE) >= 0.6]
    line_total = total.cell.value
    for a in [*allowances, None]:
        for ch in [*charges, None]:
            if a is None and ch is None:
                continue
            off = (abs(a.cell.value) if a else Decimal(0)) - (abs(ch.cell.value) if ch else 0)
            if line_total - off == net:
                result: dict[str, Found] = {}
                if a is not None:
                    result["totals.allowances"] = _found(a, SURE, unsigned=True)
                if ch is not None:
                    result["totals.charges"] = _found(ch, SURE, unsigned=True)
                return result
    # unlabelled: the one amount that is the difference
    gap = line_total - net
    path = "totals.allowances" if gap > 0 else "totals.charges"
    for c in between:
        if abs(c.cell.value) == abs(gap) and c is not total:
            return {path: _found(c, CONSISTENT, unsigned=True)}
    return {}


def _payable(found: list[Candidate], out: dict[str, Found]) -> dict[str, Found]:
    """The amount due, and what was prepaid: tax inclusive - prepaid = payable."""
    gross = out.get("totals.tax_inclusive")
    gross_value = _value(gross)
    payables = sorted(
        (c for c in found if c.fits(PAYABLE) >= 0.9),
        key=lambda c: (c.line, c.cell.right),
        reverse=True,
    )
    if gross is None or gross_value is None:
        return {"totals.payable": _found(payables[0], LABELLED)} if payables else {}
    for p in payables:
        if p.cell.value == gross_value:
            return {"totals.payable": _found(p, SURE)}
        gap = gross_value - p.cell.value
        if gap > 0:
            paid = [c for c in found if abs(c.cell.value) == gap and c is not p]
            if paid:
                r = max(paid, key=lambda c: c.fits(PREPAID))
                sure = SURE if r.fits(PREPAID) >= 0.9 else CONSISTENT
                return {
                    "totals.payable": _found(p, SURE),
                    "totals.prepaid": _found(r, sure, unsigned=True),
                }
    prepaid = [
        c for c in found if c.fits(PREPAID) >= 0.9 and c.cell.value != 0 and _money_like(c) == 1
    ]
    if prepaid:
        r = prepaid[-1]
        value = gross_value - abs(r.cell.value)
        return {
            "totals.prepaid": _found(r, LABELLED, unsigned=True),
            "totals.payable": Found(written_like(value, gross.value), LABELLED, gross.words),
        }
    if payables and not _is_inclusive_words(payables[0], gross):
        return {"totals.payable": _found(payables[0], LABELLED)}
    return {"totals.payable": Found(gross.value, gross.confidence, gross.words)}


def _lone_total(found: list[Candidate]) -> dict[str, Found]:
    """Nothing named the amount due and no amounts add up: the largest amount under a plain
    "Total" ("Summe", "Totaal", ...), printed last of them, is what a clerk would pay; guessed.
    """
    totals = [c for c in found if c.roles[:1] == (SUBTOTAL_WORDS,) and c.cell.value > 0]
    if not totals:
        return {}
    last = max(totals, key=lambda c: (c.line, c.cell.right))
    if any(c.cell.value > last.cell.value for c in totals):
        return {}  # a larger total above the last one: which is due is not plain
    return {"totals.payable": _found(last, GUESSED)}


def _breakdown(
    rows: list[VatRow], out: dict[str, Found], tax_line: Line | None
) -> dict[str, Found]:
    """The VAT breakdown rows, surer when their taxes add up to the tax total."""
    result: dict[str, Found] = {}
    tax_total = _value(out.get("totals.tax"))
    if not rows:
        return _single_rate(out, tax_line)
    adds_up = tax_total is not None and sum((r.tax.value for r in rows), Decimal(0)) == tax_total
    confidence = SURE if adds_up else LABELLED
    for i, row in enumerate(rows):
        result[f"vat_breakdown[{i}].rate"] = Found(row.rate_text, confidence, row.rate_words)
        result[f"vat_breakdown[{i}].taxable"] = Found(row.base.raw, confidence, row.base.words)
        result[f"vat_breakdown[{i}].tax"] = Found(row.tax.raw, confidence, row.tax.words)
    return result


def _single_rate(out: dict[str, Found], tax_line: Line | None) -> dict[str, Found]:
    """One VAT rate printed in the tax total's label ("VAT 20%"): the whole net is its base."""
    net, tax = out.get("totals.tax_exclusive"), out.get("totals.tax")
    net_value, tax_value = _value(net), _value(tax)
    if net is None or tax is None or net_value is None or tax_value is None or not tax.words:
        return {}
    rates = percents(tax_line) if tax_line is not None else []
    if len(rates) != 1:
        return {}
    rate, words = rates[0]
    if abs(net_value * rate / 100 - tax_value) > CENT:
        return {}
    return {
        "vat_breakdown[0].rate": Found(percent_text(words), CONSISTENT, words),
        "vat_breakdown[0].taxable": Found(net.value, CONSISTENT, net.words),
        "vat_breakdown[0].tax": Found(tax.value, CONSISTENT, tax.words),
    }


def _labelled(found: list[Candidate], role: str) -> Candidate | None:
    """The lowest amount whose label names `role` first."""
    named = [c for c in found if c.fits(role) >= 0.9 and _money_like(c) == 1]
    return max(named, key=lambda c: (c.line, c.cell.right)) if named else None


def _summed(rows: list[VatRow]) -> Candidate:
    """A tax total made of the breakdown rows' taxes, for a page that prints no tax total."""
    cells = [r.tax for r in rows]
    total = sum((c.value for c in cells), Decimal(0))
    words: tuple[Word, ...] = tuple(w for c in cells for w in c.words)
    last = cells[-1]
    cell = type(last)(total, written_like(total, last.raw), words, last.line, "", last.currency)
    return Candidate(cell, "", (TAX,))


_CENTS = re.compile(r"[.,]\d{2}\b|[.,]-")


def _money_like(c: Candidate) -> float:
    """1 for an amount written with cents, less for a bare integer (a count, a number); asked for
    every triple the solver weighs, so the pattern is compiled once."""
    return 1.0 if _CENTS.search(c.cell.raw) else 0.4


def _found(c: Candidate, confidence: float, *, unsigned: bool = False) -> Found:
    raw = c.cell.raw
    if unsigned:
        raw = raw.strip().lstrip("-\u2212").rstrip("-").strip()
    return Found(raw, confidence, c.cell.words)


def _value(found: Found | None) -> Decimal | None:
    return parse_amount(found.value) if found is not None else None


def _is_inclusive_words(c: Candidate, gross: Found) -> bool:
    return c.cell.words == gross.words
