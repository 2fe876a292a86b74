"""Every configuration and command block in the README is executed, as a reader would run it.

- Each ```yaml block is a configuration document, or a part of one (a `guard:` block): it is
  created with the real `turnout config create -f` in a new home (a part merged into the active
  configuration first) and must come out validated.
- Each ```sh or ```bash block runs with bash (`set -euo pipefail`), in the README's order, with the
  real `turnout` on PATH, in one new home (`TURNOUT_HOME`, SQLite) and a working folder where
  `src/turnout/examples` is the bundled examples (as in a clone) and `vendors.csv` is a small vendor
  master (the file a reader brings). Before each block `RUN` is set to a run id, as the README
  says (one waiting for a person when there is one). A block whose first line is `# not run by the README test: <reason>` is
  skipped, and says why where the reader sees it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.in_process import run_turnout

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
SKIP = re.compile(r"^# not run by the README test: (?P<reason>\S.*)$")
VENDORS_CSV = (
    "vendor_id,name,vat_id,iban\nV-1,Acme Robotics Inc.,,\nV-2,Müller Feinmechanik GmbH,,\n"
)


def blocks(*langs: str) -> list[tuple[int, str]]:
    """(line number, body) of each fenced block in one of `langs`, in the README's order."""
    text = README.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 1, match["body"])
        for match in FENCE.finditer(text)
        if match["lang"] in langs
    ]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env.update(
        TURNOUT_HOME=str(home),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        COLUMNS="100",
    )
    return env


def _turnout(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "turnout"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _a_run(env: dict[str, str], cwd: Path) -> str:
    """The newest run waiting for a person, else the newest run, else "" (no database yet); read
    by commands run in this process (the blocks themselves run the real `turnout`)."""
    if not (Path(env["TURNOUT_HOME"]) / "turnout.db").exists():
        return ""
    for args in (("review", "list", "--json"), ("runs", "--json")):
        code, stdout, _ = run_turnout(args, env, cwd)
        runs = json.loads(stdout) if code == 0 else []
        if runs:
            return str(runs[0]["run_id"])
    return ""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "src" / "turnout").mkdir(parents=True)
    (tmp_path / "src" / "turnout" / "examples").symlink_to(ROOT / "src" / "turnout" / "examples")
    (tmp_path / "vendors.csv").write_text(VENDORS_CSV, encoding="utf-8")
    return tmp_path


def test_the_readme_has_configuration_and_command_blocks() -> None:
    assert len(blocks("yaml")) >= 2
    assert len(blocks("sh", "bash")) >= 5


def test_every_command_block_runs_in_order(workspace: Path) -> None:
    env = _env(workspace / "home")
    ran = 0
    for line, body in blocks("sh", "bash"):
        first = body.splitlines()[0] if body.strip() else ""
        if SKIP.match(first):
            continue
        env["RUN"] = _a_run(env, workspace)
        script = "set -euo pipefail\nPS4='+ README $(date +%s.%N): '\nset -x\n" + body
        done = subprocess.run(
            ["bash", "-c", script],
            env=env,
            cwd=workspace,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, (
            f"the README's command block at line {line} failed (exit {done.returncode}):\n"
            f"{done.stderr[-3000:]}\n--- stdout ---\n{done.stdout[-2000:]}"
        )
        ran += 1
    assert ran >= 4


def test_every_configuration_block_is_accepted(workspace: Path) -> None:
    env = _env(workspace / "home")
    assert _turnout(env, workspace, "init").returncode == 0
    active = yaml.safe_load(_turnout(env, workspace, "config", "export", "active").stdout)
    for line, body in blocks("yaml"):
        document = yaml.safe_load(body)
        if "selections" not in document:  # a part of a document, shown on its own
            document = {**active, **document, "summary": f"README line {line}"}
        path = workspace / f"readme-{line}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        created = _turnout(env, workspace, "config", "create", "-f", str(path))
        assert created.returncode == 0 and "validated" in created.stdout, (
            f"the README's configuration at line {line} is refused:\n"
            f"{created.stdout}{created.stderr}"
        )


def test_a_skipped_block_says_why() -> None:
    for line, body in blocks("sh", "bash"):
        lines = body.splitlines()
        marked = [n for n, text in enumerate(lines) if "not run by the README test" in text]
        assert marked in ([], [0]), f"block at line {line}: the skip mark goes on its first line"
        if marked:
            match = SKIP.match(lines[0])
            assert match and len(match["reason"]) > 10, f"block at line {line}: say why"
