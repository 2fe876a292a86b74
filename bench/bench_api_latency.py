"""REST API latency against a loaded database: 10,000 runs on SQLite, the app served in-process.

Loads BENCH_LOAD_RUNS finished runs (each with an extracted invoice, findings and a routing
decision) through the run repository in batches, then times `GET /api/v1/configurations/active`
and `GET /api/v1/runs?limit=50` with a bearer token through Starlette's TestClient (the whole
ASGI stack: authentication against the tokens table, the route, JSON encoding), interleaved
block by block. Prints `BENCH api_p95_ms_active <v>` and `BENCH api_p95_ms_runs <v>`.
Target (issue 6): p95 under 50 ms for both.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from turnout.api import create_app
from turnout.bootstrap import App, bootstrap
from turnout.domain.errors import StorageError
from turnout.domain.runs import Run, RunStatus
from turnout.runtime.tokens import TokenService
from turnout.settings import Settings

LOAD_RUNS = int(os.environ.get("BENCH_LOAD_RUNS", "10000"))
BATCH = 500
INSERT_ATTEMPTS = 3
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
STATUSES = (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_FALLBACK, RunStatus.NEEDS_REVIEW)


def _run(n: int, config_id: str, config_version: int, start: dt.datetime) -> Run:
    created = start + dt.timedelta(seconds=n)
    total = f"{100 + n % 9000}.{n % 100:02d}"
    return Run(
        run_id=str(uuid.uuid4()),
        file_name=f"invoice-{n:05d}.pdf",
        config_id=config_id,
        config_version=config_version,
        status=STATUSES[n % len(STATUSES)],
        created_at=created,
        source_sha256=f"{n:064x}",
        started_at=created,
        finished_at=created + dt.timedelta(milliseconds=40),
        invoice={
            "invoice_number": f"INV-{n:06d}",
            "issue_date": "2026-10-01",
            "currency": "EUR",
            "seller": {"name": f"Supplier {n % 250}", "vat_id": f"DE{n % 1000:09d}"},
            "buyer": {"name": "Turnout GmbH"},
            "totals": {"net": total, "tax": "19.00", "gross": total},
        },
        findings=[{"rule": "BR-CO-15", "severity": "warning", "message": "rounded"}][: n % 2],
        decision={"queue": "auto-approve" if n % 3 else "review", "rule": "default"},
    )


def _load(app: App, count: int) -> None:
    """Insert `count` finished runs in batches of BATCH, one transaction each; a batch that hits
    a storage error (a locked or unreachable database) is retried up to INSERT_ATTEMPTS times."""
    active = app.configurations.get(None)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for first in range(0, count, BATCH):
        batch = [
            _run(n, active.config_id, active.version, start)
            for n in range(first, min(first + BATCH, count))
        ]
        for attempt in range(1, INSERT_ATTEMPTS + 1):
            try:
                with app.unit_of_work() as uow:
                    for run in batch:
                        uow.runs.add(run)
                    uow.commit()
                break
            except (StorageError, OperationalError):  # e.g. `database is locked`
                if attempt == INSERT_ATTEMPTS:
                    raise
                time.sleep(0.1 * attempt)


def _latencies_ms(call: Callable[[], object], n: int) -> list[float]:
    gc.collect()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - t0) / 1e6)
    return samples


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), database_url=f"sqlite:///{home}/turnout.db")
        app = bootstrap(settings)
        try:
            app.init("bench")
            token = TokenService(app.unit_of_work).create("bench", "bench").token
            t0 = time.perf_counter()
            _load(app, LOAD_RUNS)
            print(f"loaded {LOAD_RUNS} runs in {time.perf_counter() - t0:.1f} s")
            headers = {"Authorization": f"Bearer {token}"}
            with TestClient(create_app(app), headers=headers) as client:

                def get(path: str) -> Callable[[], object]:
                    def call() -> object:
                        response = client.get(path)
                        if response.status_code != 200:
                            raise SystemExit(f"GET {path}: {response.status_code} {response.text}")
                        return response

                    return call

                calls = {
                    "active": get("/api/v1/configurations/active"),
                    "runs": get("/api/v1/runs?limit=50"),
                }
                if len(client.get("/api/v1/runs?limit=50").json()) != 50:
                    raise SystemExit("GET /api/v1/runs?limit=50 did not return 50 runs")
                for call in calls.values():  # warm-up
                    _latencies_ms(call, 20)
                samples: dict[str, list[float]] = {name: [] for name in calls}
                per_block = max(REQUESTS // REPEATS, 1)
                for _ in range(REPEATS):
                    for name, call in calls.items():
                        samples[name].extend(_latencies_ms(call, per_block))
        finally:
            app.close()
    for name, values in samples.items():
        print(
            f"{name}: {len(values)} requests, median {statistics.median(values):.2f} ms, "
            f"p95 {_p95(values):.2f} ms, max {max(values):.2f} ms"
        )
    for name, values in samples.items():
        print(f"BENCH api_p95_ms_{name} {_p95(values):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
