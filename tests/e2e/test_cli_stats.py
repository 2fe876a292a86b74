"""`turnout stats`: fallback and failure rates per stage and module, read from the stored attempts
by a later process than the one that ran the invoices."""

from __future__ import annotations

import datetime as dt

import pytest
import typer

from turnout.bootstrap import bundled_examples
from turnout.cli.stats import parse_since

EXAMPLES = {p.name: p for p in bundled_examples()}
STATS_KEYS = {
    "stage",
    "module",
    "attempts",
    "ok",
    "fallback",
    "failed",
    "skipped",
    "fallback_rate",
    "failure_rate",
    "mean_duration_ms",
}
NOW = dt.datetime(2025, 4, 8, 12, 0, tzinfo=dt.UTC)


def test_stats_counts_the_attempts_of_invoices_processed_earlier(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    files = [str(EXAMPLES["ubl-invoice.xml"]), str(EXAMPLES["cii-invoice.xml"])]
    cli("process", *files, "--json", check=True)

    rows = cli("stats", "--json", check=True).json()
    assert all(set(row) == STATS_KEYS for row in rows)
    assert rows[0]["stage"] == "intake"  # stage order, not alphabetical
    by_stage = {(r["stage"], r["module"]): r for r in rows}
    intake = by_stage["intake", "intake.standard"]
    assert (intake["attempts"], intake["ok"], intake["failed"]) == (2, 2, 0)
    assert (intake["failure_rate"], intake["fallback_rate"]) == (0.0, 0.0)
    assert intake["mean_duration_ms"] > 0
    einvoice = by_stage["einvoice", "einvoice.xml"]
    assert (einvoice["attempts"], einvoice["ok"]) == (2, 2)
    text = next(r for r in rows if r["stage"] == "text")
    assert (text["attempts"], text["skipped"]) == (2, 2)  # XML needs no text layer

    table = cli("stats", "--version", "1", "--since", "1h", check=True).stdout
    assert "fallback rate" in table and "intake.standard" in table and "since" in table
    unknown = cli("stats", "--version", "99")
    assert unknown.code == 2 and "version 99 does not exist" in unknown.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", NOW - dt.timedelta(hours=24)),
        ("7d", NOW - dt.timedelta(days=7)),
        ("30m", NOW - dt.timedelta(minutes=30)),
        ("2w", NOW - dt.timedelta(weeks=2)),
        ("2025-04-01", dt.datetime(2025, 4, 1, tzinfo=dt.UTC)),
        ("2025-04-01T09:30+02:00", dt.datetime(2025, 4, 1, 7, 30, tzinfo=dt.UTC)),
    ],
)
def test_since_is_a_duration_back_from_now_or_an_iso_date(text: str, expected: dt.datetime) -> None:
    assert parse_since(text, now=NOW) == expected


def test_since_that_is_neither_is_refused_with_examples() -> None:
    with pytest.raises(typer.Exit) as refused:
        parse_since("last tuesday", now=NOW)
    assert refused.value.exit_code == 2
