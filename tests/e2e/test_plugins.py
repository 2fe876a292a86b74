"""Third-party module packages that misbehave cannot take Turnout down: one exits at import, one
hangs at import, one calls sys.exit() inline, one returns schema-breaking output. Every command
still works, the broken ones are `unavailable` with the reason, and every run completes through
the fallback. Real `turnout` processes; the packages are installed through entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.plugin_packages import install_misbehaving_plugins
from turnout.bootstrap import bundled_examples
from turnout.runtime.defaults import DEFAULT_POLICIES, DEFAULT_SELECTIONS

TURNOUT = Path(sys.executable).parent / "turnout"
# commands that must not import the hanging package get a limit they would never reach: if one
# imported it, it would hang until the subprocess timeout and fail the test
NEVER = "600"
SHORT = "1"


class Turnout:
    """`turnout` in a subprocess, on a SQLite database of its own, with the plugins or without."""

    def __init__(self, tmp_path: Path, plugins: Path) -> None:
        self.home, self.plugins, self.cwd = tmp_path / "home", plugins, tmp_path

    def __call__(
        self, *args: str, plugins: bool = True, import_timeout: str = NEVER
    ) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "TURNOUT_HOME": str(self.home),
            "TURNOUT_ACTOR": "ann",
            "TURNOUT_MODULE_IMPORT_TIMEOUT_S": import_timeout,
            "COLUMNS": "200",
        }
        env.pop("TURNOUT_DATABASE_URL", None)
        env.pop("PYTHONPATH", None)
        if plugins:
            env["PYTHONPATH"] = str(self.plugins)
        proc = subprocess.run(
            [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=60, cwd=self.cwd
        )
        assert proc.returncode == 0, (
            f"turnout {' '.join(args)} exited {proc.returncode}: {proc.stderr}"
        )
        return proc

    def json(self, *args: str, **kwargs: Any) -> Any:
        return json.loads(self(*args, "--json", **kwargs).stdout)


@pytest.fixture
def turnout(tmp_path: Path) -> Turnout:
    plugins = tmp_path / "site"
    install_misbehaving_plugins(plugins)
    return Turnout(tmp_path, plugins)


def _configuration(tmp_path: Path) -> Path:
    """The default configuration with the inline-exit route and the schema-breaking validate."""
    selections: dict[str, Any] = {s: {"module": m} for s, m in DEFAULT_SELECTIONS.items()}
    selections["route"] = {"module": "route.exits"}
    selections["validate"] = {"module": "validate.sloppy"}
    policies: dict[str, Any] = {
        stage: {"fallback": p.fallback, "triggers": list(p.triggers), "actions": dict(p.actions)}
        for stage, p in DEFAULT_POLICIES.items()
    }
    policies["route"] = {"fallback": "route.rules", "triggers": ["error"]}
    path = tmp_path / "plugins.yaml"
    document = {"summary": "third-party modules", "selections": selections, "policies": policies}
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_misbehaving_packages_break_no_command_and_every_run_completes_through_the_fallback(
    turnout: Turnout, tmp_path: Path
) -> None:
    turnout("init", plugins=False)  # the packages are installed after init

    modules = {m["module_id"]: m for m in turnout.json("modules", import_timeout=SHORT)}
    exits, hangs = modules["validate.exitsatimport"], modules["match.hangsatimport"]
    assert exits["status"] == "unavailable"
    assert exits["metadata"]["unavailable_reason"] == "import called sys.exit(3)"
    assert hangs["status"] == "unavailable"
    assert hangs["metadata"]["unavailable_reason"].startswith("import did not finish within 1 s")
    assert modules["route.exits"]["status"] == "available"
    assert modules["validate.sloppy"]["status"] == "available"
    assert modules["route.rules"]["is_fallback"] or modules["validate.basic"]["is_fallback"]

    turnout("init", import_timeout=SHORT)  # a re-init with them installed works too
    turnout("runs")

    turnout("config", "create", "-f", str(_configuration(tmp_path)), "--summary", "plugins")
    turnout("config", "validate", "2")
    turnout("config", "activate", "2")
    examples = [p for p in bundled_examples() if p.suffix == ".xml"][:3]
    runs = turnout.json("process", *map(str, examples))
    assert len(runs) == len(examples)
    for run in runs:
        assert run["status"] == "completed_with_fallback", run
        attempts = [(s["stage"], s["module"], s["outcome"]) for s in run["stages"]]
        assert ("validate", "validate.sloppy", "contract_violation") in attempts, attempts
        assert ("validate", "validate.basic", "fallback") in attempts, attempts
        assert ("route", "route.exits", "failed") in attempts, attempts
        assert ("route", "route.rules", "fallback") in attempts, attempts
        errors = {s["module"]: s["error"] for s in run["stages"]}
        assert errors["route.exits"] == "module called sys.exit(7)"
        assert "findings.items[0]" in errors["validate.sloppy"]

    turnout("config", "rollback", "1")
    history = turnout.json("config", "history")
    assert any(v.get("status") == "active" and v.get("version") == 3 for v in history), history
