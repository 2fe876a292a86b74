"""Real `turnout worker` processes on the machine's PostgreSQL: a backlog of 1,000 invoices across
three workers, one killed with SIGKILL mid-run, every database connection dropped mid-run, an
activation in the middle, then SIGTERM. Every invoice must end with exactly one completed run,
exactly one export, on exactly one version."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from conftest import PostgresServer
from support.queue import jobs, ubl_invoices
from turnout.bootstrap import App, bootstrap
from turnout.domain.events import EventAction
from turnout.domain.runs import RunStatus
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.queue_worker import submit
from turnout.runtime.validation import document_of
from turnout.settings import Settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TURNOUT = Path(sys.executable).parent / "turnout"
BACKLOG = 1000
LEASE_S = 3.0


@pytest.fixture
def cluster(pg_server: PostgresServer, tmp_path: Path) -> Iterator[tuple[App, dict[str, str]]]:
    """A fresh database initialised by `turnout init`, and the environment workers run with."""
    name = pg_server.create_database("turnout_workers")
    url = pg_server.url(name)
    env = {
        **os.environ,
        "TURNOUT_HOME": str(tmp_path / "home"),
        "TURNOUT_DATABASE_URL": url,
        "TURNOUT_LOG_LEVEL": "WARNING",
        "TURNOUT_ACTOR": "ann",
    }
    subprocess.run([str(TURNOUT), "init"], env=env, check=True, capture_output=True, timeout=120)
    app = bootstrap(Settings(home=tmp_path / "home", database_url=url))
    try:
        yield app, env
    finally:
        app.close()
        pg_server.drop_database(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Worker:
    def __init__(self, env: dict[str, str], log: Path, *extra: str) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [str(TURNOUT), "worker", "--concurrency", "2", "--lease", str(LEASE_S), *extra],
            env={**env, "COLUMNS": "200"},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    @property
    def name(self) -> str:
        for _ in range(300):
            text = self.log.read_text(errors="replace")
            if text.startswith("worker "):
                return text.split()[1].rstrip(":")
            time.sleep(0.1)
        raise AssertionError(f"the worker did not start: {self.log.read_text()}")


def _count(app: App, sql: str, **params: object) -> int:
    with app.unit_of_work() as uow:
        return int(uow.connection.exec_driver_sql(sql, tuple(params.values()) or None).scalar_one())  # type: ignore[attr-defined]


def _wait(
    what: str, until: Callable[[], bool], timeout_s: float, logs: list[Path], url: str
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if until():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
    with psycopg.connect(url, autocommit=True) as conn:
        runs = conn.execute(
            "SELECT status, config_version, worker, count(*), max(lease_expires_at) FROM runs "
            "GROUP BY 1, 2, 3"
        ).fetchall()
        queue = conn.execute(
            "SELECT status, priority, worker_id, count(*), max(scheduled_at) "
            "FROM procrastinate_jobs GROUP BY 1, 2, 3"
        ).fetchall()
        pointers = conn.execute(
            "SELECT version, status FROM module_configurations ORDER BY version"
        ).fetchall()
    raise AssertionError(
        f"timed out waiting for {what}\nruns: {runs}\njobs: {queue}\nversions: {pointers}\n{tails}"
    )


def test_a_backlog_survives_a_killed_worker_dropped_connections_and_an_activation(
    cluster: tuple[App, dict[str, str]], tmp_path: Path
) -> None:
    app, env = cluster
    url = app.settings.database_url
    submitted = submit(app.unit_of_work, ubl_invoices(BACKLOG, "W"), app.clock)
    assert sum(d.queued for d in submitted) == BACKLOG

    logs = [tmp_path / f"worker-{i}.log" for i in range(3)]
    metrics_port = _free_port()
    workers = [Worker(env, logs[0]), Worker(env, logs[1], "--shutdown-deadline", "0.5")]
    workers.append(Worker(env, logs[2], "--metrics-port", str(metrics_port)))
    names = [w.name for w in workers]
    done_sql = "SELECT count(*) FROM runs WHERE status NOT IN ('queued', 'running')"
    try:
        # 1. SIGKILL a worker while it holds runs
        victim = workers[0]
        mid_run = (
            "SELECT count(*) FROM stage_results s JOIN runs r ON r.run_id = s.run_id "
            f"WHERE r.status = 'running' AND r.worker = '{names[0]}'"
        )

        # frozen while it is looked at, so that the run seen mid-run is still mid-run when it dies
        def frozen_mid_run() -> bool:
            victim.proc.send_signal(signal.SIGSTOP)
            time.sleep(0.05)  # a commit it sent just before stopping lands first
            if _count(app, mid_run) > 0:
                return True
            victim.proc.send_signal(signal.SIGCONT)
            return False

        _wait("the first worker to be mid-run", frozen_mid_run, 120, logs, url)
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(timeout=10)

        # 2. an activation while the backlog is processed: pending until the runs in flight
        #    (the victim's included, once reaped and resumed) end everywhere
        service = app.configurations
        doc = document_of(service.get(1))
        v2 = service.create(
            ConfigDocument(
                "basic validation", {**doc.selections, "validate": SelectionDoc("validate.basic")}
            ),
            "ann",
        ).config.version
        service.validate(v2, "ann")
        assert service.activate(v2, "ann").status in ("pending", "active")

        # 3. drop every connection to the database mid-run
        _wait(
            "a third of the backlog", lambda: _count(app, done_sql) >= BACKLOG // 3, 120, logs, url
        )
        with psycopg.connect(url, autocommit=True) as admin:
            dropped = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert dropped is not None and dropped[0] > 0

        # 4. SIGTERM mid-run: the second worker stops within its deadline (0.5 s), handing back
        #    what it cannot finish; the third takes it over
        _wait(
            "two thirds of the backlog",
            lambda: _count(app, done_sql) >= 2 * BACKLOG // 3,
            300,
            logs,
            url,
        )
        workers[1].proc.send_signal(signal.SIGTERM)
        assert workers[1].proc.wait(timeout=60) == 0, logs[1].read_text(errors="replace")[-3000:]
        held = f"SELECT count(*) FROM runs WHERE status = 'running' AND worker = '{names[1]}'"
        assert _count(app, held) == 0

        _wait("the whole backlog", lambda: _count(app, done_sql) >= BACKLOG, 300, logs, url)

        # the worker's own metrics
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as r:
            exposed = r.read().decode()
        assert "turnout_stage_outcomes_total{" in exposed and "turnout_runs_in_flight" in exposed

        # 5. SIGTERM on an idle worker: it stops at once
        workers[2].proc.send_signal(signal.SIGTERM)
        assert workers[2].proc.wait(timeout=60) == 0, logs[2].read_text(errors="replace")[-3000:]
    finally:
        for w in workers:
            if w.proc.poll() is None:
                w.proc.kill()
                w.proc.wait()

    with app.unit_of_work() as uow:
        runs = [
            r
            for offset in range(0, 2 * BACKLOG, 500)
            for r in uow.runs.list(limit=500, offset=offset)
        ]
        events = uow.events.list(limit=100)
        attempts = {r.run_id: uow.runs.get(r.run_id) for r in runs}

    # exactly one completed run per invoice
    assert len(runs) == BACKLOG
    assert Counter(r.status for r in runs) == {RunStatus.COMPLETED: BACKLOG}, Counter(
        (r.status, r.reason) for r in runs
    )
    numbers = Counter((r.invoice or {}).get("invoice_number") for r in runs)
    assert len(numbers) == BACKLOG and set(numbers.values()) == {1}

    # exactly one export per invoice
    exports = sorted((Path(env["TURNOUT_HOME"]) / "exports").glob("*.json"))
    assert sorted(p.stem for p in exports) == sorted(r.run_id for r in runs)
    exported = Counter(json.loads(p.read_text())["invoice"]["invoice_number"] for p in exports)
    assert exported == numbers

    # exactly one version per run: its validate stage used its version's module, and the switch
    # happened once, after which no run started on the old version
    expected = {1: "validate.en16931", v2: "validate.basic"}
    for run_id, run in attempts.items():
        assert run is not None and run.config_version in expected
        used = {a.module_id for a in run.attempts if a.stage_id == "validate"}
        assert used == {expected[run.config_version]}, run_id
    switches = [
        e
        for e in events
        if e.action is EventAction.SWITCH
        or (e.action is EventAction.ACTIVATE and e.config_version == v2)
    ]
    assert switches
    switched_at = max(e.created_at for e in switches)
    late_old = [
        r for r in runs if r.config_version == 1 and r.started_at and r.started_at > switched_at
    ]
    assert late_old == []
    assert any(r.config_version == v2 for r in runs)

    # the killed worker's runs were finished by others, from their last stored stage
    resumed = _count(
        app,
        f"SELECT count(DISTINCT run_id) FROM stage_results WHERE worker = '{names[0]}' "
        f"AND run_id IN (SELECT run_id FROM runs WHERE worker <> '{names[0]}')",
    )
    assert resumed > 0
    # and the queue is clean: no job waiting, none left behind by the killed worker
    assert [j for j in jobs(url) if j[1] in ("todo", "doing")] == []
