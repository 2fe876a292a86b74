"""`turnout stats`: fallback and failure rates per stage and module, read from the stored attempts
by a later process than the one that ran the invoices."""

from __future__ import annotations

from turnout.bootstrap import bundled_examples

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


def test_stats_json_counts_the_attempts_of_processed_invoices(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    files = [str(EXAMPLES["ubl-invoice.xml"]), str(EXAMPLES["cii-invoice.xml"])]
    cli("process", *files, "--json", check=True)

    rows = cli("stats", "--json", check=True).json()
    assert all(set(row) == STATS_KEYS for row in rows)
    by_stage = {(r["stage"], r["module"]): r for r in rows}
    assert [r["stage"] for r in rows][0] == "intake"  # stage order, not alphabetical
    intake = by_stage["intake", "intake.standard"]
    assert (intake["attempts"], intake["ok"], intake["failed"]) == (2, 2, 0)
    assert (intake["failure_rate"], intake["fallback_rate"]) == (0.0, 0.0)
    assert intake["mean_duration_ms"] > 0
    einvoice = by_stage["einvoice", "einvoice.xml"]
    assert (einvoice["attempts"], einvoice["ok"]) == (2, 2)
    text = next(r for r in rows if r["stage"] == "text")
    assert (text["attempts"], text["skipped"]) == (2, 2)  # XML needs no text layer

    assert cli("stats", "--version", "1", "--since", "1h", "--json", check=True).json() == rows
    assert cli("stats", "--since", "2999-01-01", "--json", check=True).json() == []


def test_stats_prints_a_table_and_refuses_an_unknown_version_or_a_bad_since(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    cli("process", str(EXAMPLES["ubl-invoice.xml"]), check=True)
    table = cli("stats", check=True).stdout
    assert "fallback rate" in table and "intake.standard" in table

    unknown = cli("stats", "--version", "99")
    assert unknown.code == 2 and "version 99 does not exist" in unknown.stderr
    bad = cli("stats", "--since", "last tuesday")
    assert bad.code == 2 and "such as 24h" in bad.stderr
