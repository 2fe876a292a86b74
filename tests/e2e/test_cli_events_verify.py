"""`turnout events verify` end to end: exit 0 on an intact trail, 3 at the first broken link
after an event is changed with raw SQL (the triggers lifted), on SQLite and PostgreSQL."""

from __future__ import annotations

from support.tamper import TABLE, tamper


def test_events_verify_exits_0_when_intact_and_3_at_the_first_changed_event(  # type: ignore[no-untyped-def]
    cli, db_url: str
) -> None:
    cli("init", actor="ann", check=True)
    cli("users", "add", "bea", "--role", "viewer", actor="ann", check=True)
    intact = cli("events", "verify", "--json", check=True).json()
    assert intact["intact"] is True and intact["broken"] is None and intact["checked"] >= 2
    listed = cli("events", "--json", check=True).json()  # the listing is still `turnout events`
    assert len(listed) == intact["checked"]
    text = cli("events", "verify", check=True)
    assert "intact" in text.stdout and intact["head_hash"] in text.stdout

    victim = min(e["event_id"] for e in listed if e["actor"] == "ann" and e["action"] == "user_add")
    tamper(db_url, f"UPDATE {TABLE} SET message = 'nothing happened' WHERE event_id = {victim}")
    broken = cli("events", "verify")
    assert broken.code == 3, broken.stderr
    assert f"broken at event {victim}" in broken.stderr
    assert "changed after it was written" in broken.stderr
    as_json = cli("events", "verify", "--json")
    assert as_json.code == 3 and as_json.json()["broken"]["event_id"] == victim
