"""UBL syntax rules (UBL-SR-*, UBL-DT-*) that the EN 16931 UBL binding adds; UBL documents only.

Implemented: UBL-DT-01, UBL-DT-06, UBL-DT-07, UBL-SR-42, UBL-SR-43, UBL-SR-47 here, and the
cardinality rules listed in `ubl_cardinality`. The UBL terms these
rules read are mapped for UBL only, so on CII the engine skips them.
"""

from __future__ import annotations

from collections.abc import Iterator

from turnout.modules.validate.en16931.arithmetic import decimals
from turnout.modules.validate.en16931.registry import FATAL, Check, rule
from turnout.modules.validate.en16931.ubl_cardinality import ANY_VIOLATION, CARDINALITY
from turnout.modules.validate.en16931.view import Node


@rule("UBL-DT-01", FATAL, "Amounts shall be decimal up to two fraction digits.")
def ubl_dt_01(inv: Node) -> Iterator[str]:
    for found in inv.values("document_amounts"):
        if decimals(found.stripped) > 2:
            yield found.path


@rule("UBL-DT-06", FATAL, "Binary object elements shall contain the mime code attribute.")
def ubl_dt_06(inv: Node) -> Iterator[str]:
    for found in inv.values("all_binary_objects"):
        if not found.attr("mimeCode"):
            yield found.path


@rule("UBL-DT-07", FATAL, "Binary object elements shall contain the file name attribute.")
def ubl_dt_07(inv: Node) -> Iterator[str]:
    for found in inv.values("all_binary_objects"):
        if not found.attr("filename"):
            yield found.path


@rule(
    "UBL-SR-42", FATAL, "Party tax scheme shall occur maximum twice in accounting supplier party."
)
def ubl_sr_42(inv: Node) -> Iterator[str]:
    schemes = inv.values("seller_tax_schemes")
    if len(schemes) > 2:
        yield schemes[2].path


@rule(
    "UBL-SR-43",
    FATAL,
    "Scheme identifier shall only be used for invoiced object (document type code with value 130 or 50).",
)
def ubl_sr_43(inv: Node) -> Iterator[str]:
    for found in inv.values("document_ids_with_scheme"):
        yield found.path


@rule("UBL-SR-47", FATAL, "When there are more than one payment means code, they shall be equal.")
def ubl_sr_47(inv: Node) -> Iterator[str]:
    found = inv.values("payment_means_codes")
    if len({v.stripped for v in found}) > 1:
        yield found[1].path


def _violations(rule_id: str) -> Check:
    def check(inv: Node) -> Iterator[str]:
        if not inv.values(ANY_VIOLATION):  # no cardinality rule fires: none needs its own query
            return
        for found in inv.values(f"violations:{rule_id}"):
            yield found.path

    return check


for _rule_id, (_message, _) in CARDINALITY.items():
    rule(_rule_id, FATAL, _message)(_violations(_rule_id))
