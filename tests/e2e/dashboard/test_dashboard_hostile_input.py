"""The dashboard refuses what the database cannot store, on SQLite and PostgreSQL alike: a NUL
character in a form or URL is a 400 page, a version past 32 bits a 404 page, never a 500."""

from __future__ import annotations

import pytest

from e2e.dashboard.dashboard_support import Dashboard

DOCUMENT = 'summary: "{summary}"\nselections:\n  intake: {{module: intake.standard}}\n'


@pytest.mark.parametrize(
    ("document", "summary"),
    [
        (DOCUMENT.format(summary="a\\0b"), ""),  # YAML's escape for NUL
        (DOCUMENT.format(summary="fine"), "a\x00b"),
    ],
)
def test_a_nul_in_a_new_configuration_is_a_400_and_nothing_is_created(
    dash_both: Dashboard, document: str, summary: str
) -> None:
    client = dash_both.session("maintainer")
    csrf = dash_both.csrf(client, "/configurations/new")
    response = client.post(
        "/configurations/new", data={"csrf": csrf, "document": document, "summary": summary}
    )
    assert response.status_code == 400, response.text
    assert "NUL" in response.text
    assert [c.version for c in dash_both.app.configurations.history()] == [1]


@pytest.mark.parametrize(
    "path",
    [
        "/configurations/2147483648",
        "/configurations/diff?a=1&b=9223372036854775807",
    ],
)
def test_a_version_past_32_bits_is_a_404_page(dash_both: Dashboard, path: str) -> None:
    response = dash_both.session("viewer").get(path)
    assert response.status_code == 404, response.text


def test_a_nul_in_a_dashboard_url_is_a_400(dash_both: Dashboard) -> None:
    response = dash_both.session("viewer").get("/runs?status=%00")
    assert response.status_code == 400
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_session_cookie_with_a_nul_is_no_session(dash_both: Dashboard) -> None:
    client = dash_both.client()
    # A quoted cookie value may carry an octal escape; the server decodes it to a NUL.
    response = client.get("/", headers={"Cookie": 'turnout_session="\\000abc"'})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
