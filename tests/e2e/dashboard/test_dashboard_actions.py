"""Dashboard forms: configuration changes and uploads go through the API's services, with the
signed-in user as the actor; refusals are audited and forms without the CSRF token are refused."""

from __future__ import annotations

import json

import pytest

from e2e.dashboard.dashboard_support import Dashboard, example
from support.api import USERS
from support.runs import running_run
from turnout.domain.configuration import ConfigStatus
from turnout.runtime.config_document import parse_document


def _events(dash: Dashboard, action: str) -> list[tuple[str, str, int | None]]:
    with dash.app.unit_of_work() as uow:
        found = uow.events.list(action=action)
    return [(e.actor, str(e.result), e.config_version) for e in found]


def _validated(dash: Dashboard) -> int:
    """A version created without problems: validated at once."""
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "validation gives up sooner"
    doc["policies"]["validate"]["actions"]["timeout_s"] = 20
    created = dash.app.configurations.create(parse_document(doc), "mai")
    assert created.config.status is ConfigStatus.VALIDATED
    return created.config.version


def _draft(dash: Dashboard) -> int:
    """A draft: stored with a problem to fix (a setting of the wrong type)."""
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "routing, half done"
    doc["selections"]["route"]["settings"] = {"reject_on_fatal": "sometimes"}
    created = dash.app.configurations.create(parse_document(doc), "mai")
    assert created.config.status is ConfigStatus.DRAFT and created.problems
    return created.config.version


def test_an_operator_creates_activates_and_rolls_back_through_the_forms(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    client = dash.session("operator")
    csrf = dash.csrf(client, "/configurations/new")
    document = client.get("/configurations/new").text.split('name="document"')[1]
    assert "extract.templates" in document

    text = dash.app.configurations.get(1).document()
    text["policies"]["validate"]["actions"]["timeout_s"] = 20
    created = client.post(
        "/configurations/new",
        data={"csrf": csrf, "document": json.dumps(text), "summary": "shorter validation timeout"},
    )
    assert created.status_code == 303 and created.headers["location"] == "/configurations/2"
    page = client.get("/configurations/2").text
    assert "version 2 created and validated" in page and "try it on recent invoices" in page
    assert "Next: validate" not in page and 'id="problems"' not in page
    assert dash.app.configurations.get(2).status is ConfigStatus.VALIDATED

    activated = client.post("/configurations/2/activate", data={"csrf": csrf})
    assert "version 2 is active" in client.get(activated.headers["location"]).text
    rolled = client.post("/configurations/1/rollback", data={"csrf": csrf})
    assert rolled.headers["location"] == "/configurations/3"
    assert dash.app.configurations.get(None).version == 3
    assert dash.app.configurations.get(None).rolled_back_from == 1
    for action in ("create", "activate", "rollback"):
        assert _events(dash, action)[0][:2] == (USERS["operator"], "ok")


def test_a_draft_with_problems_lists_what_to_fix_and_never_says_validate_next(
    dash: Dashboard,
) -> None:
    client = dash.session("maintainer")
    csrf = dash.csrf(client)
    text = dash.app.configurations.get(1).document()
    text["selections"]["route"]["settings"] = {"reject_on_fatal": "sometimes"}
    created = client.post(
        "/configurations/new",
        data={"csrf": csrf, "document": json.dumps(text), "summary": "half done"},
    )
    assert created.status_code == 303 and created.headers["location"] == "/configurations/2"
    assert dash.app.configurations.get(2).status is ConfigStatus.DRAFT
    page = client.get("/configurations/2").text
    assert "stored as a draft with 1 problem(s)" in page
    problems = page.split('id="problems"')[1].split("</table>")[0]
    assert "<td>route</td>" in problems and "route.rules" in problems
    assert "reject_on_fatal" in problems and "Fix" in page
    assert "Next: validate" not in page
    # fixed elsewhere (say, the module's new version), it is checked again from its page
    again = client.post("/configurations/2/validate", data={"csrf": csrf})
    assert "stays a draft" in client.get(again.headers["location"]).text


def test_a_document_with_problems_is_shown_again_with_the_reasons(dash: Dashboard) -> None:
    client = dash.session("maintainer")
    csrf = dash.csrf(client)
    bad = "summary: typo\nselections:\n  extract:\n    module: extract.nonexistent\n"
    response = client.post("/configurations/new", data={"csrf": csrf, "document": bad})
    assert response.status_code == 400
    assert "extract.nonexistent" in response.text and "flash-error" in response.text
    assert "module: extract.nonexistent" in response.text  # the document is kept to fix
    broken = client.post("/configurations/new", data={"csrf": csrf, "document": "a: [b"})
    assert broken.status_code == 400 and "not valid YAML or JSON" in broken.text
    assert [c.version for c in dash.app.configurations.history()] == [1]


def test_an_activation_that_is_not_allowed_now_is_a_message(dash: Dashboard) -> None:
    client = dash.session("operator")
    response = client.post("/configurations/1/activate", data={"csrf": dash.csrf(client)})
    assert response.status_code == 400
    assert "version 1 is active; cannot activate it" in response.text


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("/configurations/{v}/validate", "validate"),
        ("/configurations/{v}/activate", "activate"),
        ("/configurations/1/rollback", "rollback"),
        ("/configurations/cancel-pending", "cancel"),
    ],
)
@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_a_role_that_may_not_change_configurations_is_refused_and_the_refusal_audited(
    dash: Dashboard, role: str, path: str, action: str
) -> None:
    version = _draft(dash) if action == "validate" else _validated(dash)
    before = dash.app.configurations.get(version).status
    client = dash.session(role)
    response = client.post(path.format(v=version), data={"csrf": dash.csrf(client)})
    assert response.status_code == 403
    assert "may not change configurations" in response.text
    assert _events(dash, action)[0][:2] == (USERS[role], "refused")
    assert dash.app.configurations.get(version).status is before


def test_a_viewer_creating_a_version_is_refused_and_audited(dash: Dashboard) -> None:
    client = dash.session("viewer")
    document = json.dumps(dash.app.configurations.get(1).document())
    response = client.post(
        "/configurations/new", data={"csrf": dash.csrf(client), "document": document}
    )
    assert response.status_code == 403
    assert _events(dash, "create")[0][:2] == (USERS["viewer"], "refused")


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_a_form_without_this_sessions_csrf_token_is_refused_and_changes_nothing(
    dash: Dashboard, csrf: str | None
) -> None:
    version = _draft(dash)
    client = dash.session("operator")
    data = {} if csrf is None else {"csrf": csrf}
    response = client.post(f"/configurations/{version}/validate", data=data)
    assert response.status_code == 403 and "security token" in response.text
    assert dash.app.configurations.get(version).status is ConfigStatus.DRAFT
    assert [e for e in _events(dash, "validate") if e[2] == version] == []
    name, data_bytes = example("ubl-invoice.xml")
    upload = client.post("/runs", files=[("files", (name, data_bytes))])
    assert upload.status_code == 403
    with dash.app.unit_of_work() as uow:
        assert uow.runs.list() == []


def test_another_sessions_csrf_token_is_refused(dash: Dashboard) -> None:
    version = _draft(dash)
    theirs = dash.csrf(dash.session("maintainer"))
    client = dash.session("operator")
    response = client.post(f"/configurations/{version}/validate", data={"csrf": theirs})
    assert response.status_code == 403


def test_an_uploaded_example_creates_a_run_shown_on_the_runs_page(dash_both: Dashboard) -> None:
    dash = dash_both
    client = dash.session("operator")
    name, data = example("ubl-invoice.xml")
    response = client.post(
        "/runs", data={"csrf": dash.csrf(client, "/runs")}, files=[("files", (name, data))]
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/runs/")
    run_page = client.get(location).text
    assert "ubl-invoice.xml: completed" in run_page and "LW-2024-0815" in run_page
    listed = client.get("/runs").text
    assert f'href="{location}"' in listed
    assert "ubl-invoice.xml" in dash.session("viewer").get("/runs").text


def test_several_files_create_one_run_each_and_lead_to_the_runs_list(dash: Dashboard) -> None:
    client = dash.session("admin")
    files = [("files", example(n)) for n in ("cii-invoice.xml", "ubl-credit-note.xml")]
    response = client.post("/runs", data={"csrf": dash.csrf(client, "/runs")}, files=files)
    assert response.status_code == 303 and response.headers["location"] == "/runs"
    page = client.get("/runs").text
    assert "2 runs" in page and "cii-invoice.xml" in page and "ubl-credit-note.xml" in page


def test_a_viewer_upload_is_refused_and_the_refusal_audited(dash: Dashboard) -> None:
    client = dash.session("viewer")
    response = client.post(
        "/runs", data={"csrf": dash.csrf(client)}, files=[("files", example("ubl-invoice.xml"))]
    )
    assert response.status_code == 403 and "may not upload invoices" in response.text
    assert _events(dash, "run_upload") == [(USERS["viewer"], "refused", None)]
    with dash.app.unit_of_work() as uow:
        assert uow.runs.list() == []


def test_an_upload_without_files_says_what_to_do(dash: Dashboard) -> None:
    client = dash.session("operator")
    response = client.post("/runs", data={"csrf": dash.csrf(client)})
    assert response.status_code == 400 and "choose one or more invoice files" in response.text


def test_a_pending_activation_shows_its_drain_state_and_can_be_cancelled(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    version = _validated(dash)
    with dash.app.unit_of_work() as uow:
        running_run(uow, 1)
        uow.commit()
    client = dash.session("operator")
    csrf = dash.csrf(client)
    response = client.post(f"/configurations/{version}/activate", data={"csrf": csrf})
    assert response.status_code == 303
    assert f"version {version} is pending" in client.get(response.headers["location"]).text
    overview = client.get("/").text
    assert "Pending activation" in overview and f"Version {version}</a>" in overview
    assert "Waiting for <strong>1</strong> run(s) in flight" in overview
    assert 'action="/configurations/cancel-pending"' in overview
    assert 'action="/configurations/cancel-pending"' not in dash.session("viewer").get("/").text
    cancelled = client.post("/configurations/cancel-pending", data={"csrf": csrf})
    assert "cancelled" in client.get(cancelled.headers["location"]).text
    assert dash.app.configurations.get(version).status is ConfigStatus.VALIDATED
    assert "Nothing is pending" in client.get("/").text


def test_headers_or_form_fields_claiming_another_user_change_nothing(dash: Dashboard) -> None:
    version = _draft(dash)
    client = dash.session("viewer")
    response = client.post(
        f"/configurations/{version}/validate",
        data={"csrf": dash.csrf(client), "actor": "mai", "role": "maintainer"},
        headers={"X-Turnout-Actor": "mai", "X-Role": "maintainer", "Authorization": "Bearer x"},
    )
    assert response.status_code == 403
    assert _events(dash, "validate")[0][:2] == (USERS["viewer"], "refused")
