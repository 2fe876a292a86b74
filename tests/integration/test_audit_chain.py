"""The audit trail's hash chain, on SQLite and PostgreSQL: an intact trail verifies, and an event
changed or deleted with raw SQL (its triggers dropped) is the first broken link reported."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

from alembic import command
from sqlalchemy import Connection, text

from turnout.domain.audit_chain import ChainReport
from turnout.domain.events import EventAction, EventResult
from turnout.persistence import Database
from turnout.persistence.repositories.events import CHAIN_LOCK_KEY
from turnout.persistence.unit_of_work import LIFECYCLE_LOCK_KEY
from turnout.runtime.audit import record_event, verify_chain

T0 = dt.datetime(2026, 12, 4, 12, 0, 0, 123456, tzinfo=dt.UTC)
TABLE = "configuration_change_events"


def _record(db: Database, count: int, actor: str = "alice") -> None:
    for i in range(count):
        with db.unit_of_work() as uow:
            record_event(
                uow,
                None,
                EventAction.USER_ADD,
                actor,
                EventResult.OK,
                f"added user number {i} — ünïcode",
                T0 + dt.timedelta(seconds=i),
            )
            uow.commit()


def _lift_triggers(conn: Connection) -> None:
    """What a tamperer with the owner's rights does first (undone by the rollback)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only"))
    else:
        conn.execute(text(f"DROP TRIGGER {TABLE}_no_update"))
        conn.execute(text(f"DROP TRIGGER {TABLE}_no_delete"))


def _tampered(db: Database, statement: str) -> ChainReport:
    """Verify the trail as it is after `statement`, in a transaction rolled back afterwards."""
    with db.unit_of_work() as uow:
        _lift_triggers(uow.connection)
        uow.connection.execute(text(statement))
        return verify_chain(uow)


def test_an_intact_chain_verifies_and_each_event_follows_the_last(db: Database) -> None:
    with db.reader() as uow:
        empty = verify_chain(uow)
    assert empty.intact and empty.checked == 0
    _record(db, 3)
    with db.reader() as uow:
        report = verify_chain(uow)
        chain = list(uow.events.chain())
    assert report.intact and report.checked == 3
    assert [c.prev_hash for c in chain[1:]] == [c.hash for c in chain[:-1]]
    assert report.head_hash == chain[-1].hash
    assert CHAIN_LOCK_KEY == LIFECYCLE_LOCK_KEY  # one lock: no deadlock between the two


def test_an_update_made_with_the_triggers_dropped_is_the_first_broken_link(db: Database) -> None:
    _record(db, 4)
    with db.reader() as uow:
        second = [c.event_id for c in uow.events.chain()][1]
    report = _tampered(db, f"UPDATE {TABLE} SET actor = 'mallory' WHERE event_id = {second}")
    assert not report.intact and report.checked == 1
    assert report.broken is not None and report.broken.event_id == second
    assert "changed after it was written" in report.broken.problem
    with db.reader() as uow:  # the rollback restored the event and its trigger
        assert verify_chain(uow).intact


def test_a_deleted_event_breaks_the_link_of_the_next_one(db: Database) -> None:
    _record(db, 4)
    with db.reader() as uow:
        ids = [c.event_id for c in uow.events.chain()]
    report = _tampered(db, f"DELETE FROM {TABLE} WHERE event_id = {ids[1]}")
    assert report.broken is not None and report.broken.event_id == ids[2]
    assert "deleted" in report.broken.problem and f"event {ids[0]}" in report.broken.problem
    first = _tampered(db, f"DELETE FROM {TABLE} WHERE event_id = {ids[0]}")
    assert first.broken is not None and first.broken.event_id == ids[1]
    assert "events before it were deleted" in first.broken.problem


def test_an_event_inserted_with_raw_sql_has_no_hash_and_is_reported(db: Database) -> None:
    _record(db, 2)
    with db.unit_of_work() as uow:
        uow.connection.execute(
            text(
                f"INSERT INTO {TABLE} (action, actor, result, message, created_at) "
                "VALUES ('user_add', 'mallory', 'ok', 'forged', :at)"
            ),
            {"at": T0 if db.dialect == "postgresql" else T0.replace(tzinfo=None)},
        )
        report = verify_chain(uow)
    assert report.checked == 2 and report.broken is not None
    assert "written outside Turnout" in report.broken.problem


def test_concurrent_writers_never_fork_the_chain(db: Database) -> None:
    writers = [threading.Thread(target=_record, args=(db, 8, f"w{i}")) for i in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    with db.reader() as uow:
        report = verify_chain(uow)
    assert report.intact and report.checked == 32


def test_migration_0010_chains_the_existing_events_in_order(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        config = db._alembic_config()
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0009")
        with db.engine.begin() as conn:
            for i in range(3):
                conn.execute(
                    text(
                        f"INSERT INTO {TABLE} (action, actor, result, message, created_at) "
                        "VALUES ('init', 'bob', 'ok', :message, :at)"
                    ),
                    {
                        "message": f"event {i}",
                        "at": T0 if db.dialect == "postgresql" else T0.replace(tzinfo=None),
                    },
                )
        assert db.upgrade() == db.head_revision()
        _record(db, 1)
        with db.reader() as uow:
            report = verify_chain(uow)
        assert report.intact and report.checked == 4
        with db.unit_of_work() as uow:  # the backfill left the append-only trigger in place
            refused = False
            try:
                uow.connection.execute(text(f"UPDATE {TABLE} SET actor = 'x'"))
            except Exception as exc:
                refused = "append-only" in str(exc)
            assert refused
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0009")
        assert db.upgrade() == db.head_revision()
    finally:
        db.dispose()


WRITER = """
import datetime as dt, sys
from turnout.domain.events import EventAction, EventResult
from turnout.persistence import Database
from turnout.runtime.audit import record_event
db = Database(sys.argv[1])
for i in range(15):
    with db.unit_of_work() as uow:
        now = dt.datetime.now(dt.UTC)
        record_event(uow, None, EventAction.USER_ADD, sys.argv[2], EventResult.OK, str(i), now)
        uow.commit()
"""


def test_writers_in_several_processes_never_fork_the_chain(db: Database, db_url: str) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, f"p{i}"]) for i in range(3)]
    assert [w.wait(timeout=60) for w in writers] == [0, 0, 0]
    with db.reader() as uow:
        report = verify_chain(uow)
    assert report.intact and report.checked == 45
