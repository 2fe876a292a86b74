"""`turnout --help` and `turnout check` start without loading what they do not use: each command's
module is imported when the command is used, and the database layer, the API, the queue and the
document readers stay out of the command line's import path. Each case runs in a fresh
interpreter (this one has imported everything already) and lists what it found in sys.modules."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import typer

from turnout.cli.app import COMMANDS, main
from turnout.cli.lazy_group import _target

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "turnout" / "examples" / "cii-invoice.xml"

# Packages neither `turnout --help` nor `turnout check` may import.
NEVER = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "fastapi",
    "starlette",
    "uvicorn",
    "procrastinate",
    "prometheus_client",
    "structlog",
    "jsonschema",
    "yaml",
    "onnxruntime",
    "rapidocr",
    "schwifty",
    "stdnum",
    "turnout.bootstrap",
    "turnout.persistence",
    "turnout.api",
    "turnout.distributed",
    "turnout.runtime.runner",
)
# ... and `turnout --help` reads no document either.
NOT_FOR_HELP = ("lxml", "pypdfium2", "pydantic", "pycountry", "turnout.modules")

_PROBE = """
import json, sys
from contextlib import redirect_stdout, redirect_stderr
from io import StringIO
from turnout.cli.app import main
with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _imported(args: list[str], home: Path) -> tuple[int, set[str]]:
    env = {"TURNOUT_HOME": str(home), "PATH": "/usr/bin:/bin", "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, check=True
    )
    found = json.loads(done.stdout.splitlines()[-1])
    return found["code"], set(found["modules"])


def _offenders(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(p for p in packages if any(m == p or m.startswith(f"{p}.") for m in modules))


def test_help_imports_no_command_dependencies(tmp_path: Path) -> None:
    code, modules = _imported(["--help"], tmp_path / "home")
    assert code == 0
    assert _offenders(modules, NEVER + NOT_FOR_HELP) == []
    assert not (tmp_path / "home").exists()


def test_check_imports_the_validator_and_not_the_database(tmp_path: Path) -> None:
    code, modules = _imported(["check", str(EXAMPLE)], tmp_path / "home")
    assert code == 0  # the bundled example is valid: it was read and checked
    assert "turnout.modules.validate.en16931.engine" in modules
    assert _offenders(modules, NEVER) == []
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("args", [["runs", "--help"], ["config", "--help"], ["process", "--help"]])
def test_a_group_or_command_help_imports_no_database(tmp_path: Path, args: list[str]) -> None:
    code, modules = _imported(args, tmp_path / "home")
    assert code == 0
    assert _offenders(modules, ("sqlalchemy", "alembic", "turnout.persistence")) == []


def _help(argv: list[str], build: typer.Typer | None = None) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        if build is None:
            main(argv)
        else:
            typer.main.get_command(build)(argv, standalone_mode=False, prog_name="turnout")
    return out.getvalue()


def test_the_command_listing_reads_as_with_every_command_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The listing is made from stand-ins carrying each command's help text; a Typer app with
    every command added the ordinary way prints the same help."""
    monkeypatch.setenv("COLUMNS", "100")
    eager = typer.Typer(
        name="turnout",
        help="Run accounts-payable invoices through a pipeline chosen by versioned configuration.",
        epilog="Exit codes: 0 success; 1 internal error; 2 usage error or refused request (one "
        "line on stderr says why); 3 `turnout process` ran its batch but some runs failed.",
        no_args_is_help=True,
        add_completion=False,
    )
    for name, reference in COMMANDS.items():
        target = _target(reference)
        if isinstance(target, typer.Typer):
            eager.add_typer(target, name=name)
        else:
            eager.command(name)(target)
    lazy = _help(["--help"])
    assert "check" in lazy and "Check e-invoices against the EN 16931 business rules" in lazy
    assert lazy == _help(["--help"], eager)
    assert _help(["runs", "--help"]) == _help(["runs", "--help"], eager)
