"""A PostgreSQL database with Turnout's schema and the worker queue, emptied for each test, and
distinct real invoices to submit."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg

from turnout.bootstrap import bundled_examples
from turnout.distributed.queue import ensure_schema

QUEUE_TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs")


def prepare_queue(url: str) -> None:
    """Create the queue schema when missing and empty its tables."""
    ensure_schema(url)
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        for table in QUEUE_TABLES:
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM procrastinate_workers")


def jobs(url: str, status: str | None = None) -> list[tuple[int, str, str]]:
    """(id, status, run_id) of every job in the queue (of that status)."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT id, status::text, args->>'run_id' FROM procrastinate_jobs ORDER BY id"
        ).fetchall()
    return [(int(i), str(s), str(r)) for i, s, r in rows if status is None or s == status]


def ubl_invoices(n: int, prefix: str = "Q") -> list[tuple[str, bytes]]:
    """`n` distinct UBL invoices (the bundled example with its own invoice number each)."""
    template = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_text()
    first_id = re.compile(r"<cbc:ID>[^<]*</cbc:ID>")
    return [
        (
            f"{prefix}-{i:05d}.xml",
            first_id.sub(f"<cbc:ID>{prefix}-{i:05d}</cbc:ID>", template, 1).encode(),
        )
        for i in range(n)
    ]


def example(name: str) -> Path:
    return next(p for p in bundled_examples() if p.name == name)
