"""/api/v1/runs: uploads run through the pipeline and are recorded; listing and detail."""

from __future__ import annotations

import pytest

from support.api import ROLES, USERS, Api
from turnout.bootstrap import bundled_examples

UPLOADERS = {"operator", "maintainer", "admin"}


def _example(name: str) -> tuple[str, bytes]:
    path = next(p for p in bundled_examples() if p.name == name)
    return path.name, path.read_bytes()


def test_an_uploaded_example_runs_through_to_its_run_record(api: Api) -> None:
    name, data = _example("ubl-invoice.xml")
    response = api.post("/api/v1/runs", files=[("files", (name, data, "application/xml"))])
    assert response.status_code == 201, response.text
    (run,) = response.json()
    assert run["file"] == name and run["status"] == "completed" and run["config_version"] == 1
    assert {s["stage"] for s in run["stages"]} >= {"intake", "export"}
    assert run["invoice"]
    stored = api.get(f"/api/v1/runs/{run['run_id']}", role="viewer").json()
    assert stored == run
    listed = api.get("/api/v1/runs", params={"status": "completed"}).json()
    assert [r["run_id"] for r in listed] == [run["run_id"]]
    assert api.get("/api/v1/runs", params={"status": "failed"}).json() == []


def test_several_files_in_one_upload_give_one_run_each_in_order(api: Api) -> None:
    files = [("files", _example(n)) for n in ("cii-invoice.xml", "ubl-credit-note.xml")]
    runs = api.post("/api/v1/runs", files=files, role="maintainer").json()
    assert [r["file"] for r in runs] == ["cii-invoice.xml", "ubl-credit-note.xml"]
    assert len({r["run_id"] for r in runs}) == 2
    paged = api.get("/api/v1/runs", params={"limit": 1, "offset": 1}).json()
    assert len(paged) == 1


def test_the_uploaded_file_name_is_only_metadata_never_a_path(api: Api) -> None:
    _, data = _example("ubl-invoice.xml")
    evil = "../../../../etc/cron.d/ubl-invoice.xml"
    (run,) = api.post("/api/v1/runs", files=[("files", (evil, data))]).json()
    assert run["file"] == "ubl-invoice.xml"
    home = api.app.settings.home
    assert not (home.parent / "etc").exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_operators_maintainers_and_admins_upload_and_refusals_are_audited(
    api: Api, role: str
) -> None:
    response = api.post("/api/v1/runs", role=role, files=[("files", _example("ubl-invoice.xml"))])
    if role in UPLOADERS:
        assert response.status_code == 201
        return
    assert response.status_code == 403 and response.json()["error"] == "PermissionDenied"
    assert api.get("/api/v1/runs").json() == []
    events = api.get("/api/v1/events", params={"action": "run_upload"}).json()
    assert [(e["actor"], e["result"]) for e in events] == [(USERS[role], "refused")]


def test_a_file_over_the_size_limit_is_refused_with_413(api: Api) -> None:
    big = b"%PDF-1.7\n" + b"0" * 2_000_000
    response = api.post("/api/v1/runs", files=[("files", ("big.pdf", big))])
    assert response.status_code == 413
    assert "big.pdf" in response.json()["detail"] and "--max-upload-mb" in response.json()["detail"]
    assert api.get("/api/v1/runs").json() == []


def test_an_upload_without_files_or_with_an_empty_file_is_a_bad_request(api: Api) -> None:
    assert api.post("/api/v1/runs").status_code == 422
    empty = api.post("/api/v1/runs", files=[("files", ("empty.pdf", b""))])
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]


def test_an_unknown_run_answers_404(api: Api) -> None:
    response = api.get("/api/v1/runs/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {
        "error": "NotFound",
        "detail": "run does-not-exist does not exist; GET /api/v1/runs lists them",
    }
