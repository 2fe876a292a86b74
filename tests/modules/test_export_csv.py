"""export.csv: one row per run appended under a file lock, header once, cells safe for Excel."""

from __future__ import annotations

import csv
import datetime as dt
import stat
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from turnout.domain.artifacts import Decision, InvoiceArtifact, Match, Outcome, Receipt
from turnout.domain.errors import ModuleError
from turnout.domain.invoice import Invoice, Party, Payment, Totals
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.export.csv_export import CsvExport
from turnout.modules.export.csv_rows import HEADER, cell
from turnout.testing import ModuleContractSuite


def sample_invoice(**changes: Any) -> Invoice:
    invoice = Invoice(
        invoice_number="INV-9",
        issue_date=dt.date(2024, 6, 1),
        due_date=dt.date(2024, 7, 1),
        currency="EUR",
        seller=Party(name="Café Ünïcode SARL", vat_id="FR40303265045"),
        buyer=Party(name="Buyer GmbH", vat_id="DE136695976"),
        payment=Payment(iban="DE89370400440532013000"),
        totals=Totals(
            tax_exclusive=Decimal("1000.00"), tax=Decimal("190.00"), payable=Decimal("1190.00")
        ),
    )
    for name, value in changes.items():
        setattr(invoice, name, value)
    return invoice


DECISION = Decision(Outcome.REVIEW, ("new vendor", "total above 1,000.00 EUR"))
MATCH = Match(vendor_id="V-1001", vendor_name="Café Ünïcode SARL", method="vat_id", score=1.0)


def export(
    workspace: Path,
    run_id: str = "run-1",
    invoice: Invoice | None = None,
    decision: Decision = DECISION,
    *,
    file_name: str | None = "scan-0042.pdf",
    match: Match | None = MATCH,
    revision: int = 0,
    **settings: Any,
) -> Receipt:
    artifacts = Artifacts([InvoiceArtifact(invoice or sample_invoice()), decision])
    if match is not None:
        artifacts.add(match)
    context = RunContext(
        run_id, 4, "export", "export.csv", workspace, file_name=file_name, revision=revision
    )
    (receipt,) = CsvExport(settings).process(artifacts, context)
    assert isinstance(receipt, Receipt)
    return receipt


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_first_export_writes_the_header_and_the_invoice_row(tmp_path: Path) -> None:
    receipt = export(tmp_path)
    path = tmp_path / "exports" / "invoices.csv"
    assert receipt.location == str(path.resolve())
    assert (receipt.target, receipt.key, receipt.details) == ("file", "run-1:export", {"row": "1"})
    assert rows(path) == [
        list(HEADER),
        [
            "run-1",
            "4",
            "INV-9",
            "2024-06-01",
            "2024-07-01",
            "EUR",
            "Café Ünïcode SARL",
            "FR40303265045",
            "Buyer GmbH",
            "DE136695976",
            "DE89370400440532013000",
            "1000.00",
            "190.00",
            "1190.00",
            "review",
            "new vendor; total above 1,000.00 EUR",
            "scan-0042.pdf",
            "V-1001",
            "run-1:export",
        ],
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_matched_vendor_or_a_known_file_name_their_cells_are_empty(
    tmp_path: Path,
) -> None:
    unmatched = Match(vendor_id=None, score=0.0)
    export(tmp_path, "run-1", match=unmatched)
    export(tmp_path, "run-2", file_name=None, match=None)  # no match stage in the configuration
    table = rows(tmp_path / "exports" / "invoices.csv")
    columns = [HEADER.index("source_file"), HEADER.index("vendor_id")]
    assert [[r[c] for c in columns] for r in table[1:]] == [["scan-0042.pdf", ""], ["", ""]]


def test_a_file_name_a_spreadsheet_would_run_as_a_formula_is_quoted(tmp_path: Path) -> None:
    receipt = export(tmp_path, file_name="=cmd|' /C calc'!A0.pdf")
    row = dict(zip(HEADER, rows(Path(receipt.location))[1], strict=True))
    assert row["source_file"] == "'=cmd|' /C calc'!A0.pdf"


def test_a_file_begun_by_the_first_version_keeps_its_columns(tmp_path: Path) -> None:
    """export.csv 1.0 wrote the columns up to `reasons`: a file of it is not refused after an
    upgrade; its new rows have its columns, and the receipt names those left out."""
    old_header = list(HEADER[: HEADER.index("reasons") + 1])
    path = tmp_path / "exports" / "invoices.csv"
    path.parent.mkdir()
    old_row = ["run-0", *[""] * (len(old_header) - 1)]
    path.write_text(",".join(old_header) + "\r\n" + ",".join(old_row) + "\r\n", encoding="utf-8")

    receipt = export(tmp_path, "run-1")

    assert receipt.details == {
        "row": "2",
        "columns_left_out": "source_file, vendor_id, idempotency_key",
    }
    table = rows(path)
    assert table[0] == old_header
    assert [len(r) for r in table] == [len(old_header)] * 3
    assert (table[2][0], table[2][-1]) == ("run-1", "new vendor; total above 1,000.00 EUR")


def test_re_running_a_run_adds_no_second_row(tmp_path: Path) -> None:
    first = export(tmp_path)
    second = export(tmp_path, decision=Decision(Outcome.APPROVE))
    assert second == first
    assert [r[0] for r in rows(Path(first.location))] == ["run_id", "run-1"]


APPROVED = Decision(Outcome.APPROVE, ("approved by rita: csv, check",))


def test_a_reviewed_run_adds_one_row_per_revision_carrying_its_key(tmp_path: Path) -> None:
    """After its Nth review a run is delivered once more: a row with the corrected values, the
    person's decision and the key `run:export:rN`; a redelivery of a revision adds nothing."""
    first = export(tmp_path)
    corrected = sample_invoice(invoice_number="INV-CSV-2")
    corrected.totals = Totals(
        tax_exclusive=Decimal("100.00"), tax=Decimal("18.00"), payable=Decimal("118.00")
    )
    reviewed = export(tmp_path, invoice=corrected, decision=APPROVED, revision=1)
    again = export(tmp_path, invoice=corrected, decision=APPROVED, revision=1)

    assert (first.key, reviewed.key, reviewed.details) == (
        "run-1:export",
        "run-1:export:r1",
        {"row": "2"},
    )
    assert again == reviewed
    table = [dict(zip(HEADER, r, strict=True)) for r in rows(Path(first.location))[1:]]
    assert [
        (r["run_id"], r["invoice_number"], r["payable"], r["decision"], r["idempotency_key"])
        for r in table
    ] == [
        ("run-1", "INV-9", "1190.00", "review", "run-1:export"),
        ("run-1", "INV-CSV-2", "118.00", "approve", "run-1:export:r1"),
    ]
    assert table[1]["reasons"] == "approved by rita: csv, check"
    assert export(tmp_path, decision=Decision(Outcome.APPROVE)) == first  # the first, again


def test_a_file_without_the_key_column_gets_a_reviewed_row_once(tmp_path: Path) -> None:
    """A file begun by export.csv 1.1 (up to `vendor_id`) has no key column: a revision's row
    is recognised by its cells."""
    path = tmp_path / "exports" / "invoices.csv"
    path.parent.mkdir()
    old_header = list(HEADER[: HEADER.index("vendor_id") + 1])
    path.write_text(",".join(old_header) + "\r\n", encoding="utf-8")
    export(tmp_path)
    export(tmp_path, decision=APPROVED, revision=1)
    export(tmp_path, decision=APPROVED, revision=1)
    export(tmp_path)
    table = rows(path)
    assert [(r[0], r[HEADER.index("decision")]) for r in table[1:]] == [
        ("run-1", "review"),
        ("run-1", "approve"),
    ]
    assert all(len(r) == len(old_header) for r in table)


def test_other_runs_append_below_a_single_header(tmp_path: Path) -> None:
    export(tmp_path, "run-1")
    receipt = export(tmp_path, "run-2", invoice=sample_invoice(invoice_number="INV-10"))
    assert receipt.details == {"row": "2"}
    table = rows(Path(receipt.location))
    assert [r[0] for r in table] == ["run_id", "run-1", "run-2"]
    assert table[2][2] == "INV-10"


def test_concurrent_exports_give_exactly_one_row_per_run(tmp_path: Path) -> None:
    run_ids = [f"run-{i % 6}" for i in range(48)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda run_id: export(tmp_path, run_id), run_ids))
    table = rows(tmp_path / "exports" / "invoices.csv")
    assert table[0] == list(HEADER)
    assert sorted(r[0] for r in table[1:]) == [f"run-{i}" for i in range(6)]
    assert all(len(r) == len(HEADER) for r in table)


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(tmp_path: Path) -> None:
    invoice = sample_invoice(
        invoice_number='=HYPERLINK("http://evil.example","click")',
        seller=Party(name="+cmd|' /C calc'!A0", vat_id="@SUM(A1)"),
        buyer=Party(name="-2+3"),
        totals=Totals(payable=Decimal("-12.50")),
    )
    receipt = export(tmp_path, invoice=invoice, decision=Decision(Outcome.REJECT, ("\tx",)))
    row = dict(zip(HEADER, rows(Path(receipt.location))[1], strict=True))
    assert row["invoice_number"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["seller_name"] == "'+cmd|' /C calc'!A0"
    assert row["seller_vat_id"] == "'@SUM(A1)"
    assert row["buyer_name"] == "'-2+3"
    assert row["payable"] == "-12.50"  # a plain number cannot be a formula
    assert row["reasons"] == "'\tx"


def test_formula_escaping_can_be_turned_off(tmp_path: Path) -> None:
    invoice = sample_invoice(seller=Party(name="=1+1"))
    receipt = export(tmp_path, invoice=invoice, escape_formulas=False)
    assert rows(Path(receipt.location))[1][HEADER.index("seller_name")] == "=1+1"


def test_line_breaks_in_values_become_spaces_so_each_row_is_one_line(tmp_path: Path) -> None:
    decision = Decision(Outcome.REVIEW, ("first\nsecond\r\nthird",))
    receipt = export(
        tmp_path, invoice=sample_invoice(seller=Party(name='A "quoted"\nname')), decision=decision
    )
    text = Path(receipt.location).read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2
    row = rows(Path(receipt.location))[1]
    assert row[HEADER.index("seller_name")] == 'A "quoted" name'
    assert row[HEADER.index("reasons")] == "first second third"


def test_empty_values_are_empty_cells() -> None:
    assert cell(None) == ""
    assert cell(Decimal("1E+2")) == "100"
    assert cell(dt.date(2024, 2, 29)) == "2024-02-29"


def test_a_row_torn_by_a_crash_is_dropped_before_appending(tmp_path: Path) -> None:
    export(tmp_path, "run-1")
    path = tmp_path / "exports" / "invoices.csv"
    with path.open("ab") as fh:
        fh.write(b"run-2,4,INV-")  # a writer died here: no line break, no receipt
    receipt = export(tmp_path, "run-2")
    assert receipt.details == {"row": "2"}
    table = rows(path)
    assert [r[0] for r in table] == ["run_id", "run-1", "run-2"]
    assert table[2][2] == "INV-9"


def test_a_file_with_another_header_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "exports" / "invoices.csv"
    path.parent.mkdir()
    path.write_bytes(b"vendor,amount\r\nACME,1\r\n")
    with pytest.raises(ModuleError, match="point setting `path` to a new file"):
        export(tmp_path)
    assert path.read_bytes() == b"vendor,amount\r\nACME,1\r\n"


def test_path_setting_is_relative_to_the_workspace_and_must_stay_inside(tmp_path: Path) -> None:
    receipt = export(tmp_path, path="ledger.csv")
    assert receipt.location == str((tmp_path / "ledger.csv").resolve())
    for bad in ("../outside.csv", "exports/", ""):
        with pytest.raises(ValueError, match="setting `path`"):
            CsvExport({"path": bad})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    workspace = tmp_path / "home"
    workspace.mkdir()
    (workspace / "exports").symlink_to(outside)
    with pytest.raises(ModuleError, match="outside the workspace"):
        export(workspace)
    assert list(outside.iterdir()) == []


def test_absolute_path_is_used_as_given(tmp_path: Path) -> None:
    target = tmp_path / "abs" / "all.csv"
    receipt = export(tmp_path / "home", path=str(target))
    assert receipt.location == str(target)
    assert rows(target)[1][0] == "run-1"


def test_settings_schema_is_closed() -> None:
    schema = CsvExport.spec.settings_schema
    jsonschema.validate({"path": "x/y.csv", "escape_formulas": False}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"directory": "exports"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"path": "../x.csv"}, schema)


def test_the_file_is_plain_rfc4180_csv_with_quoted_cells(tmp_path: Path) -> None:
    receipt = export(tmp_path, invoice=sample_invoice(seller=Party(name='Smith, "Bros"')))
    data = Path(receipt.location).read_bytes()
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 2
    assert b',"Smith, ""Bros""",' in data
    assert rows(Path(receipt.location))[1][HEADER.index("seller_name")] == 'Smith, "Bros"'


class TestCsvExportContract(ModuleContractSuite):
    module_class = CsvExport
    settings = {"path": "exports/invoices.csv"}

    def sample_inputs(self) -> Artifacts:
        return Artifacts([InvoiceArtifact(sample_invoice()), DECISION])
