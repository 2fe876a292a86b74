"""The complete module of docs/module-authors.md works as written: its code and its entry point are
taken from the guide, installed as a package into a home `turnout init` made before (the usual
order for an existing deployment), selected by a configuration straight away (no `turnout modules`
in between), and a real invoice runs through it with real `turnout` processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from support.plugin_packages import ENTRY_POINT_GROUP, install_plugin
from turnout.bootstrap import bundled_examples
from turnout.runtime.defaults import DEFAULT_POLICIES, DEFAULT_SELECTIONS

GUIDE = Path(__file__).parents[2] / "docs" / "module-authors.md"
TURNOUT = Path(sys.executable).parent / "turnout"
FENCED = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _block(language: str, containing: str) -> str:
    blocks = [body for lang, body in FENCED.findall(GUIDE.read_text("utf-8")) if lang == language]
    [block] = [b for b in blocks if containing in b]
    return block


def _turnout(tmp_path: Path, site: Path, *args: str) -> str:
    env = {**os.environ, "TURNOUT_HOME": str(tmp_path / "home"), "TURNOUT_ACTOR": "ann"}
    env.pop("TURNOUT_DATABASE_URL", None)
    env["PYTHONPATH"] = str(site)
    proc = subprocess.run(
        [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, f"turnout {' '.join(args)} exited {proc.returncode}: {proc.stderr}"
    return proc.stdout


def test_the_guides_example_module_installs_is_selected_and_exports_a_real_invoice(
    tmp_path: Path,
) -> None:
    source = _block("python", "class TextSummary(StageModule)")
    entry_points = tomllib.loads(_block("toml", ENTRY_POINT_GROUP))["project"]["entry-points"]
    [(module_id, target)] = entry_points[ENTRY_POINT_GROUP].items()
    site = tmp_path / "site"
    _turnout(tmp_path, site, "init")
    install_plugin(site, target.split(":")[0], {module_id: target}, source)

    selected = yaml.safe_load(_block("yaml", f"module: {module_id}"))["selections"]["export"]
    selections: dict[str, Any] = {s: {"module": m} for s, m in DEFAULT_SELECTIONS.items()}
    selections["export"] = selected
    policies = {
        stage: {"fallback": p.fallback, "triggers": list(p.triggers), "actions": dict(p.actions)}
        for stage, p in DEFAULT_POLICIES.items()
        if stage != "export"  # no fallback: the guide's module alone must deliver
    }
    document = tmp_path / "summary.yaml"
    document.write_text(
        yaml.safe_dump(
            {"summary": "text summaries", "selections": selections, "policies": policies}
        ),
        encoding="utf-8",
    )
    _turnout(tmp_path, site, "config", "create", "-f", str(document), "--summary", "summaries")
    _turnout(tmp_path, site, "config", "activate", "2")

    invoice = next(p for p in bundled_examples() if p.name == "cii-invoice.xml")
    [run] = json.loads(_turnout(tmp_path, site, "process", str(invoice), "--json"))
    export = [s for s in run["stages"] if s["stage"] == "export"]
    assert [(s["module"], s["outcome"]) for s in export] == [(module_id, "ok")], run
    written = tmp_path / "home" / selected["settings"]["directory"] / f"{run['run_id']}.txt"
    assert written.read_text("utf-8") == (
        "AVR-24-00317\tAtelier Verrier du Rhône SARL\t"
        f"{_payable(invoice)}\tEUR\t{run['decision']['outcome']}\n"
    )


def _payable(invoice: Path) -> str:
    expected = json.loads(invoice.with_name("cii-invoice.expected.json").read_text("utf-8"))
    return str(expected["invoice"]["totals"]["payable"])
