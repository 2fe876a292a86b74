"""Distributed workers on PostgreSQL: real `turnout worker` processes sharing one database.

Throughput: for 1, 2 and 4 worker processes (`turnout worker --until-empty --concurrency 2`), a
fresh throwaway database (created, `turnout init`, dropped at the end even on error) gets the
same backlog of BENCH_BACKLOG distinct UBL invoices (the bundled example, each with its own
invoice number), submitted like `turnout submit` does. The workers are held at a starting gate
until every one of them has registered with the queue (the benchmark holds an EXCLUSIVE lock on
`procrastinate_jobs`, which blocks their first fetch), so that one process's start-up does not
eat into the others' time. The rate is read from the runs table: runs finished / (last
`finished_at` - first `started_at`). Every run must end `completed`. BENCH_REPEATS rounds of
1, 2, 4 workers in turn (so that drift on a shared machine hits them alike); medians printed.

Barrier pause: two workers serve a backlog of BENCH_ROUND_BACKLOG invoices; once a third of it
is done, a new configuration version is created, validated and activated. The activation is
pending while the runs in flight finish on the old version (anywhere in the cluster); then it
switches and admission resumes. From the database:
- pause: first `started_at` of a run on the new version - the `activate`/`pending` event,
- drain: the `switch` event - the `activate`/`pending` event.
BENCH_ROUNDS rounds, medians printed. No run may start on the old version after the switch.

Prints `BENCH workers_1_per_s`, `BENCH workers_2_per_s`, `BENCH workers_4_per_s`,
`BENCH workers_2_speedup` (workers_2 / workers_1), `BENCH barrier_pause_ms` and
`BENCH barrier_drain_ms`. Each round also prints the CPU a run costs in the workers and in
the PostgreSQL backends serving them (read from /proc when the server runs on this machine),
and the cores they kept busy: one worker keeping `b` of `c` cores busy bounds two workers'
speedup by `c / b`, which is printed too. Without a reachable server it prints a `skipped: ...` line and exits 0.

Env: BENCH_BACKLOG (300), BENCH_REPEATS (3), BENCH_ROUNDS (3), BENCH_ROUND_BACKLOG (150),
BENCH_PG_URL (postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.queue_worker import submit
from turnout.runtime.validation import document_of
from turnout.settings import Settings

BACKLOG = int(os.environ.get("BENCH_BACKLOG", "300"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ROUND_BACKLOG = int(os.environ.get("BENCH_ROUND_BACKLOG", "150"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WORKER_COUNTS = (1, 2, 4)
CONCURRENCY = 2
TURNOUT = Path(sys.executable).parent / "turnout"
ACTOR = "bench"
FINISHED = "status NOT IN ('queued', 'running')"


@dataclass(frozen=True)
class Cluster:
    """A throwaway database initialised by `turnout init`, and the environment of its workers."""

    url: str
    home: Path
    env: dict[str, str]
    logs: Path

    def app(self) -> App:
        return bootstrap(Settings(home=self.home, database_url=self.url))

    def count(self, query: str, *params: object) -> int:
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute(query, params or None).fetchone()
        return int(row[0]) if row is not None and row[0] is not None else 0


@dataclass(frozen=True)
class Throughput:
    workers: int
    completed: int
    runs: int
    seconds: float
    wall_s: float
    per_worker: list[int]
    worker_cpu_s: float
    server_cpu_s: float | None

    @property
    def per_s(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0

    @property
    def cores_busy(self) -> float | None:
        """The cores the workers and their PostgreSQL backends kept busy on average (None when
        the server's processes cannot be read: not on this machine)."""
        if self.server_cpu_s is None or self.wall_s <= 0:
            return None
        return (self.worker_cpu_s + self.server_cpu_s) / self.wall_s

    def cpu_line(self) -> str:
        per_run = 1000 / self.completed if self.completed else 0.0
        server = (
            f"PostgreSQL {self.server_cpu_s * per_run:.1f} ms"
            if self.server_cpu_s is not None
            else "PostgreSQL not on this machine"
        )
        busy = "" if self.cores_busy is None else f"; {self.cores_busy:.2f} cores busy"
        return f"CPU per run: workers {self.worker_cpu_s * per_run:.1f} ms, {server}{busy}"


def main() -> int:
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split())
        print(
            f"skipped: PostgreSQL is not reachable at {PG_URL} ({reason}); start the server "
            "or point BENCH_PG_URL at one"
        )
        return 0
    cpus = os.cpu_count() or 1
    print(
        f"{cpus} CPU(s); backlog of {BACKLOG} UBL invoices; "
        f"`turnout worker --until-empty --concurrency {CONCURRENCY}` x "
        f"{', '.join(map(str, WORKER_COUNTS))}, {REPEATS} rounds, interleaved"
    )
    rates: dict[int, list[float]] = {n: [] for n in WORKER_COUNTS}
    busy: dict[int, list[float]] = {n: [] for n in WORKER_COUNTS}
    with admin, tempfile.TemporaryDirectory() as tmp:
        for repeat in range(REPEATS):
            for n in WORKER_COUNTS:
                r = _throughput(admin, Path(tmp) / f"workers-{n}-{repeat}", n)
                rates[n].append(r.per_s)
                print(
                    f"{n} worker(s): {r.per_s:7.1f} runs/s ({r.completed}/{r.runs} completed in "
                    f"{r.seconds:.2f} s from first start to last finish; {r.wall_s:.2f} s from "
                    f"the gate opening to the last process exiting; runs per worker "
                    f"{'/'.join(map(str, r.per_worker))})"
                )
                print(f"    {r.cpu_line()}")
                if r.cores_busy is not None:
                    busy[n].append(r.cores_busy)
        pauses, drains = _barrier(admin, Path(tmp) / "barrier")
    for n in WORKER_COUNTS:
        print(f"{n} worker(s): runs/s {_fmt(rates[n])}")
    print(
        f"barrier: pause ms {_fmt(pauses)}; drain ms {_fmt(drains)} "
        f"({len(pauses)} rounds of {ROUND_BACKLOG} invoices, 2 workers)"
    )
    per_s = {n: statistics.median(rates[n]) for n in WORKER_COUNTS}
    for n in WORKER_COUNTS:
        print(f"BENCH workers_{n}_per_s {per_s[n]:.1f}")
    print(f"BENCH workers_2_speedup {per_s[2] / per_s[1]:.2f}")
    if busy[1]:
        # Two workers cannot keep more than the machine's cores busy: with one worker keeping
        # `busy` cores busy, two can at best go cpus / busy times as fast (and twice at most).
        one = statistics.median(busy[1])
        print(
            f"one worker keeps {one:.2f} of {cpus} cores busy (workers and PostgreSQL): "
            f"two can be at most {min(2.0, cpus / one):.2f}x as fast on this machine"
        )
    print(f"BENCH barrier_pause_ms {statistics.median(pauses):.1f}")
    print(f"BENCH barrier_drain_ms {statistics.median(drains):.1f}")
    return 0


# -- throughput ------------------------------------------------------------------------------------


def _throughput(admin: psycopg.Connection[tuple[object, ...]], home: Path, n: int) -> Throughput:
    with _cluster(admin, home) as cluster:
        _submit(cluster, invoices(BACKLOG, f"T{n}"))
        # The starting gate: the workers' first fetch waits for this lock, released once every
        # worker process has registered with the queue.
        with psycopg.connect(cluster.url) as gate:
            gate.execute("LOCK TABLE procrastinate_jobs IN EXCLUSIVE MODE")
            children_before = _children_cpu_s()
            with _workers(cluster, n, "--until-empty") as procs:
                _wait(
                    cluster,
                    f"{n} worker(s) to register with the queue",
                    lambda: cluster.count("SELECT count(*) FROM procrastinate_workers") >= n,
                    120,
                    procs,
                )
                with _ServerCpu(cluster.url) as server:
                    # what they spent starting (imports, plans, warm-up) is not the runs'
                    started_cpu_s = sum(_process_cpu_s(proc.pid) or 0.0 for proc in procs)
                    gate.commit()
                    t0 = time.perf_counter()
                    for proc in procs:
                        if proc.wait(timeout=600) != 0:
                            raise RuntimeError(
                                f"a worker exited with {proc.returncode}\n{_tails(cluster)}"
                            )
                    wall_s = time.perf_counter() - t0
            worker_cpu_s = _children_cpu_s() - children_before - started_cpu_s
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FILTER (WHERE status = 'completed'), count(*), "
                "EXTRACT(EPOCH FROM max(finished_at) - min(started_at)) FROM runs"
            ).fetchone()
            shares = conn.execute(
                "SELECT count(*) FROM runs GROUP BY worker ORDER BY count(*) DESC"
            ).fetchall()
        assert row is not None
        completed, runs, seconds = int(row[0]), int(row[1]), float(row[2] or 0.0)
        if completed != BACKLOG or runs != BACKLOG:
            raise RuntimeError(
                f"{n} worker(s): {completed} of {runs} runs completed, {BACKLOG} expected\n"
                f"{_tails(cluster)}"
            )
        return Throughput(
            n,
            completed,
            runs,
            seconds,
            wall_s,
            [int(s[0]) for s in shares],
            worker_cpu_s,
            server.cpu_s,
        )


def _process_cpu_s(pid: int) -> float | None:
    """CPU seconds (user and system) a live process used so far, from /proc; None when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _children_cpu_s() -> float:
    """CPU seconds (user and system) of this process's children that have ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _ServerCpu:
    """The CPU seconds the PostgreSQL backends serving one database used while it was open,
    read from /proc (the server on this machine): each backend's figure is sampled every
    0.1 s and its last sample kept, so a backend that ends before the workers do still counts
    (its last 0.1 s at most is missed). `cpu_s` is None when /proc does not show them."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._stop = threading.Event()
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._readable = True
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def __enter__(self) -> _ServerCpu:
        with psycopg.connect(self._url, autocommit=True) as conn:
            self._conn_pid = conn.info.backend_pid
            self._start = self._sample(conn)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_s(self) -> float | None:
        if not self._readable:
            return None
        return sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._last.items())

    def _sample_until_stopped(self) -> None:
        with psycopg.connect(self._url, autocommit=True) as conn:
            while True:
                self._last.update(self._sample(conn))
                if self._stop.wait(0.1):
                    break
            self._last.update(self._sample(conn))

    def _sample(self, conn: psycopg.Connection[tuple[object, ...]]) -> dict[int, float]:
        pids = [
            int(row[0])
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchall()
        ]
        cpu: dict[int, float] = {}
        for pid in pids:
            if pid == self._conn_pid:
                continue
            try:
                used = _process_cpu_s(pid)
            except PermissionError:
                self._readable = False
                continue
            if used is not None:  # None: it ended meanwhile, its last sample stands
                cpu[pid] = used
        return cpu


# -- the barrier -----------------------------------------------------------------------------------


def _barrier(
    admin: psycopg.Connection[tuple[object, ...]], home: Path
) -> tuple[list[float], list[float]]:
    pauses: list[float] = []
    drains: list[float] = []
    with _cluster(admin, home) as cluster:
        app = cluster.app()
        try:
            with _workers(cluster, 2) as procs:
                _wait(
                    cluster,
                    "2 workers to register with the queue",
                    lambda: cluster.count("SELECT count(*) FROM procrastinate_workers") >= 2,
                    120,
                    procs,
                )
                i = 0
                while len(pauses) < ROUNDS:
                    measured = _barrier_round(app, cluster, i, procs)
                    i += 1
                    if measured is not None:
                        pauses.append(measured[0])
                        drains.append(measured[1])
                    elif i > 3 * ROUNDS:
                        raise RuntimeError(
                            "the activation never had to wait: no run was in flight to drain"
                        )
                for proc in procs:
                    proc.send_signal(signal.SIGTERM)
                for proc in procs:
                    if proc.wait(timeout=60) != 0:
                        raise RuntimeError(
                            f"a worker exited with {proc.returncode} on SIGTERM\n{_tails(cluster)}"
                        )
        finally:
            app.close()
    return pauses, drains


def _barrier_round(
    app: App, cluster: Cluster, i: int, procs: list[subprocess.Popen[bytes]]
) -> tuple[float, float] | None:
    """One activation in the middle of a backlog: (pause ms, drain ms); None when nothing was in
    flight (the activation was immediate and there is nothing to measure)."""
    prefix = f"R{i}"
    _submit(cluster, invoices(ROUND_BACKLOG, prefix), app)
    finished = f"SELECT count(*) FROM runs WHERE file_name LIKE %s AND {FINISHED}"
    _wait(
        cluster,
        "a third of the round's backlog",
        lambda: cluster.count(finished, f"{prefix}-%") >= ROUND_BACKLOG // 3,
        120,
        procs,
    )
    service = app.configurations
    doc = document_of(service.get())
    module = (
        "validate.basic"
        if doc.selections["validate"].module != "validate.basic"
        else "validate.en16931"
    )
    version = service.create(
        ConfigDocument(
            f"bench round {i}: {module}", {**doc.selections, "validate": SelectionDoc(module)}
        ),
        ACTOR,
    ).config.version
    report = service.validate(version, ACTOR)
    assert report.valid, report.problems
    result = service.activate(version, ACTOR)
    _wait(
        cluster,
        "the round's backlog",
        lambda: cluster.count(finished, f"{prefix}-%") >= ROUND_BACKLOG,
        180,
        procs,
    )
    if result.status == "active":
        return None
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT "
            " (SELECT min(created_at) FROM configuration_change_events"
            "   WHERE config_version = %(v)s AND action = 'activate' AND result = 'pending'),"
            " (SELECT min(created_at) FROM configuration_change_events"
            "   WHERE config_version = %(v)s AND action = 'switch'),"
            " (SELECT min(started_at) FROM runs WHERE config_version = %(v)s),"
            " (SELECT count(*) FROM runs WHERE file_name LIKE %(like)s AND status <> 'completed'),"
            " (SELECT count(*) FROM runs r WHERE r.config_version <> %(v)s"
            "   AND r.file_name LIKE %(like)s AND r.started_at > (SELECT min(created_at)"
            "   FROM configuration_change_events WHERE config_version = %(v)s"
            "   AND action = 'switch'))",
            {"v": version, "like": f"{prefix}-%"},
        ).fetchone()
    assert row is not None
    requested, switched, first_new, not_completed, late_old = row
    if not_completed:
        raise RuntimeError(f"round {i}: {not_completed} run(s) did not complete\n{_tails(cluster)}")
    if late_old:
        raise RuntimeError(
            f"round {i}: {late_old} run(s) started on the old version after the switch"
        )
    if not (
        isinstance(requested, dt.datetime)
        and isinstance(switched, dt.datetime)
        and isinstance(first_new, dt.datetime)
    ):
        raise RuntimeError(
            f"round {i}: version {version} has no pending request, switch or run on it "
            f"(request {requested}, switch {switched}, first run {first_new})"
        )
    pause_ms = (first_new - requested).total_seconds() * 1000
    drain_ms = (switched - requested).total_seconds() * 1000
    print(f"  round {i}: version {version}: drain {drain_ms:.1f} ms, pause {pause_ms:.1f} ms")
    return pause_ms, drain_ms


# -- the cluster -----------------------------------------------------------------------------------


def invoices(n: int, prefix: str) -> list[tuple[str, bytes]]:
    """`n` distinct UBL invoices: the bundled example, each with its own invoice number."""
    template = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_text()
    first_id = re.compile(r"<cbc:ID>[^<]*</cbc:ID>")
    return [
        (
            f"{prefix}-{i:05d}.xml",
            first_id.sub(f"<cbc:ID>{prefix}-{i:05d}</cbc:ID>", template, 1).encode(),
        )
        for i in range(n)
    ]


@contextmanager
def _cluster(admin: psycopg.Connection[tuple[object, ...]], home: Path) -> Iterator[Cluster]:
    """A new database on the server, initialised by `turnout init`; dropped afterwards."""
    name = f"turnout_bench_workers_{secrets.token_hex(6)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base, _, _ = PG_URL.partition("?")
        url = base.rsplit("/", 1)[0] + "/" + name
        logs = home / "logs"
        logs.mkdir(parents=True)
        env = {
            **os.environ,
            "TURNOUT_HOME": str(home / "home"),
            "TURNOUT_DATABASE_URL": url,
            "TURNOUT_ACTOR": ACTOR,
            "TURNOUT_LOG_LEVEL": "WARNING",
            "COLUMNS": "200",
        }
        init = subprocess.run(
            [str(TURNOUT), "init"], env=env, capture_output=True, text=True, timeout=120
        )
        if init.returncode != 0:
            raise RuntimeError(f"`turnout init` failed:\n{init.stdout}\n{init.stderr}")
        yield Cluster(url, home / "home", env, logs)
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _submit(cluster: Cluster, files: list[tuple[str, bytes]], app: App | None = None) -> None:
    """Queue the files as `turnout submit` does (one run and one job per file)."""
    own = app is None
    app = app or cluster.app()
    try:
        done = submit(app.unit_of_work, files, app.clock)
    finally:
        if own:
            app.close()
    queued = sum(d.queued for d in done)
    if queued != len(files):
        raise RuntimeError(f"{queued} of {len(files)} invoices were queued")


@contextmanager
def _workers(cluster: Cluster, n: int, *extra: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`n` `turnout worker` processes; killed on the way out if still running."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for i in range(n):
            log = (cluster.logs / f"worker-{i}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [str(TURNOUT), "worker", "--concurrency", str(CONCURRENCY), *extra],
                    env=cluster.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            log.close()
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _wait(
    cluster: Cluster,
    what: str,
    until: Callable[[], bool],
    timeout_s: float,
    procs: list[subprocess.Popen[bytes]],
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if until():
            return
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            raise RuntimeError(
                f"waiting for {what}: a worker exited with {dead[0].returncode}\n{_tails(cluster)}"
            )
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout_s:g} s waiting for {what}\n{_tails(cluster)}")


def _tails(cluster: Cluster) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}"
        for p in sorted(cluster.logs.glob("*.log"))
    )


def _fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} (min {min(values):.1f}, max {max(values):.1f})"


if __name__ == "__main__":
    sys.exit(main())
