"""Catalog, audit trail, health and metrics endpoints."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from support.api import ADMIN, Api
from turnout.api import create_app
from turnout.bootstrap import App
from turnout.persistence import Database
from turnout.runtime.registry import ModuleRegistry
from turnout.settings import Settings


def test_stages_list_the_ten_stages_in_order_with_their_selected_module(api: Api) -> None:
    stages = api.get("/api/v1/stages").json()
    assert len(stages) == 10
    assert [s["order"] for s in stages] == sorted(s["order"] for s in stages)
    active = api.get("/api/v1/configurations/active").json()["selections"]
    for stage in stages:
        expected = active.get(stage["stage_id"], {}).get("module")
        assert stage["selected_module"] == expected


def test_modules_can_be_filtered_by_stage(api: Api) -> None:
    every = api.get("/api/v1/modules").json()
    text = api.get("/api/v1/modules", params={"stage": "text"}).json()
    assert text and all(m["stage_id"] == "text" for m in text)
    assert {m["module_id"] for m in text} < {m["module_id"] for m in every}
    assert any(m["module_id"] == "export.json" and m["status"] == "available" for m in every)


def test_contracts_and_policies_come_from_the_catalog_and_the_active_version(api: Api) -> None:
    contracts = api.get("/api/v1/contracts").json()
    assert {c["contract_id"] for c in contracts} >= {"text-v1", "export-v1"}
    policies = api.get("/api/v1/policies").json()
    active = api.get("/api/v1/configurations/active").json()
    assert policies == {"version": 1, "policies": active.get("policies", {})}


def test_events_filter_by_version_action_and_actor_and_page(api: Api) -> None:
    every = api.get("/api/v1/events", params={"limit": 1000}).json()
    assert {e["action"] for e in every} >= {"create", "activate", "user_add", "token_create"}
    by_admin = api.get("/api/v1/events", params={"actor": ADMIN, "action": "token_create"}).json()
    assert len(by_admin) == 4 and all(e["actor"] == ADMIN for e in by_admin)
    first_page = api.get("/api/v1/events", params={"limit": 2}).json()
    second_page = api.get("/api/v1/events", params={"limit": 2, "offset": 2}).json()
    assert [e["event_id"] for e in first_page + second_page] == [e["event_id"] for e in every[:4]]
    of_version_1 = api.get("/api/v1/events", params={"config_version": 1}).json()
    assert of_version_1 and all(e["config_version"] == 1 for e in of_version_1)
    missing = api.get("/api/v1/events", params={"config_version": 42})
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"


def test_a_bad_query_parameter_answers_422_in_the_error_shape(api: Api) -> None:
    response = api.get("/api/v1/runs", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["error"] == "RequestValidationError"
    assert "limit" in response.json()["detail"]


def test_health_readiness_and_metrics_need_no_token(api: Api) -> None:
    assert api.get("/healthz", role=None).json() == {"status": "ok"}
    ready = api.get("/readyz", role=None)
    assert ready.status_code == 200 and ready.json()["modules_available"] > 0
    metrics = api.get("/metrics", role=None)
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "turnout_" in metrics.text


def test_readiness_fails_with_503_on_an_uninitialised_database(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'never.db'}")
    app = App(settings, Database(settings.database_url), ModuleRegistry([]))
    try:
        with TestClient(create_app(app)) as client:
            response = client.get("/readyz")
    finally:
        app.close()
    assert response.status_code == 503
    assert response.json()["error"] == "NotReady" and "turnout init" in response.json()["detail"]
