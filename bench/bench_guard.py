"""How far a tripped guard lets its version run: `BENCH guard_trip_runs` (target <= 10).

What is counted: the runs admitted on the guarded version after the decision could be taken and
before the rollback was in force. The decision point is the finish of the run after which the
guard's `verdict` first decides (replayed here over the version's runs in the order they finished,
with the guard's own spec and baseline: for a version whose intake refuses every file and a
baseline with no failure, the second failed run of a 50-run window is already certain to break a
2-point limit); for a window that ends undecided it is the finish of the window's last run. A run
counts when its admission (`started_at`) is later than that finish. Runs admitted before it and
still in flight are not counted: they were admitted while the outcome was not yet known. Every
run counted here fails on the guarded version and is run again on the restored one.

Scenarios, each on a fresh database:
- `workers` (the issue's: PostgreSQL, three `turnout worker` processes with 2 runs each): a
  backlog of small UBL invoices is submitted; after BENCH_GUARD_BASELINE runs finished on the
  default version, a version whose intake.standard `max_bytes` is 100 is activated with a guard of
  50 runs. Printed as `BENCH guard_trip_runs` (skipped, with a line saying why, without PostgreSQL).
- `local` (`turnout process` style: one process, BENCH_GUARD_THREADS runs at once, SQLite): the
  same, with `Runner.run_many`. Printed as `BENCH guard_trip_runs_local`.

Env: BENCH_GUARD_FILES invoices per scenario (default 400), BENCH_GUARD_BASELINE (default 60),
BENCH_GUARD_THREADS (default 6), BENCH_PG_URL the PostgreSQL server (default
postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.domain.guard import Figures, GuardSpec, verdict
from turnout.domain.runs import Run, RunStatus
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.queue_worker import submit
from turnout.runtime.validation import document_of
from turnout.settings import Settings

FILES = int(os.environ.get("BENCH_GUARD_FILES", "400"))
BASELINE = int(os.environ.get("BENCH_GUARD_BASELINE", "60"))
THREADS = int(os.environ.get("BENCH_GUARD_THREADS", "6"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TURNOUT = Path(sys.executable).parent / "turnout"
ACTOR = "bench"
SPEC = GuardSpec(runs=50)


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        local = _local(Path(home) / "local")
        print(f"local: {local}")
        print(f"BENCH guard_trip_runs_local {local.late}")
        with _postgres_database() as url:
            if url is None:
                return 0
            workers = _workers(Path(home) / "workers", url)
        print(f"workers: {workers}")
        print(f"BENCH guard_trip_runs {workers.late}")
    return 0


class Outcome:
    def __init__(self, late: int, failed: int, seconds: float, rolled_back: bool) -> None:
        self.late, self.failed, self.seconds, self.rolled_back = late, failed, seconds, rolled_back

    def __str__(self) -> str:
        return (
            f"{self.late} run(s) admitted on the guarded version after the decision; "
            f"{self.failed} failed there (each re-run on the restored version); "
            f"rolled back: {self.rolled_back}; {self.seconds:.1f} s"
        )


def trip_runs(spec: GuardSpec, baseline: Figures, runs: list[Run]) -> int:
    """The runs of the guarded version (`runs`) admitted after the finish that decided."""
    ordered = sorted((r for r in runs if r.finished_at), key=lambda r: r.finished_at)  # type: ignore[arg-type,return-value]
    failed = review = 0
    decided_at = None
    for seen, run in enumerate(ordered, 1):
        failed += run.status is RunStatus.FAILED
        review += run.status is RunStatus.NEEDS_REVIEW
        if verdict(spec, baseline, Figures(seen, failed, review), None).status is not None:
            decided_at = run.finished_at
            break
    if decided_at is None:
        return 0
    return sum(1 for r in runs if r.started_at is not None and r.started_at > decided_at)


def invoices(n: int, prefix: str) -> list[tuple[str, bytes]]:
    """`n` distinct small UBL invoices (the bundled example, numbered)."""
    template = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_text()
    first_id = re.compile(r"<cbc:ID>[^<]*</cbc:ID>")
    return [
        (
            f"{prefix}-{i:05d}.xml",
            first_id.sub(f"<cbc:ID>{prefix}-{i:05d}</cbc:ID>", template, 1).encode(),
        )
        for i in range(n)
    ]


def _refusing_version(app: App) -> int:
    service = app.configurations
    doc = document_of(service.get(1))
    return service.create(
        ConfigDocument(
            "intake refuses every file (bench)",
            {**doc.selections, "intake": SelectionDoc("intake.standard", {"max_bytes": 100})},
        ),
        ACTOR,
    ).config.version


def _outcome(app: App, version: int, seconds: float) -> Outcome:
    with app.unit_of_work() as uow:
        guard = uow.guards.for_version(version)
        runs = [
            r
            for offset in range(0, 3 * FILES, 500)
            for r in uow.runs.list(limit=500, offset=offset)
            if r.config_version == version
        ]
    assert guard is not None, "no guard was armed"
    failed = sum(r.status is RunStatus.FAILED for r in runs)
    return Outcome(
        trip_runs(guard.spec, guard.baseline, runs),
        failed,
        seconds,
        guard.rollback_version is not None,
    )


def _local(home: Path) -> Outcome:
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home}/turnout.db"))
    try:
        app.init(ACTOR)
        files = invoices(FILES, "L")
        app.runner.run_many(files[:BASELINE], THREADS)
        version = _refusing_version(app)
        t0 = time.perf_counter()
        result = app.configurations.activate(version, ACTOR, guard=SPEC)
        assert result.status == "active", result.message
        app.runner.run_many(files[BASELINE:], THREADS)
        return _outcome(app, version, time.perf_counter() - t0)
    finally:
        app.close()


def _workers(home: Path, url: str) -> Outcome:
    env = {
        **os.environ,
        "TURNOUT_HOME": str(home),
        "TURNOUT_DATABASE_URL": url,
        "TURNOUT_LOG_LEVEL": "WARNING",
        "TURNOUT_ACTOR": ACTOR,
    }
    subprocess.run([str(TURNOUT), "init"], env=env, check=True, capture_output=True, timeout=120)
    app = bootstrap(Settings(home=home, database_url=url))
    logs = [home / f"worker-{i}.log" for i in range(3)]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        version = _refusing_version(app)
        submit(app.unit_of_work, invoices(FILES, "W"), app.clock)
        procs = [
            subprocess.Popen(
                [str(TURNOUT), "worker", "--concurrency", "2", "--lease", "3"],
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            for log in logs
        ]
        done = "SELECT count(*) FROM runs WHERE status NOT IN ('queued', 'running')"
        busy = "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')"
        _wait(app, lambda n: n(done) >= BASELINE, logs)
        t0 = time.perf_counter()
        result = app.configurations.activate(version, ACTOR, guard=SPEC)
        assert result.status in ("active", "pending"), result.message
        _wait(app, lambda n: n(busy) == 0 and n(done) >= FILES, logs)
        return _outcome(app, version, time.perf_counter() - t0)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        app.close()


def _wait(app: App, until: Callable[[Callable[[str], int]], bool], logs: list[Path]) -> None:
    def count(query: str) -> int:
        with app.unit_of_work() as uow:
            return int(uow.connection.exec_driver_sql(query).scalar_one())  # type: ignore[attr-defined]

    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if until(count):
            return
        threading.Event().wait(0.1)
    tails = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs)
    raise SystemExit(f"timed out; worker logs:\n{tails}")


@contextmanager
def _postgres_database() -> Iterator[str | None]:
    """The URL of a new, empty database on the server, dropped afterwards; None if unreachable."""
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {PG_URL}, skipping the workers scenario: {exc}")
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
    raise SystemExit(main())
