"""An e-invoice with thousands of repeated or unknown siblings keeps every one it does not read,
each with its own path. How the reading scales with their number (linear: four times the siblings,
about four times the work) is measured by `bench/bench_einvoice_siblings.py`, not asserted here:
timings on a shared machine are no test."""

from __future__ import annotations

from support.hostile_einvoices import cii_means, ubl_unknown
from turnout.domain.artifacts import Source
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake


def test_every_later_means_and_unknown_sibling_is_kept_with_its_own_path() -> None:
    document = StandardIntake().identify(Source("invoice.xml", cii_means(3).encode()))
    invoice = XmlEInvoice().parse(document).invoice
    assert [t.account for t in invoice.payment.more_transfers] == ["NL11", "NL12"]
    means = (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans"
    )
    assert [e.path for e in invoice.extensions] == [
        f"{means}[{n}]/{child}"
        for n in (2, 3)
        for child in ("ram:TypeCode", "ram:ApplicableTradeSettlementFinancialCard")
    ]
    document = StandardIntake().identify(Source("invoice.xml", ubl_unknown(3).encode()))
    paths = [e.path for e in XmlEInvoice().parse(document).invoice.extensions]
    assert paths == [f"/Invoice/cbc:Unknown[{n}]" for n in (1, 2, 3)]
