"""GET /api/v1/events/verify: the audit chain's state, for any signed-in role, on both engines."""

from __future__ import annotations

from support.api import Api
from support.tamper import TABLE, tamper


def test_verify_reports_an_intact_chain_then_the_first_changed_event(api: Api, db_url: str) -> None:
    assert api.get("/api/v1/events/verify", role=None).status_code == 401
    intact = api.get("/api/v1/events/verify", role="viewer")
    assert intact.status_code == 200, intact.text
    body = intact.json()
    assert body["intact"] is True and body["broken"] is None and body["checked"] >= 1
    newest = api.get("/api/v1/events", params={"limit": 1}).json()[0]["event_id"]
    tamper(db_url, f"UPDATE {TABLE} SET result = 'refused' WHERE event_id = {newest}")
    broken = api.get("/api/v1/events/verify", role="viewer").json()
    assert broken["intact"] is False and broken["broken"]["event_id"] == newest
    assert "changed after it was written" in broken["broken"]["problem"]
    assert broken["checked"] == body["checked"] - 1
