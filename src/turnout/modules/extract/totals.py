"""Choosing the invoice totals among the amounts found next to total labels.

Totals that add up (tax-exclusive + tax = payable) are preferred above all; otherwise the payable
amount is the largest amount announced by a total label, the lowest one on the page on a tie.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import product

from turnout.modules.extract.candidates import Candidate, best

PAYABLE, TAX, TAX_EXCLUSIVE = "totals.payable", "totals.tax", "totals.tax_exclusive"
_CONSISTENT_BONUS = 0.08
_UNCORROBORATED = 0.7


def choose_totals(candidates: list[Candidate]) -> dict[str, Candidate]:
    """The payable, tax and tax-exclusive totals chosen from `candidates` (any may be absent)."""
    payable = [c for c in candidates if c.path == PAYABLE and c.amount is not None]
    taxes = [c for c in candidates if c.path == TAX and c.amount is not None]
    nets = [c for c in candidates if c.path == TAX_EXCLUSIVE and c.amount is not None]
    consistent = _adding_up(payable, nets, taxes)
    if consistent:
        return {c.path: c.with_confidence(c.confidence + _CONSISTENT_BONUS) for c in consistent}
    chosen: dict[str, Candidate] = {}
    if payable:
        top = max(payable, key=lambda c: (c.amount or Decimal(0), c.line))
        chosen[PAYABLE] = top
        taxes = [c for c in taxes if (c.amount or 0) < (top.amount or 0)]
        nets = [c for c in nets if (c.amount or 0) <= (top.amount or 0)]
    for path, group in ((TAX, taxes), (TAX_EXCLUSIVE, nets)):
        # a subtotal read from under a column header, that nothing corroborates, is left out
        pick = best(c for c in group if c.confidence >= _UNCORROBORATED)
        if pick is not None:
            chosen[path] = pick
    return chosen


def _adding_up(
    payable: list[Candidate], nets: list[Candidate], taxes: list[Candidate]
) -> tuple[Candidate, ...]:
    """The most confident (payable, net, tax) triple where net + tax == payable, if any."""
    triples = [
        (p, n, t)
        for p, n, t in product(payable, nets, taxes)
        if p.amount is not None
        and n.amount is not None
        and t.amount is not None
        and p.amount > 0
        and n.amount + t.amount == p.amount
    ]
    if not triples:
        return ()
    return max(
        triples,
        key=lambda pnt: (
            sum(c.confidence for c in pnt),
            pnt[0].amount or Decimal(0),
            pnt[0].line,
        ),
    )
