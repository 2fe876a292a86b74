"""What the audit trail's hash chain costs: recording an event chained (lock, read the last hash,
SHA-256, insert) against the same insert unchained, one event per transaction, on SQLite and
PostgreSQL (when reachable); 4 threads recording at once (chained: they queue for the chain's
lock); and how fast `turnout events verify` walks a trail.

Chained and unchained events go to two databases of their own (an unchained row would break the
chain), blocks taken in turn.

BENCH audit_event_ms / audit_event_unchained_ms (SQLite, one writer, median per event),
BENCH postgres_audit_event_ms / postgres_audit_event_unchained_ms,
BENCH postgres_audit_events_4_threads_per_s / ..._unchained_per_s,
BENCH audit_verify_events_per_s (SQLite).

Env: BENCH_EVENTS per block (300), BENCH_REPEATS blocks (5).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:
    sys.path.insert(0, BENCH_DIR)

from bench_runs_per_second import _postgres_database  # noqa: E402
from harness import interleaved_medians, median  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from turnout.domain.events import EventAction, EventResult  # noqa: E402
from turnout.persistence import Database  # noqa: E402
from turnout.persistence.tables import configuration_change_events  # noqa: E402
from turnout.runtime.audit import record_event, verify_chain  # noqa: E402

EVENTS = int(os.environ.get("BENCH_EVENTS", "300"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
THREADS = 4


def chained(db: Database) -> Callable[[], None]:
    def record() -> None:
        with db.unit_of_work() as uow:
            now = dt.datetime.now(dt.UTC)
            record_event(uow, None, EventAction.USER_ADD, "bench", EventResult.OK, "bench", now)
            uow.commit()

    return record


def unchained(db: Database) -> Callable[[], None]:
    """The insert as it was before the chain: no lock, no lookup, no hash."""

    def record() -> None:
        with db.unit_of_work() as uow:
            uow.connection.execute(
                insert(configuration_change_events).values(
                    action="user_add",
                    actor="bench",
                    result="ok",
                    message="bench",
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
            uow.commit()

    return record


def threaded_per_s(record: Callable[[], None], per_thread: int) -> float:
    threads = [
        threading.Thread(target=lambda: [record() for _ in range(per_thread)])
        for _ in range(THREADS)
    ]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return THREADS * per_thread / (time.perf_counter() - t0)


def measure(prefix: str, url_chained: str, url_plain: str) -> None:
    with_chain, without = Database(url_chained), Database(url_plain)
    try:
        for db in (with_chain, without):
            db.upgrade()
        samples = interleaved_medians(
            {"chained": (chained(with_chain), EVENTS), "plain": (unchained(without), EVENTS)},
            REPEATS,
        )
        ms = {name: median(s) / 1e6 for name, s in samples.items()}
        rates: dict[str, list[float]] = {"chained": [], "plain": []}
        for _ in range(REPEATS):
            rates["chained"].append(threaded_per_s(chained(with_chain), EVENTS // THREADS))
            rates["plain"].append(threaded_per_s(unchained(without), EVENTS // THREADS))
        t0 = time.perf_counter()
        with with_chain.reader() as uow:
            report = verify_chain(uow)
        verify_s = time.perf_counter() - t0
        assert report.intact, report.broken
        print(
            f"{prefix or 'sqlite'}: {ms['chained']:.3f} ms per chained event, "
            f"{ms['plain']:.3f} unchained; {THREADS} threads: {median(rates['chained']):.0f} "
            f"chained events/s, {median(rates['plain']):.0f} unchained; verified "
            f"{report.checked} events in {verify_s * 1000:.0f} ms"
        )
        print(f"BENCH {prefix}audit_event_ms {ms['chained']:.3f}")
        print(f"BENCH {prefix}audit_event_unchained_ms {ms['plain']:.3f}")
        print(f"BENCH {prefix}audit_events_4_threads_per_s {median(rates['chained']):.0f}")
        print(f"BENCH {prefix}audit_events_4_threads_unchained_per_s {median(rates['plain']):.0f}")
        print(f"BENCH {prefix}audit_verify_events_per_s {report.checked / verify_s:.0f}")
    finally:
        with_chain.dispose()
        without.dispose()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        measure("", f"sqlite:///{home / 'chained.db'}", f"sqlite:///{home / 'plain.db'}")
    with ExitStack() as stack:
        first = stack.enter_context(_postgres_database())
        second = stack.enter_context(_postgres_database())
        if first is not None and second is not None:
            measure("postgres_", first, second)
    return 0


if __name__ == "__main__":
    sys.exit(main())
