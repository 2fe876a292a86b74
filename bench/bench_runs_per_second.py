"""Whole runs per second with the ten no-op modules (bench/noop_modules.py), persisted, side by
side in one run: SQLite (a temporary TURNOUT_HOME), PostgreSQL (a throwaway database, created and
dropped here) and, for context, the same runs in memory (no admission, no persistence).

Each persisted run is `runner.run_bytes`: admit (read the active version, insert the run), run
the ten stages, store the outcome and its attempts, apply a pending activation if drained.

Prints `BENCH sqlite_runs_per_s`, `BENCH postgres_runs_per_s` (skipped, with a line saying why,
when the server is unreachable), `BENCH memory_runs_per_s` and the ratios persisted / in memory.
Target (one process): at least 1,000 runs/s on SQLite. Rates come from the median of
BENCH_REPEATS blocks (databases interleaved, a warm-up round first).

Env: BENCH_RUNS runs per database in all (default 2000), BENCH_REPEATS blocks they are cut into
(default 5), BENCH_PG_URL the PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:  # bench/ is not a package; runpy.run_path does not add it
    sys.path.insert(0, BENCH_DIR)

from harness import in_memory_run, interleaved_medians, median  # noqa: E402
from noop_modules import NOOP_MODULES, NOOP_SELECTIONS, PDF_BYTES  # noqa: E402

from turnout.bootstrap import App, bootstrap  # noqa: E402
from turnout.domain.runs import RunStatus  # noqa: E402
from turnout.runtime.config_document import ConfigDocument, SelectionDoc  # noqa: E402
from turnout.runtime.registry import ModuleRegistry  # noqa: E402
from turnout.settings import Settings  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
FILENAME = "noop.pdf"
ACTOR = "bench"


def main() -> int:
    block = max(RUNS // REPEATS, 1)
    with tempfile.TemporaryDirectory() as home, _postgres_database() as pg_url:
        sqlite = _noop_app(Path(home) / "sqlite", f"sqlite:///{home}/sqlite/turnout.db")
        apps = {"sqlite": sqlite}
        if pg_url is not None:
            apps["postgres"] = _noop_app(Path(home) / "postgres", pg_url)
        modes: dict[str, tuple[Callable[[], object], int]] = {
            name: (_persisted_run(app), block) for name, app in apps.items()
        }
        memory = in_memory_run(
            sqlite.registry, sqlite.configurations.get(), Path(home), FILENAME, PDF_BYTES
        )
        modes["memory"] = (memory, block * 10)  # 10x as many: a block would be too short to time
        try:
            samples = interleaved_medians(modes, REPEATS)
        finally:
            for app in apps.values():
                app.close()
    per_s = {name: 1e9 / median(s) for name, s in samples.items()}
    for name, s in samples.items():
        print(
            f"{name:>8}: {per_s[name]:10.1f} runs/s, median {median(s) / 1000:8.1f} us/run "
            f"(min {min(s) / 1000:.1f}, max {max(s) / 1000:.1f}; "
            f"{REPEATS} blocks of {modes[name][1]} runs)"
        )
    print(f"BENCH sqlite_runs_per_s {per_s['sqlite']:.1f}")
    if "postgres" in per_s:
        print(f"BENCH postgres_runs_per_s {per_s['postgres']:.1f}")
    print(f"BENCH memory_runs_per_s {per_s['memory']:.1f}")
    print(f"BENCH sqlite_vs_memory_ratio {per_s['sqlite'] / per_s['memory']:.4f}")
    if "postgres" in per_s:
        print(f"BENCH postgres_vs_memory_ratio {per_s['postgres'] / per_s['memory']:.4f}")
    return 0


def _noop_app(home: Path, database_url: str) -> App:
    """An initialised Turnout whose active configuration selects the ten no-op modules."""
    # `turnout init` creates and activates the default configuration, and refuses (raises) when
    # the registry lacks the default modules: so the built-in modules stay in the registry,
    # beside the no-op ones, and the no-op configuration becomes version 2.
    registry = ModuleRegistry.discover().with_classes(NOOP_MODULES)
    app = bootstrap(Settings(home=home, database_url=database_url), registry=registry)
    app.init(ACTOR)
    service = app.configurations
    doc = ConfigDocument(
        "the ten no-op modules (bench)",
        {stage: SelectionDoc(module_id) for stage, module_id in NOOP_SELECTIONS.items()},
    )
    config = service.create(doc, ACTOR).config
    report = service.validate(config.version, ACTOR)
    assert report.valid, report.problems
    result = service.activate(config.version, ACTOR)
    assert result.status == "active", result.message
    return app


def _persisted_run(app: App) -> Callable[[], object]:
    runner = app.runner

    def run() -> object:
        return runner.run_bytes(FILENAME, PDF_BYTES)

    first = runner.run_bytes(FILENAME, PDF_BYTES)
    assert first.status is RunStatus.COMPLETED, first.reason
    return run


@contextmanager
def _postgres_database() -> Iterator[str | None]:
    """The URL of a new, empty database on the server, dropped afterwards; None if unreachable."""
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split())
        print(f"PostgreSQL not reachable at {PG_URL}, skipping it: {reason}")
        yield None
        return
    name = f"turnout_bench_{secrets.token_hex(6)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            base, _, _ = PG_URL.partition("?")
            yield base.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


if __name__ == "__main__":
    sys.exit(main())
