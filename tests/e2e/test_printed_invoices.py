"""Printed invoices read like an AP clerk reads them: `turnout process` on generated PDFs in six
languages and four layouts (tests/support/printed_invoices.py), with the default configuration,
gives the fields the page states, each with the boxes it was read from.

The text PDFs (one page each, and two whose line-item table runs over two pages) go through
text.pdfium and the template-free reader; a few scans of them (slow: OCR) through text.ocr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from support.printed_invoices import LANGUAGES, LAYOUTS, PrintedInvoice, printed_invoice, scan_of

TURNOUT = Path(sys.executable).parent / "turnout"


class Case(NamedTuple):
    language: str
    layout: str
    seed: int
    long_table: bool = False  # a table over two pages

    @property
    def name(self) -> str:
        return f"{self.language}-{self.layout}-{self.seed}{'-long' if self.long_table else ''}"

    def invoice(self) -> PrintedInvoice:
        return printed_invoice(self.seed, self.language, self.layout, self.long_table)


CASES = [
    Case(language, layout, 100 + 10 * i + j)
    for i, language in enumerate(LANGUAGES)
    for j, layout in enumerate(LAYOUTS)
] + [Case("de", "window", 170, True), Case("fr", "row", 171, True)]
SCANS = [Case("de", "window", 7), Case("fr", "blocks", 8), Case("en", "row", 9)]
REQUIRED = ("invoice_number", "issue_date", "currency", "seller.name", "totals.payable")
TOTALS = ("totals.line_net", "totals.tax_exclusive", "totals.tax_inclusive", "totals.payable")
AMOUNTS = {"totals.line_net", "totals.tax_exclusive", "totals.tax_inclusive", "totals.payable"}


@dataclass(frozen=True)
class Read:
    """One generated invoice and what `turnout process --json` made of it."""

    invoice: PrintedInvoice
    run: dict[str, Any] = field(repr=False)
    home: Path = field(repr=False)  # the TURNOUT_HOME it was processed in

    @property
    def got(self) -> dict[str, Any]:
        return self.run.get("invoice") or {}


def _turnout(home: Path, *args: str) -> Any:
    env = {**os.environ, "TURNOUT_HOME": str(home), "COLUMNS": "200"}
    env.pop("TURNOUT_DATABASE_URL", None)
    proc = subprocess.run(
        [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=900, cwd=home
    )
    assert proc.returncode in (0, 3), f"turnout {' '.join(args)}: {proc.returncode} {proc.stderr}"
    return json.loads(proc.stdout) if "--json" in args else proc.stdout


def _process(home: Path, files: dict[str, tuple[PrintedInvoice, bytes]]) -> dict[str, Read]:
    folder = home / "inbox"
    folder.mkdir(parents=True)
    for name, (_, data) in files.items():
        (folder / f"{name}.pdf").write_bytes(data)
    _turnout(home, "init")
    runs = _turnout(home, "process", str(folder), "--json")
    by_file = {Path(run["file"]).stem: run for run in runs}
    return {name: Read(invoice, by_file[name], home) for name, (invoice, _) in files.items()}


@pytest.fixture(scope="module")
def text_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Read]:
    files = {}
    for case in CASES:
        invoice = case.invoice()
        files[case.name] = (invoice, invoice.pdf)
    return _process(tmp_path_factory.mktemp("printed"), files)


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Read]:
    files = {}
    for case in SCANS:
        invoice = case.invoice()
        files[case.name] = (invoice, scan_of(invoice.pdf))
    return _process(tmp_path_factory.mktemp("scanned"), files)


def _at(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _misses(read: Read, paths: tuple[str, ...], *, scanned: bool = False) -> list[str]:
    """The fields of `paths` not read as printed, each as `path: got != truth`.

    On a scan, names are compared without their accents: the OCR model's alphabet has no ö, ß,
    ç or ñ, and at 200 dpi it often reads the accents it has as plain letters (a limit the README
    states); every other letter, and every other field, must be exact.
    """
    missed = []
    for path in paths:
        want, got = _at(read.invoice.truth, path), _at(read.got, path)
        if want is None:
            continue
        if scanned and path.endswith(".name") and isinstance(got, str):
            want, got = _unaccented(want), _unaccented(got)
        same = (
            got is not None and Decimal(str(got)) == Decimal(want)
            if path in AMOUNTS
            else got == want
        )
        if not same:
            missed.append(f"{path}: {got!r} != {want!r}")
    return missed


def _unaccented(text: str) -> str:
    folded = text.replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def _line_misses(read: Read) -> list[str]:
    """The line count when it differs, else each line whose net amount differs."""
    want = [Decimal(line["net_amount"]) for line in read.invoice.truth["lines"]]
    got = [_decimal(line.get("net_amount")) for line in read.got.get("lines") or []]
    if len(got) != len(want):
        extra = [str(net) for net in got if net not in want]
        missing = [str(net) for net in want if net not in got]
        return [f"{len(got)} lines != {len(want)}; extra nets {extra}, missing nets {missing}"]
    return [
        f"lines[{i}].net_amount: {g} != {w}"
        for i, (g, w) in enumerate(zip(got, want, strict=True))
        if g != w
    ]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _box_misses(read: Read, paths: tuple[str, ...]) -> list[str]:
    """Fields of `paths` whose provenance has no box on the page (or a box off the page)."""
    provenance = read.got.get("provenance") or {}
    missed = []
    for path in paths:
        boxes = (provenance.get(path) or {}).get("boxes") or []
        if not boxes:
            missed.append(f"{path}: no boxes")
        for box in boxes:
            inside = 0 <= box["left"] < box["right"] <= 1 and 0 <= box["top"] < box["bottom"] <= 1
            if not 1 <= box["page"] <= read.invoice.pages or not inside:
                missed.append(f"{path}: box {box} is not on a page of the invoice")
    return missed


def _ids(cases: list[Case]) -> list[str]:
    return [case.name for case in cases]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_required_fields_are_read_as_printed(text_pdfs: dict[str, Read], case: Case) -> None:
    read = text_pdfs[case.name]
    assert read.run["status"] != "failed", read.run
    assert _misses(read, REQUIRED) == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_totals_are_read_as_printed(text_pdfs: dict[str, Read], case: Case) -> None:
    assert _misses(text_pdfs[case.name], TOTALS) == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_every_line_and_its_net_amount_is_read(text_pdfs: dict[str, Read], case: Case) -> None:
    assert _line_misses(text_pdfs[case.name]) == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_buyer_vat_ids_iban_and_due_date_are_read(text_pdfs: dict[str, Read], case: Case) -> None:
    read = text_pdfs[case.name]
    ids = ("seller.vat_id", "buyer.vat_id", "payment.iban")
    want = {path: _at(read.invoice.truth, path) for path in ids}
    got = {path: (_at(read.got, path) or "").replace(" ", "") or None for path in ids}
    assert got == want
    assert _misses(read, ("buyer.name", "due_date")) == []


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_every_field_read_carries_its_boxes_on_the_page(
    text_pdfs: dict[str, Read], case: Case
) -> None:
    read = text_pdfs[case.name]
    read_paths = tuple(
        path
        for path in (*REQUIRED, *TOTALS, "due_date", "buyer.name")
        if _at(read.got, path) is not None
    )
    lines = tuple(f"lines[{i}].net_amount" for i in range(len(read.got.get("lines") or [])))
    assert _box_misses(read, read_paths + lines) == []


# the terms beside the main fields the generated pages print (the parties' addresses, the
# seller's contact and register number, the buyer's customer number, the invoicing period, the
# payment reference and a mandate when there is one)
TERMS = (
    "seller.address",
    "seller.contact.phone",
    "seller.contact.email",
    "seller.legal_registration.id",
    "buyer.address",
    "buyer.identifiers",
    "invoicing_period",
    "payment.remittance",
    "payment.direct_debit",
)


SCANNED_TERMS = (
    "seller.contact.phone",
    "seller.contact.email",
    "seller.legal_registration.id",
    "invoicing_period.start",
    "invoicing_period.end",
    "payment.remittance",
)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_the_terms_beside_the_main_fields_come_out_as_printed(
    text_pdfs: dict[str, Read], case: Case
) -> None:
    read = text_pdfs[case.name]
    truth = read.invoice.truth
    missed = [
        f"{path}: {_at(read.got, path)!r} != {_at(truth, path)!r}"
        for path in TERMS
        if _at(read.got, path) != _at(_blank(truth), path)
    ]
    assert missed == []
    assert _box_misses(read, ("seller.contact.email", "payment.remittance")) == []


def _blank(truth: dict[str, Any]) -> dict[str, Any]:
    """The truth as the invoice renders it: every address field, empty ones as null; no direct
    debit (null) when none is printed."""
    out = json.loads(json.dumps(truth))
    for party in ("seller", "buyer"):
        address = dict.fromkeys(("line1", "line2", "line3", "city", "post_code"))
        out[party]["address"] = {**address, "subdivision": None, **truth[party]["address"]}
    mandate = (truth["payment"].get("direct_debit") or {}).get("mandate")
    out["payment"]["direct_debit"] = (
        {"mandate": mandate, "creditor_id": None, "debited_account": None} if mandate else None
    )
    return out


def test_runs_show_gives_the_same_invoice_with_its_boxes(text_pdfs: dict[str, Read]) -> None:
    read = next(iter(text_pdfs.values()))
    shown = _turnout(read.home, "runs", "show", read.run["run_id"], "--json")
    assert shown["invoice"] == read.got
    boxes = shown["invoice"]["provenance"]["invoice_number"]["boxes"]
    assert boxes and boxes[0]["page"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("case", SCANS, ids=_ids(SCANS))
def test_scans_give_the_printed_fields(scans: dict[str, Read], case: Case) -> None:
    read = scans[case.name]
    stages = {stage["stage"]: stage for stage in read.run["stages"]}
    assert stages["text"]["module"] == "text.ocr", stages["text"]
    assert _misses(read, REQUIRED + TOTALS, scanned=True) + _line_misses(read) == []
    # the terms OCR reads letter for letter (the accents and spaces of addresses it may not)
    assert _misses(read, SCANNED_TERMS) == []
    read_paths = tuple(path for path in REQUIRED if _at(read.got, path) is not None)
    assert _box_misses(read, read_paths) == []


def test_the_same_seed_draws_the_same_invoice() -> None:
    first, again = printed_invoice(42, "it", "title"), printed_invoice(42, "it", "title")
    assert first.pdf == again.pdf
    assert first.truth == again.truth
    assert printed_invoice(43, "it", "title").pdf != first.pdf


@pytest.mark.parametrize("seed", range(40))
def test_the_truth_adds_up(seed: int) -> None:
    truth = printed_invoice(seed).truth
    totals = {k: Decimal(v) for k, v in truth["totals"].items()}
    nets = sum(Decimal(line["net_amount"]) for line in truth["lines"])
    assert totals["line_net"] == nets
    assert totals["tax_exclusive"] == (
        nets - totals.get("allowances", Decimal(0)) + totals.get("charges", Decimal(0))
    )
    assert totals["tax"] == sum(Decimal(row["tax"]) for row in truth["vat_breakdown"])
    assert (
        sum(Decimal(row["taxable"]) for row in truth["vat_breakdown"]) == (totals["tax_exclusive"])
    )
    assert totals["tax_inclusive"] == totals["tax_exclusive"] + totals["tax"]
    assert totals["payable"] == totals["tax_inclusive"] - totals.get("prepaid", Decimal(0))


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_the_page_prints_what_the_truth_says(case: Case) -> None:
    from turnout.modules.text.pdfium_reader import opened_pdf

    invoice = case.invoice()
    texts = []
    with opened_pdf(invoice.pdf) as pdf:
        assert len(pdf) == invoice.pages == (2 if case.long_table else 1)
        for index in range(len(pdf)):
            page = pdf[index]
            text_page = page.get_textpage()
            texts.append(text_page.get_text_range())
            text_page.close()
            page.close()
    text = " ".join(" ".join(texts).split())
    truth = invoice.truth
    compact = text.replace(" ", "")
    for value in (truth["invoice_number"], truth["seller"]["name"], truth["buyer"]["name"]):
        assert value in text
    assert truth["seller"]["vat_id"] in compact
    assert truth["payment"]["iban"] in compact
    decimal = "." if case.language == "en" else ","
    for amount in (truth["totals"]["payable"], *(line["net_amount"] for line in truth["lines"])):
        whole, cents = amount.split(".")
        assert f"{decimal}{cents}" in text and whole[-3:] in compact
