"""The size of the virtual environment `make demo` makes, against the one it made before.

(a) `make install` with `VENV` in a temporary folder: exactly the steps `make demo` runs before
    the demo (a fresh venv, `pip install -c constraints.txt -e .` with the Makefile's flags,
    opencv-python-headless in place of opencv-python); its size on disk right after, then again
    after `turnout demo` ran in it (Python writes the bytecode of what the demo imports).
(b) the way `make demo` installed before the product and the development tools were split:
    a fresh venv and `pip install -c constraints.txt -e '.[dev]'` (bytecode compiled at install).

Both install offline from the package index pip is configured with here. Prints the largest
packages of (a), then `BENCH demo_venv_mb` (a, after the demo), `demo_venv_installed_mb`
(a, before it), `demo_venv_before_mb` (b) and `demo_venv_ratio` (a after the demo / b;
target <= 0.5).

Env: BENCH_DEMO_VENV_BEFORE=0 skips (b), which takes a few minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("PYTHON", "python3")


def _size_mb(path: Path) -> float:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            file = Path(dirpath) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total / 1_000_000


def _site_packages(venv: Path) -> Path:
    return next(venv.glob("lib/python3*/site-packages"))


def _largest(venv: Path, count: int = 12) -> list[tuple[float, str]]:
    sizes = [(_size_mb(p), p.name) for p in _site_packages(venv).iterdir() if p.is_dir()]
    return sorted(sizes, reverse=True)[:count]


def _run(args: list[str], **kwargs: object) -> None:
    subprocess.run(args, check=True, **kwargs)  # type: ignore[call-overload]


def _demo_venv(tmp: Path) -> tuple[float, float]:
    venv = tmp / "demo"
    _run(["make", "--no-print-directory", "-s", "-C", str(ROOT), f"VENV={venv}", "install"])
    installed = _size_mb(venv)
    print("largest in the demo venv (MB):")
    for size, name in _largest(venv):
        print(f"  {size:7.1f}  {name}")
    home = tmp / "home"
    # as on a fresh machine: the SQLite default, and Python writing the bytecode it imports
    skip = {"TURNOUT_DATABASE_URL", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["TURNOUT_HOME"] = str(home)
    _run([str(venv / "bin" / "turnout"), "demo"], cwd=tmp, env=env, stdout=subprocess.DEVNULL)
    return installed, _size_mb(venv)


def _before_venv(tmp: Path) -> float:
    venv = tmp / "before"
    _run([PYTHON, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    _run([*pip, "--disable-pip-version-check", "-c", "constraints.txt", "-e", ".[dev]"], cwd=ROOT)
    return _size_mb(venv)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="turnout-demo-venv-"))
    try:
        installed, after_demo = _demo_venv(tmp)
        print(f"demo venv: {installed:.0f} MB installed, {after_demo:.0f} MB after `turnout demo`")
        before = None
        if os.environ.get("BENCH_DEMO_VENV_BEFORE", "1") != "0":
            before = _before_venv(tmp)
            print(f"before (product and development tools, compiled): {before:.0f} MB")
        print(f"BENCH demo_venv_mb {after_demo:.0f}")
        print(f"BENCH demo_venv_installed_mb {installed:.0f}")
        if before is not None:
            print(f"BENCH demo_venv_before_mb {before:.0f}")
            print(f"BENCH demo_venv_ratio {after_demo / before:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
