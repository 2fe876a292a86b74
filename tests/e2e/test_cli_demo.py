"""`turnout demo` twice in one home (real processes, SQLite): the second tells the story the first
told, from what the first stored, adding no version and no run; no summary nests another."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the demo is a first-hour command
def test_a_second_demo_tells_the_same_story_and_adds_nothing(cli, real_cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """The demo, what a new user runs first, runs as the real console script each time; what it
    stored is read back in this process."""
    first = real_cli("demo", actor="ann", check=True)
    versions = cli("config", "history", "--all", "--json", actor="ann", check=True).json()
    runs = cli("runs", "--limit", "1000", "--json", actor="ann", check=True).json()

    second = real_cli("demo", actor="ann", check=True)
    again = cli("config", "history", "--all", "--json", actor="ann", check=True).json()
    assert again == versions
    assert len(cli("runs", "--limit", "1000", "--json", actor="ann", check=True).json()) == len(
        runs
    )
    summaries = [v["summary"] for v in again]
    assert not any(s.count("rollback to version") > 1 for s in summaries), summaries

    note, _, told = second.stdout.partition("\n\n")
    assert note.startswith("The demo ran in this home on ") and "nothing was run" in note
    assert told == first.stdout  # the same tables, the same change, the same rollback

    as_json = real_cli("demo", "--json", actor="ann", check=True).json()
    assert as_json["told_before"] is not None
    assert as_json["change"]["activation"]["status"] == "active"
    assert [r["run_id"] for r in as_json["runs"]] == [r["run_id"] for r in reversed(runs)][
        : len(as_json["runs"])
    ]
