"""`turnout stages` on a fresh home shows, for each stage, the fallback the active configuration's
policy uses (what runs when the selection fails), says when it has none, and keeps the registry's
designated fallback module in the JSON as `designated_fallback`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TURNOUT = Path(sys.executable).parent / "turnout"


@pytest.fixture(scope="module")
def turnout(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env.update(COLUMNS="120", TURNOUT_HOME=str(tmp_path_factory.mktemp("stages") / "home"))

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"turnout {' '.join(args)}: {done.stderr}"
        return done.stdout

    run("init")
    return run


def test_the_fallback_is_the_active_policy_s(turnout) -> None:  # type: ignore[no-untyped-def]
    policies = json.loads(turnout("config", "show", "active", "--json"))["policies"]
    stages = {d["stage_id"]: d for d in json.loads(turnout("stages", "--json"))}
    assert policies["extract"]["fallback"] == "extract.learned"
    for stage_id, d in stages.items():
        assert d["fallback_module"] == policies.get(stage_id, {}).get("fallback"), stage_id
    assert stages["extract"]["designated_fallback"] == "extract.heuristic"
    assert stages["intake"]["fallback_module"] is None


def test_the_table_shows_the_active_fallback_and_says_none(turnout) -> None:  # type: ignore[no-untyped-def]
    table = turnout("stages").splitlines()
    rows = {line.split("│")[2].strip(): line for line in table if line[:1] == "│"}
    assert "extract.learned" in rows["extract"] and "extract.heuristic" not in rows["extract"]
    assert rows["intake"].split("│")[-2].strip() == "none"
