"""docs/environment.md lists every environment variable the code reads, and the README links it.

A variable counts as read when the source names `TURNOUT_<NAME>` anywhere, or passes a name to
`os.getenv`, or to `.get(...)` / `[...]` on something called `environ` or `env`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "turnout"
PAGE = ROOT / "docs" / "environment.md"
TURNOUT_NAME = re.compile(r"\bTURNOUT_[A-Z0-9_]*[A-Z0-9]\b")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")  # lower-case keys are other mappings (jinja2's env ...)


def _is_environment(node: ast.expr) -> bool:
    name = ast.unparse(node)
    return name.split(".")[-1] in {"environ", "env"} or name.endswith("environ)")


def _names_read(source: str) -> set[str]:
    names = set(TURNOUT_NAME.findall(source))
    for node in ast.walk(ast.parse(source)):
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
            func = node.func
            if func.attr == "getenv" or (func.attr == "get" and _is_environment(func.value)):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_environment(node.value):
            key = node.slice
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and ENV_NAME.match(key.value)
        ):
            names.add(key.value)
    return names


def variables_read() -> dict[str, list[str]]:
    read: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if not path.is_file():  # moved away while the folder was read
            continue
        for name in _names_read(path.read_text(encoding="utf-8")):
            read.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return read


def documented() -> set[str]:
    return set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", PAGE.read_text(encoding="utf-8")))


def test_every_environment_variable_the_code_reads_is_on_the_page() -> None:
    missing = {name: files for name, files in variables_read().items() if name not in documented()}
    assert not missing, f"document these in docs/environment.md: {missing}"


def test_the_scan_finds_the_variables_read_through_a_mapping() -> None:
    found = variables_read()
    assert "TURNOUT_HOME" in found
    assert "COLUMNS" in found  # os.environ.get("COLUMNS") in the command line
    assert _names_read('import os\nx = os.getenv("SOME_VAR")\ny = env["OTHER"]') == {
        "SOME_VAR",
        "OTHER",
    }


def test_the_readme_links_the_page() -> None:
    assert "(docs/environment.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
