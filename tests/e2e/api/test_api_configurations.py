"""/api/v1/configurations: every endpoint for every role, and activation's four outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from support.api import ADMIN, ROLES, USERS, Api
from support.runs import running_run
from turnout.api import create_app
from turnout.bootstrap import App
from turnout.runtime.registry import ModuleRegistry

CHANGERS = {"operator", "maintainer"}


def _document(api: Api, summary: str) -> dict[str, Any]:
    active = api.get("/api/v1/configurations/active").json()
    return {"summary": summary, "selections": active["selections"], **_policies(active)}


def _policies(config: dict[str, Any]) -> dict[str, Any]:
    return {"policies": config["policies"]} if "policies" in config else {}


def _validated(api: Api, summary: str) -> int:
    created = api.post("/api/v1/configurations", json=_document(api, summary))
    assert created.status_code == 201, created.text
    version: int = created.json()["version"]
    checked = api.post("/api/v1/configurations/validate", json={"version": version})
    assert checked.status_code == 200 and checked.json()["valid"], checked.text
    return version


def _refusals(api: Api, user: str) -> list[dict[str, Any]]:
    events = api.get("/api/v1/events", params={"actor": user}).json()
    return [e for e in events if e["result"] == "refused"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_configurations(api: Api, role: str) -> None:
    history = api.get("/api/v1/configurations", role=role)
    assert history.status_code == 200
    assert [c["version"] for c in history.json()] == [1]
    assert set(history.json()[0]) == {
        "version",
        "status",
        "created_by",
        "created_at",
        "activated_at",
        "summary",
    }
    active = api.get("/api/v1/configurations/active", role=role).json()
    assert active["version"] == 1 and active["status"] == "active" and active["selections"]
    assert api.get("/api/v1/configurations/1", role=role).json() == active
    diff = api.get("/api/v1/configurations/1/diff/1", role=role).json()
    assert diff == {"from": 1, "to": 1, "changes": []}


@pytest.mark.parametrize("role", ROLES)
def test_only_operators_and_maintainers_create_configurations_and_refusals_are_audited(
    api: Api, role: str
) -> None:
    response = api.post("/api/v1/configurations", role=role, json=_document(api, role))
    if role in CHANGERS:
        assert response.status_code == 201
        assert response.json()["status"] == "validated" and response.json()["valid"] is True
        assert response.json()["created_by"] == USERS[role]
    else:
        assert response.status_code == 403
        body = response.json()
        assert body["error"] == "PermissionDenied" and USERS[role] in body["detail"]
        assert [e["action"] for e in _refusals(api, USERS[role])] == ["create"]


@pytest.mark.parametrize("role", ROLES)
def test_only_operators_and_maintainers_validate_activate_roll_back_and_cancel(
    api: Api, role: str
) -> None:
    version = _validated(api, "ready")  # as the operator
    calls = [
        ("/api/v1/configurations/validate", {"json": {"version": version}}),
        (f"/api/v1/configurations/{version}/activate", {}),
        ("/api/v1/configurations/1/rollback", {}),
        ("/api/v1/configurations/cancel-pending", {}),
    ]
    statuses = [api.post(path, role=role, **kwargs).status_code for path, kwargs in calls]
    if role in CHANGERS:
        # validate: checked again (200); activate: 200; rollback to 1: 200; cancel: none
        # pending (400)
        assert statuses == [200, 200, 200, 400]
    else:
        assert statuses == [403, 403, 403, 403]
        actions = {e["action"] for e in _refusals(api, USERS[role])}
        assert actions == {"validate", "activate", "rollback", "cancel"}


def test_activation_of_a_validated_version_answers_200_and_the_actor_is_the_token_user(
    api: Api,
) -> None:
    version = _validated(api, "switch now")
    response = api.post(f"/api/v1/configurations/{version}/activate", role="maintainer")
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert api.get("/api/v1/configurations/active").json()["version"] == version
    events = api.get("/api/v1/events", params={"config_version": version}).json()
    assert [(e["action"], e["actor"]) for e in reversed(events)] == [
        ("create", "ola"),
        ("validate", "ola"),
        ("activate", "mai"),
    ]


def test_activation_with_a_run_in_flight_answers_202_and_a_second_one_409(api: Api) -> None:
    first, second = _validated(api, "first"), _validated(api, "second")
    with api.app.unit_of_work() as uow:
        running_run(uow, 1)
        uow.commit()
    pending = api.post(f"/api/v1/configurations/{first}/activate")
    assert pending.status_code == 202 and pending.json()["status"] == "pending"
    refused = api.post(f"/api/v1/configurations/{second}/activate")
    assert refused.status_code == 409
    assert refused.json()["error"] == "ActivationPending"
    assert f"version {first} is already pending" in refused.json()["detail"]
    cancelled = api.post("/api/v1/configurations/cancel-pending")
    assert cancelled.status_code == 200


def test_activation_failing_revalidation_answers_400_with_the_reasons(
    api: Api, registry: ModuleRegistry
) -> None:
    version = _validated(api, "needs route.rules")
    without = ModuleRegistry(m for m in registry.all() if m.module_id != "route.rules")
    uninstalled = App(api.app.settings, api.app.database, without)
    with TestClient(create_app(uninstalled)) as client:
        response = client.post(
            f"/api/v1/configurations/{version}/activate",
            headers={"Authorization": f"Bearer {api.tokens['operator']}"},
        )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Rejected" and body["status"] == "rejected"
    assert "route.rules" in body["detail"] and body["problems"]
    assert api.get(f"/api/v1/configurations/{version}").json()["status"] == "rejected"
    assert api.get("/api/v1/configurations/active").json()["version"] == 1


def test_a_malformed_document_answers_400_listing_every_problem(api: Api) -> None:
    response = api.post(
        "/api/v1/configurations",
        json={"summary": "bad", "selections": {"text": {"module": "text.pdfium", "bogus": 1}}},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "InvalidConfiguration" and "bogus" in body["detail"]
    shape, *others = body["problems"]
    assert shape == {
        "stage": "text",
        "module": "text.pdfium",
        "message": "unknown selection key `bogus`",
        "fix": "a selection has only `module` and `settings`",
    }
    # with every problem of what could be read: the required stages it does not select too
    assert "required stage has no selection" in {p["message"] for p in others}
    assert api.get("/api/v1/configurations").json()[0]["version"] == 1  # nothing stored


def test_a_document_naming_an_unknown_module_is_refused_with_the_fix(api: Api) -> None:
    draft = {"summary": "unknown", "selections": {"text": {"module": "text.nonexistent"}}}
    response = api.post("/api/v1/configurations", json=draft)
    assert response.status_code == 400
    problems = response.json()["problems"]  # every problem in one answer
    [problem] = [p for p in problems if p["module"] == "text.nonexistent"]
    assert problem["message"] == "module is not installed" and "text.pdfium" in problem["fix"]
    assert {p["stage"] for p in problems if "required stage has no selection" in p["message"]}
    assert api.get("/api/v1/configurations").json()[0]["version"] == 1  # nothing stored
    not_a_mapping = api.post("/api/v1/configurations", json=["selections"])
    assert not_a_mapping.status_code == 422
    assert not_a_mapping.json()["error"] == "RequestValidationError"


def test_unknown_versions_answer_404_in_the_error_shape(api: Api) -> None:
    for response in (
        api.get("/api/v1/configurations/99"),
        api.get("/api/v1/configurations/1/diff/99"),
        api.post("/api/v1/configurations/99/activate"),
    ):
        assert response.status_code == 404
        assert response.json()["error"] == "NotFound" and "99" in response.json()["detail"]


def test_rollback_through_the_api_is_recorded_for_the_token_user(api: Api) -> None:
    version = _validated(api, "to roll back")
    assert api.post(f"/api/v1/configurations/{version}/activate").status_code == 200
    rolled = api.post("/api/v1/configurations/1/rollback", role="maintainer")
    assert rolled.status_code == 200 and rolled.json()["status"] == "active"
    latest = api.get("/api/v1/events", params={"action": "rollback"}).json()
    assert latest[0]["actor"] == "mai" and latest[0]["result"] == "ok"
    assert ADMIN not in {e["actor"] for e in latest}
