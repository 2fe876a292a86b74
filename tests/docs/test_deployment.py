"""Every `turnout` command in docs/deployment.md's shell blocks exists, with the options it uses."""

from __future__ import annotations

import os
import re
from pathlib import Path

from support.in_process import run_turnout

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "deployment.md"
FENCE = re.compile(r"^```(?:sh|ini)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
COMMAND = re.compile(r"\bturnout((?: [a-z][a-z-]*){0,2})(?P<options>(?: [^#\n]*)?)")


def commands() -> dict[tuple[str, ...], set[str]]:
    """Each command (its words) with the options written after it on the page."""
    found: dict[tuple[str, ...], set[str]] = {}
    for block in FENCE.finditer(PAGE.read_text(encoding="utf-8")):
        for line in block["body"].splitlines():
            if "/bin/turnout" not in line and not line.lstrip().startswith("turnout "):
                continue
            match = COMMAND.search(line.split("/bin/")[-1])
            if match is None:
                continue
            words = tuple(w for w in match[1].split() if not w.isupper())
            options = set(re.findall(r"(--[a-z][a-z-]*)", match["options"]))
            found.setdefault(words, set()).update(options)
    return found


def test_the_page_shows_commands() -> None:
    assert ("serve",) in commands()
    assert ("worker",) in commands()


def test_every_command_on_the_page_exists_with_its_options() -> None:
    """Each command's help, asked in this process (`support.in_process`)."""
    env = {**os.environ, "COLUMNS": "200"}
    for words, options in commands().items():
        code, stdout, stderr = run_turnout([*words, "--help"], env, ROOT)
        shown = " ".join(words)
        assert code == 0, f"`turnout {shown}` does not exist: {stderr}"
        missing = sorted(o for o in options if o not in stdout)
        assert not missing, f"`turnout {shown}` has no option {missing}"
