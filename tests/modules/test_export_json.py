"""export.json: one JSON file per run, atomic, idempotent, never outside its directory."""

from __future__ import annotations

import datetime as dt
import json
import random
import stat
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from turnout.domain.artifacts import (
    Decision,
    Finding,
    Findings,
    InvoiceArtifact,
    Match,
    Outcome,
    Receipt,
    Severity,
)
from turnout.domain.errors import ModuleError
from turnout.domain.invoice import FieldSource, Invoice, Party, Totals
from turnout.domain.invoice_schema import SCHEMA_ID
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.export.json import JsonExport, dumps_indented
from turnout.testing.einvoices import generate


def sample_invoice() -> Invoice:
    return Invoice(
        invoice_number="INV-9",
        issue_date=dt.date(2024, 6, 1),
        currency="EUR",
        seller=Party(name="Café Ünïcode SARL", country="FR"),
        totals=Totals(payable=Decimal("1234.50")),
        provenance={"totals.payable": FieldSource("extract.heuristic", 0.8)},
    )


DECISION = Decision(Outcome.REVIEW, ("total 1,234.50 EUR is above the review threshold",))
FINDINGS = Findings(
    (Finding("BR-06", Severity.FATAL, "seller name missing", "seller.name"),), "basic"
)


MATCH = Match(vendor_id="V-1001", vendor_name="Café Ünïcode SARL", method="name", score=0.9)


def context(workspace: Path, run_id: str = "run-42", revision: int = 0) -> RunContext:
    return RunContext(
        run_id, 7, "export", "export.json", workspace, file_name="scan 42.pdf", revision=revision
    )


def export(
    workspace: Path,
    settings: Mapping[str, Any] | None = None,
    run_id: str = "run-42",
    decision: Decision = DECISION,
    findings: Findings | None = FINDINGS,
    match: Match | None = MATCH,
    revision: int = 0,
) -> Receipt:
    artifacts = Artifacts([InvoiceArtifact(sample_invoice()), decision])
    for optional in (findings, match):
        if optional is not None:
            artifacts.add(optional)
    (out,) = JsonExport(settings).process(artifacts, context(workspace, run_id, revision))
    assert isinstance(out, Receipt)
    return out


def test_spec_is_the_default_export_module_and_covers_the_stage_contract() -> None:
    spec, contract = JsonExport.spec, STAGES_BY_ID["export"].contract
    assert not spec.is_fallback
    assert (spec.stage_id, spec.contract_id) == ("export", contract.contract_id)
    assert spec.inputs[: len(contract.inputs)] == contract.inputs
    assert all(not group.required for group in spec.inputs[len(contract.inputs) :])
    assert spec.outputs == contract.outputs
    assert "idempotent" in spec.guarantees and contract.guarantees <= spec.guarantees


def test_writes_one_json_file_named_after_the_run_in_the_workspace(tmp_path: Path) -> None:
    receipt = export(tmp_path)
    path = tmp_path / "exports" / "run-42.json"
    assert receipt.target == "file"
    assert receipt.location == str(path.resolve())
    assert Path(receipt.location).is_absolute()
    assert receipt.key == "run-42:export"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {
        "run_id": "run-42",
        "config_version": 7,
        "idempotency_key": "run-42:export",
        "source_file": "scan 42.pdf",
        "vendor_id": "V-1001",
        "invoice": sample_invoice().to_dict(),
        "invoice_schema": SCHEMA_ID,
        "findings": [FINDINGS.items[0].to_dict()],
        "ruleset": "basic",
        "decision": {"outcome": "review", "reasons": list(DECISION.reasons)},
    }
    assert document["invoice"]["totals"]["payable"] == "1234.50"
    assert "Café Ünïcode" in path.read_text(encoding="utf-8")
    assert receipt.details["bytes"] == str(path.stat().st_size)


@pytest.mark.parametrize("seed", [0, 1, 4, 9, 11])
def test_the_whole_invoice_model_is_written_and_fits_the_published_schema(
    tmp_path: Path, seed: int
) -> None:
    invoice = generate(seed)
    artifacts = Artifacts([InvoiceArtifact(invoice), DECISION])
    (receipt,) = JsonExport().process(artifacts, context(tmp_path))
    assert isinstance(receipt, Receipt)
    document = json.loads(Path(receipt.location).read_text(encoding="utf-8"))
    assert document["invoice"] == invoice.to_dict()
    assert Invoice.from_dict(document["invoice"]).to_dict() == invoice.to_dict()
    published = resources.files("turnout").joinpath("schemas/invoice.schema.json")
    schema = json.loads(published.read_text("utf-8"))
    assert document["invoice_schema"] == schema["$id"]
    jsonschema.Draft202012Validator(schema).validate(document["invoice"])
    assert document["invoice"]["lines"][0]["net_amount"] == str(invoice.lines[0].net_amount)


def test_a_persons_final_decision_after_review_is_exported_with_who_made_it(
    tmp_path: Path,
) -> None:
    decision = Decision(
        Outcome.APPROVE, ("approved by alice: checked the total", *DECISION.reasons), "alice"
    )
    receipt = export(tmp_path, decision=decision, match=None, revision=1)
    document = json.loads(Path(receipt.location).read_text(encoding="utf-8"))
    assert document["decision"] == {
        "outcome": "approve",
        "reasons": ["approved by alice: checked the total", *DECISION.reasons],
        "decided_by": "alice",
        "final": True,
    }
    assert (document["vendor_id"], document["source_file"]) == (None, "scan 42.pdf")
    assert document["idempotency_key"] == receipt.key == "run-42:export:r1"
    assert Path(receipt.location).name == "run-42.json"  # the same file, overwritten


def test_findings_are_left_out_when_validation_did_not_run(tmp_path: Path) -> None:
    receipt = export(tmp_path, findings=None)
    document = json.loads(Path(receipt.location).read_text(encoding="utf-8"))
    assert "findings" not in document and "ruleset" not in document
    assert document["decision"]["outcome"] == "review"


def test_re_running_the_same_run_writes_the_same_file_with_the_same_bytes(tmp_path: Path) -> None:
    first = export(tmp_path)
    content = Path(first.location).read_bytes()
    second = export(tmp_path)
    assert second == first
    assert Path(second.location).read_bytes() == content
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["run-42.json"]


def test_re_running_with_a_new_decision_replaces_the_file(tmp_path: Path) -> None:
    export(tmp_path)
    receipt = export(tmp_path, decision=Decision(Outcome.APPROVE, ("ok",)))
    document = json.loads(Path(receipt.location).read_text(encoding="utf-8"))
    assert document["decision"] == {"outcome": "approve", "reasons": ["ok"]}
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["run-42.json"]


def test_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    blocked = tmp_path / "exports" / "run-42.json"
    blocked.mkdir(parents=True)  # a directory where the file should go: the rename must fail
    with pytest.raises(OSError):
        export(tmp_path)
    assert [p.name for p in (tmp_path / "exports").iterdir()] == ["run-42.json"]
    assert blocked.is_dir()


def test_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    receipt = export(tmp_path)
    assert stat.S_IMODE(Path(receipt.location).stat().st_mode) == 0o600


def test_indent_setting_shapes_the_json(tmp_path: Path) -> None:
    receipt = export(tmp_path, {"indent": 4})
    lines = Path(receipt.location).read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith('    "run_id"')


# --- where the file may go ------------------------------------------------------------------


def test_relative_directory_resolves_against_the_workspace_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, elsewhere = tmp_path / "home", tmp_path / "cwd"
    workspace.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    receipt = export(workspace, {"directory": "out/json"})
    assert Path(receipt.location) == (workspace / "out" / "json" / "run-42.json").resolve()
    assert list(elsewhere.iterdir()) == []


def test_absolute_directory_is_the_operators_choice_and_is_used_as_given(tmp_path: Path) -> None:
    workspace, target = tmp_path / "home", tmp_path / "shared" / "exports"
    receipt = export(workspace, {"directory": str(target)})
    assert Path(receipt.location) == (target / "run-42.json").resolve()
    assert (target / "run-42.json").is_file()


@pytest.mark.parametrize("directory", ["../../etc", "..", "out/../../etc", "/srv/../etc", ""])
def test_directory_with_dot_dot_is_refused_by_the_schema_and_the_module(directory: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"directory": directory}, JsonExport.spec.settings_schema)
    with pytest.raises(ValueError, match="setting `directory`"):
        JsonExport({"directory": directory})


def test_names_with_dots_that_are_not_dot_dot_segments_are_allowed(tmp_path: Path) -> None:
    jsonschema.validate({"directory": "out..v2/.hidden"}, JsonExport.spec.settings_schema)
    receipt = export(tmp_path, {"directory": "out..v2/.hidden"})
    assert Path(receipt.location).parent == (tmp_path / "out..v2" / ".hidden").resolve()


def test_symlink_leading_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace, outside = tmp_path / "home", tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    (workspace / "exports").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ModuleError, match="outside the workspace"):
        export(workspace)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("run_id", ["../evil", "a/b", "/etc/passwd", "..", ".hidden", ""])
def test_run_id_that_is_not_a_plain_name_never_names_a_file(tmp_path: Path, run_id: str) -> None:
    with pytest.raises(ModuleError, match="cannot name an export file"):
        export(tmp_path / "home", run_id=run_id)
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def test_file_name_ignores_the_invoice_and_source_names(tmp_path: Path) -> None:
    receipt = export(tmp_path, run_id="01HZX3")
    assert Path(receipt.location).name == "01HZX3.json"


def _random_json(rnd: random.Random, depth: int = 0) -> Any:
    scalars: list[Any] = [
        None,
        True,
        False,
        0,
        -7,
        2**70,
        0.1,
        -2.5e-12,
        1e16,
        float("nan"),
        float("inf"),
        "",
        'Müller & Söhne "GmbH"\n\t\u2028€ \x00 \ud83d\ude00 \\',
    ]
    kind = rnd.randrange(4 if depth < 4 else 1)
    if kind == 1:
        return {
            rnd.choice(["a", "ä", "", 'k"ey', "\n"]) + str(i): _random_json(rnd, depth + 1)
            for i in range(rnd.randrange(4))
        }
    if kind == 2:
        return [_random_json(rnd, depth + 1) for _ in range(rnd.randrange(4))]
    if kind == 3:
        # left to json.dumps: tuples, non-string keys, str and int subclasses
        return rnd.choice(
            [(1, "x"), {1: "one", None: 2}, type("S", (str,), {})("s"), {"t": (True,)}]
        )
    return rnd.choice(scalars)


@pytest.mark.parametrize("indent", [0, 2, 4])
def test_rendering_writes_exactly_what_json_dumps_writes(indent: int) -> None:
    rnd = random.Random(indent)
    for _ in range(300):
        document = {"invoice": _random_json(rnd), "decision": _random_json(rnd)}
        expected = json.dumps(document, indent=indent, ensure_ascii=False)
        assert dumps_indented(document, indent) == expected
