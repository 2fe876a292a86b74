"""Dashboard sessions live on the server: the cookie is a random id, never the API token; signing
out, expiry and revoking the token end a session for every server process on the database."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from e2e.dashboard.dashboard_support import Dashboard
from turnout.api import create_app
from turnout.api.dashboard.session import SESSION_COOKIE
from turnout.bootstrap import bootstrap
from turnout.domain.configuration import ConfigStatus
from turnout.persistence.tables import dashboard_sessions
from turnout.runtime.config_document import parse_document
from turnout.runtime.registry import ModuleRegistry
from turnout.settings import Settings


def _sessions(dash: Dashboard) -> list[dict[str, object]]:
    with dash.app.unit_of_work() as uow:
        rows = uow.connection.execute(select(dashboard_sessions)).all()
    return [dict(r._mapping) for r in rows]


def _replay(dash: Dashboard, session_id: str) -> TestClient:
    """A browser that was never signed in, sending a copy of an old cookie."""
    client = dash.client()
    client.cookies.set(SESSION_COOKIE, session_id, domain="testserver.local")
    return client


def test_the_cookie_holds_a_random_session_id_and_the_database_only_its_hash(
    dash: Dashboard,
) -> None:
    client = dash.session("operator")
    session_id = client.cookies[SESSION_COOKIE]
    assert dash.tokens["operator"] not in session_id and len(session_id) >= 43
    (row,) = _sessions(dash)
    assert row["session_hash"] == hashlib.sha256(session_id.encode()).hexdigest()
    stored = " ".join(str(v) for v in row.values())
    assert session_id not in stored and dash.tokens["operator"] not in stored
    assert row["expires_at"] - row["created_at"] == dt.timedelta(hours=12)  # type: ignore[operator]


def test_signing_out_ends_the_session_on_the_server_not_only_in_the_browser(
    dash: Dashboard,
) -> None:
    client = dash.session("viewer")
    session_id = client.cookies[SESSION_COOKIE]
    client.post("/signout", data={"csrf": dash.csrf(client)})
    (row,) = _sessions(dash)
    assert row["ended_at"] is not None
    stolen = _replay(dash, session_id)
    response = stolen.get("/runs")
    assert response.headers["location"] == "/signin"
    assert "session has ended" in stolen.get("/signin").text


def test_a_session_past_its_lifetime_is_refused(dash: Dashboard) -> None:
    session_id = dash.session("viewer").cookies[SESSION_COOKIE]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with dash.app.unit_of_work() as uow:
        uow.connection.execute(update(dashboard_sessions).values(expires_at=past))
        uow.commit()
    assert _replay(dash, session_id).get("/").headers["location"] == "/signin"


def test_signing_out_needs_the_sessions_csrf_token_and_a_dead_session_just_clears_the_cookie(
    dash: Dashboard,
) -> None:
    client = dash.session("viewer")
    refused = client.post("/signout", data={"csrf": "0" * 64})
    assert refused.status_code == 403
    assert _sessions(dash)[0]["ended_at"] is None
    assert client.get("/").status_code == 200
    stale = _replay(dash, "no-such-session")
    response = stale.post("/signout")
    assert response.status_code == 303 and SESSION_COOKIE not in stale.cookies


def test_a_form_from_one_server_process_is_accepted_by_another_on_the_same_database(
    dash: Dashboard, tmp_path: Path, registry: ModuleRegistry
) -> None:
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "a draft"
    version = dash.app.configurations.create(parse_document(doc), "mai").config.version
    client = dash.session("operator")
    csrf = dash.csrf(client, f"/configurations/{version}")
    settings = Settings(home=tmp_path / "second", database_url=dash.app.settings.database_url)
    second = bootstrap(settings, registry)
    try:
        with TestClient(create_app(second), follow_redirects=False) as other:
            other.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
            response = other.post(f"/configurations/{version}/validate", data={"csrf": csrf})
            assert response.status_code == 303, response.text
    finally:
        second.close()
    assert dash.app.configurations.get(version).status is ConfigStatus.VALIDATED


def test_signing_in_again_in_the_same_browser_ends_the_previous_session(dash: Dashboard) -> None:
    client = dash.session("viewer")
    first = client.cookies[SESSION_COOKIE]
    response = client.post("/signin", data={"token": dash.tokens["operator"]})
    assert response.status_code == 303
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    assert "signed in as ola" in client.get("/").text
    assert _replay(dash, first).get("/").headers["location"] == "/signin"
    ended = [row for row in _sessions(dash) if row["ended_at"] is not None]
    assert [row["session_hash"] for row in ended] == [hashlib.sha256(first.encode()).hexdigest()]
