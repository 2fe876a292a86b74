"""How long the `turnout` command takes to start: whole processes, as a person at a terminal waits.

Spawns the real `turnout` console script of this environment (beside `sys.executable`) and times
each process from spawn to exit: (a) `turnout --help`, (b) `turnout check FILE` on the bundled
CII example (an e-invoice that is valid, so the command reads, parses and checks it), and for
context (c) the bare interpreter (`python -c pass`). The three are run in turn, one of each per
round, after a warm-up round (so that the page cache and .pyc files are warm for all of them:
PYTHONDONTWRITEBYTECODE is taken out of the children's environment, as on an installation, where
Python caches the bytecode of what it imports on first use);
medians and ranges over the rounds, with the CPU time each process used (user + system, from
`getrusage` of the children: on a loaded machine the wall clock waits for a core, the CPU time
much less so). No corpus and no database are needed: TURNOUT_HOME points
at an empty temporary folder, which neither command may touch.

Prints `BENCH cli_help_ms` (target <= 300), `BENCH check_one_file_ms` (target <= 500) and
`BENCH python_start_ms`, and the CPU medians as `BENCH cli_help_cpu_ms` and
`BENCH check_one_file_cpu_ms`. Env knob: `BENCH_ROUNDS` (15).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
TURNOUT = Path(sys.executable).with_name("turnout")
EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "turnout" / "examples" / "cii-invoice.xml"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spawn_ms(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Milliseconds from spawn to exit of one process, and the CPU milliseconds it used; it must
    succeed."""
    cpu = _children_cpu_s()
    start = time.perf_counter_ns()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    cpu_ms = (_children_cpu_s() - cpu) * 1000
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace')}"
        )
    return elapsed, cpu_ms


def main() -> int:
    if not TURNOUT.is_file():
        print(f"skipped: {TURNOUT} not found (install the project: pip install -e .)")
        return 0
    with tempfile.TemporaryDirectory(prefix="turnout-bench-cli-") as home:
        env = {**os.environ, "TURNOUT_HOME": str(Path(home) / "home"), "COLUMNS": "80"}
        env.pop("TURNOUT_DATABASE_URL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # else every start compiles what it imports
        commands = {
            "cli_help_ms": [str(TURNOUT), "--help"],
            "check_one_file_ms": [str(TURNOUT), "check", str(EXAMPLE)],
            "python_start_ms": [sys.executable, "-c", "pass"],
        }
        for argv in commands.values():  # warm-up: page cache, bytecode
            spawn_ms(argv, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, argv in commands.items():
                wall_ms, cpu_ms = spawn_ms(argv, env)
                samples[name].append(wall_ms)
                cpu[name].append(cpu_ms)
        if (Path(home) / "home").exists():
            raise SystemExit(f"`turnout --help` or `turnout check` created {Path(home) / 'home'}")
    print(f"{ROUNDS} rounds, one process of each in turn; median (min-max) ms, whole process:")
    print(f"  {'':<18} {'wall':>7}  {'':<11}  {'cpu':>5}")
    for name, values in samples.items():
        spent = cpu[name]
        print(
            f"  {name:<18} {statistics.median(values):7.0f}  "
            f"({min(values):.0f}-{max(values):.0f})".ljust(40)
            + f"{statistics.median(spent):5.0f}  ({min(spent):.0f}-{max(spent):.0f})"
        )
    for name, values in samples.items():
        print(f"BENCH {name} {statistics.median(values):.0f}")
    for name in ("cli_help_ms", "check_one_file_ms"):
        print(f"BENCH {name.removesuffix('_ms')}_cpu_ms {statistics.median(cpu[name]):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
