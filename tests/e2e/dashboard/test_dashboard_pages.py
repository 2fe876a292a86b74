"""Dashboard pages: signing in and out, every page for every role, buttons only for those allowed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from e2e.dashboard.dashboard_support import Dashboard, example
from support.api import ROLES, USERS
from turnout.api.dashboard.session import SESSION_COOKIE
from turnout.api.dashboard.views import rate_buckets
from turnout.domain.configuration import ConfigStatus
from turnout.domain.runs import Run, RunStatus
from turnout.persistence.tables import runs
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import parse_document
from turnout.runtime.tokens import TokenService

CHANGERS = {"operator", "maintainer"}
UPLOADERS = {"operator", "maintainer", "admin"}


def _run_id(dash: Dashboard) -> str:
    name, data = example("ubl-invoice.xml")
    return dash.app.runner.run_bytes(name, data).run_id


def _draft(dash: Dashboard) -> int:
    """A draft: stored with a problem to fix (a setting of the wrong type)."""
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "a draft"
    doc["selections"]["route"]["settings"] = {"reject_on_fatal": "sometimes"}
    created = dash.app.configurations.create(parse_document(doc), "mai")
    assert created.config.status is ConfigStatus.DRAFT and created.problems
    return created.config.version


def _validated(dash: Dashboard) -> int:
    """A version created without problems: validated at once."""
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "a valid one"
    created = dash.app.configurations.create(parse_document(doc), "mai")
    assert created.config.status is ConfigStatus.VALIDATED
    return created.config.version


def test_signing_in_with_a_good_token_sets_a_strict_http_only_session_cookie(
    dash: Dashboard,
) -> None:
    client = dash.client()
    assert client.get("/").headers["location"] == "/signin"
    response = client.post("/signin", data={"token": dash.tokens["operator"]})
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/")
    assert page.status_code == 200
    assert "signed in as ola (operator)" in page.text and "Stages" in page.text
    assert "No stage ran in the last 24 hours" in page.text and "No runs yet" in page.text


@pytest.mark.parametrize("token", ["not-a-token", ""])
def test_a_bad_or_missing_token_is_refused_with_a_message_and_no_session(
    dash: Dashboard, token: str
) -> None:
    client = dash.client()
    response = client.post("/signin", data={"token": token})
    assert response.status_code in (400, 401)
    assert "flash-error" in response.text and "Traceback" not in response.text
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/").headers["location"] == "/signin"


def test_signing_out_clears_the_session(dash: Dashboard) -> None:
    client = dash.session("viewer")
    response = client.post("/signout", data={"csrf": dash.csrf(client)})
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/runs").headers["location"] == "/signin"


def test_a_revoked_token_ends_the_session(dash: Dashboard) -> None:
    client = dash.session("viewer")
    tokens = TokenService(dash.app.unit_of_work)
    (token,) = [t for t in tokens.list() if t.name == USERS["viewer"]]
    tokens.revoke(token.token_id, "root")
    assert client.get("/").headers["location"] == "/signin"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_every_role(dash: Dashboard, role: str) -> None:
    run_id = _run_id(dash)
    draft = _draft(dash)
    client = dash.session(role)
    pages = {
        "/": ["Active configuration", "extract.templates", "<svg"],
        "/configurations": ["Version", "draft", "Compare two versions"],
        f"/configurations/{draft}": ["Selections", "Fallback policies", "a draft"],
        "/configurations/new": ["New configuration version", "selections:"],
        f"/configurations/diff?a=1&b={draft}": ["Side by side", "Version 1"],
        "/events": ["Audit trail", "token_create"],
        "/events?action=create&actor=mai&version=2": ["version 2 created as a draft with 1"],
        "/runs": ["ubl-invoice.xml", "completed"],
        "/runs?status=failed": ["No run is failed"],
        f"/runs/{run_id}": ["Stage attempts", "einvoice.xml", "Extracted invoice", "Decision"],
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert USERS[role] in response.text
        for text in expected:
            assert text in response.text, (path, text)


@pytest.mark.parametrize("role", ROLES)
def test_action_buttons_are_shown_only_to_roles_allowed_to_use_them(
    dash: Dashboard, role: str
) -> None:
    draft = _draft(dash)
    client = dash.session(role)
    draft_page = client.get(f"/configurations/{draft}").text
    history = client.get("/configurations").text
    runs = client.get("/runs").text
    may_change, may_upload = role in CHANGERS, role in UPLOADERS
    assert (f'action="/configurations/{draft}/delete"' in draft_page) is may_change
    assert ('href="/configurations/new"' in history) is may_change
    assert ('action="/runs" enctype="multipart/form-data"' in runs) is may_upload
    new_page = client.get("/configurations/new").text
    assert ("Create version" in new_page) is may_change


def test_activate_and_rollback_buttons_follow_the_version_status(dash: Dashboard) -> None:
    draft, valid = _draft(dash), _validated(dash)
    client = dash.session("maintainer")
    csrf = dash.csrf(client)
    assert (
        f'action="/configurations/{draft}/activate"'
        not in client.get(f"/configurations/{draft}").text
    )
    page = client.get(f"/configurations/{valid}").text
    assert f'action="/configurations/{valid}/activate"' in page
    client.post(f"/configurations/{valid}/activate", data={"csrf": csrf})
    history = client.get("/configurations").text
    assert 'action="/configurations/1/rollback"' in history
    assert f'action="/configurations/{valid}/activate"' not in history


def test_errors_are_pages_with_a_message_never_a_traceback(dash: Dashboard) -> None:
    client: TestClient = dash.session("viewer")
    for path, status in [
        ("/configurations/999", 404),
        ("/runs/no-such-run", 404),
        ("/events?version=abc", 400),
        ("/runs?status=lost", 400),
        ("/configurations/diff?a=1", 400),
        ("/events?page=0", 400),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("text/html")
        assert '<p class="message">' in response.text and "Traceback" not in response.text


def test_the_rate_chart_counts_every_stage_attempt_and_draws_the_fallbacks(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    for name in ("ubl-invoice.xml", "facture-dupont-fr.pdf"):
        dash.app.runner.run_bytes(*example(name))
    buckets = rate_buckets(dash.app, hours=24)
    with dash.app.unit_of_work() as uow:
        stats = uow.runs.attempt_stats()
    assert len(buckets) == 24
    assert sum(b.ran for b in buckets) == buckets[-1].ran == sum(s.ran for s in stats)
    assert buckets[-1].fallback == sum(s.fallback for s in stats) > 0
    page = dash.session("viewer").get("/").text
    assert 'class="dot fallback"' in page and f"{buckets[-1].ran} stage attempts" in page


def test_a_queued_run_shows_it_has_no_version_yet_and_a_finished_one_its_worker(
    dash: Dashboard,
) -> None:
    queued = Run("queued-run", "later.xml", None, None, RunStatus.QUEUED, utcnow())
    worked = dash.app.runner.run_bytes(*example("ubl-invoice.xml"))
    with dash.app.unit_of_work() as uow:
        uow.runs.add(queued)
        uow.connection.execute(  # as a worker process records it
            runs.update().where(runs.c.run_id == worked.run_id).values(worker="host-a:41:9f3c2e")
        )
        uow.commit()
    client = dash.session("viewer")
    for page in ("/", "/runs"):
        response = client.get(page)
        assert response.status_code == 200 and "later.xml" in response.text
        assert "None" not in response.text
    detail = client.get("/runs/queued-run")
    assert detail.status_code == 200 and "queued, not admitted yet" in detail.text
    assert "host-a:41:9f3c2e" in client.get(f"/runs/{worked.run_id}").text
