"""`turnout process` counts for a person exactly the runs `turnout review list` holds; a file
that failed unread is listed under its own heading, not as waiting for a person. The queue's
ranges the wrong way round are refused as the API refuses them. A run submitted for the workers
and not processed yet says so in `runs show` and `review show`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from support.queue import prepare_queue
from turnout.bootstrap import bundled_examples

ACME = next(p for p in bundled_examples() if p.name == "invoice-acme-en.pdf")


def test_the_process_summary_counts_the_runs_the_review_queue_holds(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    cli("init", actor="ann", check=True)
    cli("process", str(ACME), check=True)
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copyfile(ACME, batch / "acme-again.pdf")  # a duplicate: to review
    (batch / "broken.pdf").write_bytes(b"%PDF-1.7 not really a pdf")  # failed, never read

    processed = cli("process", str(batch))
    assert processed.code == 3, processed.stderr
    queue: list[dict[str, Any]] = cli("review", "list", "--json", check=True).json()
    assert [item["file"] for item in queue] == ["acme-again.pdf"]
    out = processed.stdout
    assert "1 run(s) for a person to look at (the review queue):" in out
    assert "1 run(s) rejected by the rules or failed unread (not for review):" in out
    waiting, stopped = out.split("(the review queue):")[1].split("(not for review):")
    assert "acme-again.pdf" in waiting and "broken.pdf" not in waiting
    assert "broken.pdf: failed" in stopped


def test_a_range_the_wrong_way_round_is_refused_as_the_api_refuses_it(  # type: ignore[no-untyped-def]
    cli,
) -> None:
    cli("init", actor="ann", check=True)
    amounts = cli("review", "list", "--min", "600", "--max", "500")
    assert amounts.code == 2 and "--min 600 is above --max 500; swap them" in amounts.stderr
    days = cli("review", "list", "--from", "2026-03-02", "--to", "2026-03-01")
    assert days.code == 2 and "--from 2026-03-02 is after --to 2026-03-01; swap them" in days.stderr
    assert cli("review", "list", "--min", "500", "--max", "500", check=True).code == 0


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_queued_run_says_it_is_not_processed_yet(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    prepare_queue(db_url)
    [submitted] = cli("submit", str(ACME), "--json", check=True).json()
    short = submitted["run_id"][:8]
    for command in ("runs", "review"):
        shown = cli(command, "show", short, check=True).stdout
        assert "decision: none yet (queued, not processed yet)" in shown, shown
        assert "ended before `route`" not in shown and "no invoice was read" not in shown
