"""export.ubl and export.cii refuse what an EN 16931 document cannot carry as it is (a VAT point
date code outside EN 16931's, VAT on a line allowance or charge, in CII a price discount without
its gross price) instead of writing it wrongly or dropping it; and the size limit on the run's
e-invoice names the export's own setting. Invoices of our own making."""

from __future__ import annotations

from decimal import Decimal

import pytest

from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice
from turnout.modules.export.cii import CiiExport
from turnout.modules.export.cii_builder import build_cii
from turnout.modules.export.ubl import UblExport
from turnout.modules.export.ubl_builder import build_ubl
from turnout.modules.export.xml_export import XmlExport
from turnout.testing.einvoices import GeneratedInvoice, generate_with_attachments

D = Decimal
BUILDERS = {"ubl": build_ubl, "cii": build_cii}
EXPORTS: dict[str, type[XmlExport]] = {"ubl": UblExport, "cii": CiiExport}


def generated(seed: int = 0) -> GeneratedInvoice:
    return generate_with_attachments(seed)


def build(syntax: str, invoice: Invoice, attachments: dict[str, bytes]) -> bytes:
    return BUILDERS[syntax](invoice, attachments=attachments)


# ---- BT-8: only the codes EN 16931 allows -------------------------------------------------


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("code", ["3", "35", "432"])
def test_each_en16931_tax_point_code_is_written(syntax: str, code: str) -> None:
    g = generated()
    g.invoice.tax_point_code = code
    build(syntax, g.invoice, g.attachments)


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("code", ["29", "5", "999"])
def test_a_tax_point_code_outside_en16931_is_refused_naming_bt_8(syntax: str, code: str) -> None:
    g = generated()
    g.invoice.tax_point_code = code
    with pytest.raises(InputRejected) as refused:
        build(syntax, g.invoice, g.attachments)
    message = str(refused.value)
    assert f"BT-8) {code!r}" in message
    assert "3, 35, 432" in message
    assert "export.json" in message
