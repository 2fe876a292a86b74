"""einvoice.xml on the public corpora: every UBL/CII instance parses; UBL/CII twins agree.

Needs ../shared/corpora next to the repository (see its README); skipped when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.domain.artifacts import DocumentKind, EInvoice, Source
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake

CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
XRECHNUNG = CORPORA / "xrechnung"
EXAMPLE_DIRS = [
    XRECHNUNG,
    CORPORA / "en16931" / "ubl" / "examples",
    CORPORA / "en16931" / "cii" / "examples",
]

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPORA.is_dir(),
        reason=f"corpora not found at {CORPORA} (they are only on developer machines and in CI)",
    ),
]


def xml_files() -> list[Path]:
    return sorted(
        p for d in EXAMPLE_DIRS if d.is_dir() for p in d.rglob("*") if p.suffix.lower() == ".xml"
    )


def parse(path: Path) -> EInvoice | None:
    """The e-invoice in the file, or None when the file is XML but neither UBL nor CII."""
    try:
        document = StandardIntake().identify(Source(path.name, path.read_bytes()))
    except InputRejected as exc:
        if "unsupported XML" in str(exc):
            return None
        raise
    assert document.kind in (DocumentKind.UBL, DocumentKind.CII)
    return XmlEInvoice().parse(document)


def pairs() -> list[tuple[Path, Path]]:
    found = []
    for ubl in sorted(XRECHNUNG.rglob("*_ubl.xml")):
        cii = ubl.with_name(ubl.name.removesuffix("_ubl.xml") + "_uncefact.xml")
        if cii.exists():
            found.append((ubl, cii))
    return found


def test_every_ubl_and_cii_example_parses_with_its_key_fields() -> None:
    files = xml_files()
    assert files, f"no XML files under {[str(d) for d in EXAMPLE_DIRS]}"
    parsed = {path: parse(path) for path in files}
    invoices = [e for e in parsed.values() if e is not None]
    assert len(invoices) >= 0.9 * len(files)
    for path, einvoice in parsed.items():
        if einvoice is None:
            continue
        invoice = einvoice.invoice
        missing = [
            name
            for name, value in (
                ("invoice_number", invoice.invoice_number),
                ("issue_date", invoice.issue_date),
                ("currency", invoice.currency),
                ("totals.payable", invoice.totals.payable),
            )
            if value is None
        ]
        assert not missing, f"{path.relative_to(CORPORA)}: {missing} not read"
        assert invoice.lines, f"{path.relative_to(CORPORA)}: no lines read"


def test_xrechnung_ubl_and_cii_twins_give_the_same_key_values() -> None:
    twins = pairs()
    assert twins, f"no `_ubl.xml` / `_uncefact.xml` pairs under {XRECHNUNG}"
    full = 0
    for ubl_path, cii_path in twins:
        ubl, cii = parse(ubl_path), parse(cii_path)
        assert ubl is not None and cii is not None
        a, b = ubl.invoice, cii.invoice
        assert (a.invoice_number, a.issue_date, a.currency, a.totals.payable) == (
            b.invoice_number,
            b.issue_date,
            b.currency,
            b.totals.payable,
        ), f"{ubl_path.name} and {cii_path.name} disagree"
        full += _without_provenance(a) == _without_provenance(b)
    print(f"{full} of {len(twins)} XRechnung UBL/CII pairs agree on every canonical field")


def _without_provenance(invoice: Invoice) -> dict[str, object]:
    # Compare values, not spelling: 38 and 38.00 are the same amount.
    return {k: v for k, v in vars(invoice).items() if k != "provenance"}


ZUGFERD = CORPORA / "zugferd"


def test_every_embedded_invoice_of_the_correct_zugferd_pdfs_is_read() -> None:
    """Hybrid PDFs written by others (folders `correct/`): their embedded XML reads without a
    refusal, so a reader's new strictness never turns away invoices the world sends."""
    refused = []
    pdfs = sorted(p for p in ZUGFERD.rglob("*.pdf") if "correct" in p.parts)
    for path in pdfs:
        try:
            document = StandardIntake().identify(Source(path.name, path.read_bytes()))
        except InputRejected:
            continue  # intake's own refusals (damaged files) are tested elsewhere
        if document.xml is None:
            continue
        try:
            XmlEInvoice().parse(document)
        except InputRejected as exc:
            refused.append(f"{path.relative_to(ZUGFERD)}: {exc}")
    assert pdfs
    assert not refused, "\n".join(refused)
