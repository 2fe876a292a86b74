"""`pip install` of Turnout's wheel gives a working `turnout`.

The wheel is built offline from a copy of the project (so the shared work tree gets no `build/`),
must hold every file of the source package (the code, the migrations, the examples, the schema,
the dashboard's templates and static files, the EN 16931 code lists), and is installed with
`pip install --no-deps` into a fresh virtual environment that sees this environment's dependencies
through a `.pth` line (not Turnout itself: that line adds a folder to `sys.path` without running
the editable install's hook). The installed `turnout` then initialises a new home and processes a
bundled example from the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "turnout"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    home: Path

    @property
    def turnout(self) -> Path:
        return self.venv / "bin" / "turnout"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
        env["TURNOUT_HOME"] = str(self.home)
        return subprocess.run(
            [str(self.turnout), *args],
            cwd=self.home.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )


def _source_files() -> set[str]:
    """Every file of the source package, as a path inside the wheel."""
    return {
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def _copy_project(into: Path) -> Path:
    project = into / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(
        ROOT / "src",
        project / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    return project


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    tmp = tmp_path_factory.mktemp("wheel")
    project = _copy_project(tmp)
    dist = tmp / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist), "."],
        cwd=project,
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("turnout-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_packages,) = venv.glob("lib/python3*/site-packages")
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            *pip,
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    home = tmp / "home"
    yield Installed(wheel=wheel, venv=venv, home=home)


def test_the_wheel_holds_every_file_of_the_package(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        shipped = {name for name in wheel.namelist() if name.startswith("turnout/")}
    missing = sorted(_source_files() - shipped)
    assert not missing, f"not in the wheel (pyproject [tool.setuptools.package-data]): {missing}"
    for needed in (
        "turnout/persistence/migrations/versions/0001_initial.py",
        "turnout/schemas/invoice.schema.json",
        "turnout/examples/ubl-invoice.xml",
        "turnout/api/dashboard/static/dashboard.css",
        "turnout/modules/validate/en16931/codelists/currency.txt",
    ):
        assert needed in shipped or not (PACKAGE.parent / needed).exists(), needed


def test_the_installed_command_is_the_wheels(installed: Installed) -> None:
    python = installed.venv / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import turnout; print(turnout.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.venv), where


def test_the_installed_turnout_initialises_and_processes_a_bundled_example(
    installed: Installed,
) -> None:
    helped = installed.run("--help")
    assert helped.returncode == 0, helped.stderr
    assert "process" in helped.stdout

    initialised = installed.run("init")
    assert initialised.returncode == 0, initialised.stdout + initialised.stderr
    assert (installed.home / "turnout.db").is_file()

    (site_packages,) = installed.venv.glob("lib/python3*/site-packages")
    example = site_packages / "turnout" / "examples" / "ubl-invoice.xml"
    processed = installed.run("process", str(example), "--json")
    assert processed.returncode == 0, processed.stdout + processed.stderr
    runs = json.loads(processed.stdout)
    statuses = [run["status"] for run in (runs["runs"] if isinstance(runs, dict) else runs)]
    assert statuses == ["completed"], processed.stdout


def test_every_package_data_pattern_matches_a_file() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        patterns = tomllib.load(file)["tool"]["setuptools"]["package-data"]["turnout"]
    matching_nothing = [pattern for pattern in patterns if not list(PACKAGE.glob(pattern))]
    assert not matching_nothing, f"package-data patterns that match no file: {matching_nothing}"
