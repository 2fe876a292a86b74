"""Dashboard sessions in the database, on SQLite and PostgreSQL: opened with a live token, resumed
until they end, expire or lose their token or user's roles, and purged a lifetime later."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.persistence.tables import dashboard_sessions
from turnout.runtime.sessions import SESSION_LIFETIME, SessionService
from turnout.runtime.tokens import TokenService, hash_token

START = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


def _setup(db: Database) -> tuple[SessionService, TokenService, str, Clock]:
    with db.unit_of_work() as uow:
        uow.users.add_role("root", Role.ADMIN)
        uow.users.add_role("ola", Role.OPERATOR)
        uow.commit()
    clock = Clock()
    tokens = TokenService(db.unit_of_work, clock)
    token = tokens.create("ola", "root").token
    return SessionService(db.unit_of_work, clock), tokens, token, clock


def _count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(
            uow.connection.execute(
                select(func.count()).select_from(dashboard_sessions)
            ).scalar_one()
        )


def test_a_session_is_resumed_until_it_expires(db: Database) -> None:
    sessions, _, token, clock = _setup(db)
    opened = sessions.open(token)
    assert opened is not None and opened.session_id is not None
    assert opened.user.name == "ola" and opened.user.roles == {Role.OPERATOR}
    resumed = sessions.resume(opened.session_id)
    assert resumed is not None and resumed.csrf == opened.csrf and resumed.session_id is None
    clock.now = START + SESSION_LIFETIME - dt.timedelta(seconds=1)
    assert sessions.resume(opened.session_id) is not None
    clock.now = START + SESSION_LIFETIME
    assert sessions.resume(opened.session_id) is None


def test_closing_and_revoking_end_sessions_and_unknown_tokens_open_none(db: Database) -> None:
    sessions, tokens, token, _ = _setup(db)
    assert sessions.open("not-a-token") is None
    first, second = sessions.open(token), sessions.open(token)
    assert first and second and first.session_id and second.session_id
    assert first.csrf != second.csrf
    sessions.close(first.session_id)
    assert sessions.resume(first.session_id) is None
    assert sessions.resume(second.session_id) is not None
    (record,) = tokens.list()
    tokens.revoke(record.token_id, "root")
    assert sessions.resume(second.session_id) is None
    assert sessions.open(token) is None


def test_only_hashes_are_stored_and_old_sessions_are_purged_when_one_opens(db: Database) -> None:
    sessions, _, token, clock = _setup(db)
    opened = sessions.open(token)
    assert opened is not None and opened.session_id is not None
    with db.unit_of_work() as uow:
        (stored,) = uow.connection.execute(select(dashboard_sessions.c.session_hash)).scalars()
    assert stored == hash_token(opened.session_id)
    clock.now = START + 2 * SESSION_LIFETIME + dt.timedelta(seconds=1)
    assert sessions.open(token) is not None
    assert _count(db) == 1  # the expired one went
