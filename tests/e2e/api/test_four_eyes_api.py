"""/api/v1/settings and /api/v1/configurations/{v}/approve with the tokens of several users:
four eyes turned on by an admin, the author's activation held, refusals audited (403)."""

from __future__ import annotations

from typing import Any

import pytest

from support.api import ROLES, USERS, Api


def _validated(api: Api, summary: str, role: str = "operator") -> int:
    active = api.get("/api/v1/configurations/active").json()
    body = {"summary": summary, "selections": active["selections"]}
    if "policies" in active:
        body["policies"] = active["policies"]
    created = api.post("/api/v1/configurations", role=role, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "validated"
    version: int = created.json()["version"]
    return version


def _events(api: Api, **params: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.get("/api/v1/events", params=params).json()
    return found


def _four_eyes(api: Api, value: Any = "true") -> dict[str, Any]:
    answer = api.request("PUT", "/api/v1/settings/four_eyes", role="admin", json={"value": value})
    assert answer.status_code == 200, answer.text
    settings: dict[str, Any] = answer.json()
    return settings


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_settings(api: Api, role: str) -> None:
    answer = api.get("/api/v1/settings", role=role)
    assert answer.status_code == 200
    body = answer.json()
    assert body["settings"]["four_eyes"] == {
        "value": False,
        "default": False,
        "description": body["settings"]["four_eyes"]["description"],
    }
    assert set(body["sources"]) == {"files", "bytes", "oldest"}


def test_an_admin_changes_a_setting_and_the_change_is_audited(api: Api) -> None:
    body = _four_eyes(api, True)  # JSON true is taken as "true"
    assert body["settings"]["four_eyes"]["value"] is True
    retention = api.request(
        "PUT", "/api/v1/settings/source_retention_days", role="admin", json={"value": 90}
    )
    assert retention.json()["settings"]["source_retention_days"]["value"] == 90
    unset = api.request(
        "PUT", "/api/v1/settings/source_retention_days", role="admin", json={"value": None}
    )
    assert unset.json()["settings"]["source_retention_days"]["value"] is None
    assert api.get("/api/v1/settings").json()["settings"]["four_eyes"]["value"] is True
    messages = [e["message"] for e in _events(api, action="setting")]
    assert "installation setting four_eyes: false -> true" in messages
    assert "installation setting source_retention_days: 90 -> none" in messages
    assert {e["actor"] for e in _events(api, action="setting")} == {USERS["admin"]}


@pytest.mark.parametrize("role", ["viewer", "operator", "maintainer"])
def test_only_an_admin_changes_a_setting_whatever_the_body(api: Api, role: str) -> None:
    for body in ({"value": "true"}, {"nonsense": 1}):
        refused = api.request("PUT", "/api/v1/settings/four_eyes", role=role, json=body)
        assert refused.status_code == 403, refused.text
        assert "admin" in refused.json()["detail"]
    assert api.get("/api/v1/settings").json()["settings"]["four_eyes"]["value"] is False
    refusals = [e for e in _events(api, action="setting") if e["result"] == "refused"]
    assert [e["actor"] for e in refusals] == [USERS[role]] * 2


def test_a_wrong_key_or_value_is_a_400_saying_the_expected_form(api: Api) -> None:
    wrong = api.request("PUT", "/api/v1/settings/four_eye", role="admin", json={"value": "true"})
    assert wrong.status_code == 400 and "did you mean `four_eyes`?" in wrong.json()["detail"]
    bad = api.request(
        "PUT", "/api/v1/settings/trial_share", role="admin", json={"value": "most of it"}
    )
    assert bad.status_code == 400 and "from 0.01 to 1" in bad.json()["detail"]
    assert api.request("PUT", "/api/v1/settings/four_eyes", role="admin").status_code == 422
    refusals = [e for e in _events(api, action="setting") if e["result"] == "refused"]
    assert len(refusals) == 2


def test_four_eyes_over_the_api(api: Api) -> None:
    _four_eyes(api)
    version = _validated(api, "second", role="operator")  # written by ola
    held = api.post(f"/api/v1/configurations/{version}/activate", role="operator")
    assert held.status_code == 202 and held.json()["status"] == "awaiting_approval"
    assert api.get("/api/v1/configurations/active").json()["version"] == 1

    operator = api.post(f"/api/v1/configurations/{version}/approve", role="operator")
    assert operator.status_code == 403, operator.text
    assert "it needs the maintainer role" in operator.json()["detail"]
    viewer = api.post(f"/api/v1/configurations/{version}/approve", role="viewer")
    assert viewer.status_code == 403

    approved = api.post(f"/api/v1/configurations/{version}/approve", role="maintainer")
    assert approved.status_code == 200, approved.text
    assert approved.json() == {
        "version": version,
        "approved_by": [USERS["maintainer"]],
        "message": approved.json()["message"],
        "four_eyes": True,
    }
    active = api.post(f"/api/v1/configurations/{version}/activate", role="operator")
    assert active.status_code == 200 and active.json()["status"] == "active"

    rolled = api.post("/api/v1/configurations/1/rollback", role="operator")
    assert rolled.status_code == 200 and "needs no approval" in rolled.json()["message"]

    trail = {
        (e["action"], e["result"], e["actor"])
        for e in _events(api, config_version=str(version), limit="100")
    }
    assert trail >= {
        ("request", "pending", USERS["operator"]),
        ("approve", "refused", USERS["operator"]),
        ("approve", "refused", USERS["viewer"]),
        ("approve", "ok", USERS["maintainer"]),
        ("activate", "ok", USERS["operator"]),
    }


def test_approving_a_version_that_does_not_exist_is_a_404(api: Api) -> None:
    missing = api.post("/api/v1/configurations/99/approve", role="maintainer")
    assert missing.status_code == 404, missing.text


def test_a_maintainer_may_not_approve_their_own_version_over_the_api(api: Api) -> None:
    _four_eyes(api)
    version = _validated(api, "second", role="maintainer")  # written by mai
    own = api.post(f"/api/v1/configurations/{version}/approve", role="maintainer")
    assert own.status_code == 403 and "may not approve it" in own.json()["detail"]
    assert api.get(f"/api/v1/configurations/{version}").json()["approvals"] == []
    [refused] = _events(api, action="approve", config_version=str(version))
    assert (refused["result"], refused["actor"]) == ("refused", USERS["maintainer"])
