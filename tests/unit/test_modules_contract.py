"""The import-linter contract for modules forbids every top-level package and module of turnout
but the domain and the authoring surface, so a package added later cannot slip through."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import turnout

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
CONTRACT = "Modules import only the domain and the authoring surface"


def test_the_modules_contract_forbids_every_top_level_package_but_domain_and_authoring() -> None:
    contracts = tomllib.loads(PYPROJECT.read_text("utf-8"))["tool"]["importlinter"]["contracts"]
    [contract] = [c for c in contracts if c["name"] == CONTRACT]
    assert contract["source_modules"] == ["turnout.modules"]
    allowed = {"turnout.domain", "turnout.authoring", "turnout.modules"}
    top_level = {f"turnout.{m.name}" for m in pkgutil.iter_modules(turnout.__path__)}
    assert allowed <= top_level
    assert sorted(top_level - allowed) == sorted(contract["forbidden_modules"])
    assert not contract.get("ignore_imports")
