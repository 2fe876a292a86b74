"""Signing in to the dashboard: same-origin only, throttled after repeated failures (per client
address and per user), every failure audited; stale form tokens and users without a role are
audited like every other refusal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from e2e.dashboard.dashboard_support import Dashboard
from support.api import ADMIN
from turnout.api.dashboard.throttle import FIRST_WAIT_S, FREE_FAILURES, SignInThrottle
from turnout.domain.events import ConfigurationChangeEvent, EventAction
from turnout.domain.users import Role
from turnout.persistence.tables import user_roles
from turnout.runtime.tokens import TokenService
from turnout.runtime.users import UserService


def _events(dash: Dashboard, action: EventAction) -> list[ConfigurationChangeEvent]:
    with dash.app.unit_of_work() as uow:
        return [e for e in uow.events.list(limit=200) if e.action is action]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "http://testserver.evil.example"},
    ],
)
def test_a_cross_origin_sign_in_is_refused_and_audited(
    dash: Dashboard, headers: dict[str, str]
) -> None:
    response = dash.client().post("/signin", data={"token": dash.tokens["admin"]}, headers=headers)
    assert response.status_code == 403
    assert "another site" in response.text
    assert "turnout_session" not in response.cookies
    (event,) = _events(dash, EventAction.SIGN_IN)
    assert str(event.result) == "refused" and "another site" in event.message


def test_a_same_origin_sign_in_goes_through(dash: Dashboard) -> None:
    response = dash.client().post(
        "/signin",
        data={"token": dash.tokens["viewer"]},
        headers={"Origin": "http://testserver", "Referer": "http://testserver/signin"},
    )
    assert response.status_code == 303


def test_repeated_failures_are_throttled_with_retry_after_and_audited(dash: Dashboard) -> None:
    client = dash.client()
    for _ in range(FREE_FAILURES - 1):
        assert client.post("/signin", data={"token": "wrong"}).status_code == 401
    assert client.post("/signin", data={"token": "wrong"}).status_code == 401  # the 5th: counted
    # Now even a good token waits: the client address is throttled.
    throttled = client.post("/signin", data={"token": dash.tokens["admin"]})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) == FIRST_WAIT_S
    assert "wait 30 s" in throttled.text
    failures = _events(dash, EventAction.SIGN_IN)
    assert len(failures) == FREE_FAILURES
    assert all(str(e.result) == "refused" and "unknown or revoked" in e.message for e in failures)
    assert "waits 30 s" in failures[0].message  # newest first: the failure that tripped it


def test_a_user_without_a_role_is_refused_audited_and_counted_against_the_user(
    dash: Dashboard,
) -> None:
    UserService(dash.app.unit_of_work).grant("nora", Role.VIEWER, ADMIN)
    token = TokenService(dash.app.unit_of_work).create("nora", ADMIN).token
    with dash.app.database.engine.begin() as conn:  # her only role is taken away
        conn.execute(delete(user_roles).where(user_roles.c.name == "nora"))
    client = dash.client()
    for _ in range(FREE_FAILURES):
        response = client.post("/signin", data={"token": token})
        assert response.status_code == 403
        assert "no role" in response.text
    events = _events(dash, EventAction.ACCESS)
    assert len(events) == FREE_FAILURES
    assert {(e.actor, str(e.result)) for e in events} == {("nora", "refused")}
    # From another address, nora still waits: her failures count against her too.
    other = TestClient(dash.api, follow_redirects=False, client=("10.0.0.9", 4000))
    assert other.post("/signin", data={"token": token}).status_code == 429
    assert other.post("/signin", data={"token": dash.tokens["viewer"]}).status_code == 303


def test_a_stale_form_token_is_refused_and_audited(dash: Dashboard) -> None:
    client = dash.session("maintainer")
    response = client.post("/configurations/1/validate", data={"csrf": "0" * 32})
    assert response.status_code == 403
    (event,) = _events(dash, EventAction.ACCESS)
    assert event.actor == "mai"
    assert "POST /configurations/1/validate" in event.message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_doubles_its_wait_and_forgets_after_success() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    waits = [throttle.failed("addr:a") for _ in range(FREE_FAILURES + 2)]
    assert waits == [0] * (FREE_FAILURES - 1) + [30, 60, 120]
    assert throttle.wait_s("addr:b") == 0  # another client is not held back
    clock.now += 119
    assert throttle.wait_s("addr:a", "user:x") == 1
    throttle.succeeded("addr:a")
    assert throttle.wait_s("addr:a") == 0


def test_the_throttle_wait_is_capped_and_memory_bounded() -> None:
    throttle = SignInThrottle(Clock())
    for _ in range(5000):
        wait = throttle.failed("addr:a")
    assert wait == 15 * 60
