"""Drafts that help, through /api/v1/configurations (SQLite and PostgreSQL): create answers with
every problem in words, DELETE archives a draft, and every listing follows the pipeline."""

from __future__ import annotations

from typing import Any

from support.api import USERS, Api
from support.e2e_support import DEFAULT_STAGES


def _document(api: Api, **route_settings: Any) -> dict[str, Any]:
    active = api.get("/api/v1/configurations/active").json()
    selections = dict(active["selections"])
    selections["route"] = {"module": "route.rules", "settings": route_settings}
    policies = {"policies": active["policies"]} if "policies" in active else {}
    return {"summary": "next", "selections": selections, **policies}


def _delete(api: Api, version: int, role: str = "operator") -> Any:
    return api.request("DELETE", f"/api/v1/configurations/{version}", role)


def test_create_stores_a_draft_with_every_problem_in_words(api: Api) -> None:
    response = api.post(
        "/api/v1/configurations", json=_document(api, review_above="12,50", min_confidnce=0.3)
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["valid"]) == ("draft", False)
    messages = [f"{p['message']}; {p['fix']}" for p in body["problems"]]
    assert len(messages) == 2
    assert any("did you mean `min_confidence`?" in m for m in messages)
    assert any("`12,50`" in m and "a decimal amount such as 100.00" in m for m in messages)
    assert not any("^[0-9]" in m for m in messages)


def test_delete_archives_and_hides_the_version_until_asked(api: Api) -> None:
    created = api.post("/api/v1/configurations", json=_document(api, review_above="5"))
    version = created.json()["version"]
    assert _delete(api, version, "viewer").status_code == 403
    deleted = _delete(api, version, "maintainer")
    assert deleted.status_code == 200 and deleted.json()["status"] == "archived"
    assert [c["version"] for c in api.get("/api/v1/configurations").json()] == [1]
    every = api.get("/api/v1/configurations", params={"archived": "true"}).json()
    assert [(c["version"], c["status"]) for c in every] == [(version, "archived"), (1, "active")]
    assert api.get(f"/api/v1/configurations/{version}").json()["status"] == "archived"
    refused = _delete(api, 1)
    assert refused.status_code == 400 and "cannot delete it" in refused.json()["detail"]
    again = _delete(api, version)
    assert again.status_code == 400 and "deleted already" in again.json()["detail"]
    events = api.get("/api/v1/events", params={"action": "delete"}).json()
    assert [(e["actor"], e["result"]) for e in reversed(events)] == [
        (USERS["viewer"], "refused"),
        (USERS["maintainer"], "ok"),
        (USERS["operator"], "refused"),
        (USERS["operator"], "refused"),
    ]


def test_a_version_lists_its_stages_in_pipeline_order_with_its_approvals(api: Api) -> None:
    doc = _document(api, review_above="5")
    doc["selections"] = dict(reversed(list(doc["selections"].items())))  # written backwards
    version = api.post("/api/v1/configurations", json=doc, role="operator").json()["version"]
    detail = api.get(f"/api/v1/configurations/{version}").json()
    order = [s for s in DEFAULT_STAGES if s in detail["selections"]]
    assert list(detail["selections"]) == order and detail["approvals"] == []
    diff = api.get(f"/api/v1/configurations/1/diff/{version}").json()
    assert [c["path"] for c in diff["changes"]] == ["selections.route.settings.review_above"]
