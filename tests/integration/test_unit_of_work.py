"""The unit of work: one transaction per `with`, kept only by commit; lifecycle changes serialised."""

from __future__ import annotations

import threading
import time

import pytest

from turnout.domain.users import Role
from turnout.persistence import Database


def names(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return [u.name for u in uow.users.list()]


def test_changes_are_kept_only_after_commit(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.users.add_role("kept", Role.VIEWER)
        uow.commit()
    with db.unit_of_work() as uow:
        uow.users.add_role("dropped", Role.VIEWER)
    assert names(db) == ["kept"]


def test_an_exception_rolls_the_transaction_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.unit_of_work() as uow:
        uow.users.add_role("dropped", Role.VIEWER)
        raise RuntimeError("boom")
    assert names(db) == []


def test_explicit_rollback_discards_and_work_goes_on_after_commit(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.users.add_role("first", Role.VIEWER)
        uow.rollback()
        uow.users.add_role("second", Role.VIEWER)
        uow.commit()
        uow.users.add_role("third", Role.VIEWER)
        uow.commit()
        uow.users.add_role("fourth", Role.VIEWER)
    assert names(db) == ["second", "third"]


def test_a_unit_of_work_is_not_reentered(db: Database) -> None:
    uow = db.unit_of_work()
    with uow, pytest.raises(RuntimeError, match="already open"):
        uow.__enter__()


def test_lock_lifecycle_serialises_concurrent_transactions(db: Database) -> None:
    """The second holder gets the lock only after the first committed."""
    first_locked = threading.Event()
    moments: dict[str, float] = {}

    def first() -> None:
        with db.unit_of_work() as uow:
            uow.lock_lifecycle()
            first_locked.set()
            time.sleep(0.3)
            uow.users.add_role("first", Role.VIEWER)
            moments["first_commit"] = time.monotonic()
            uow.commit()

    def second() -> None:
        first_locked.wait(5)
        with db.unit_of_work() as uow:
            uow.lock_lifecycle()
            moments["second_locked"] = time.monotonic()
            # Under the lock the first transaction's work is visible.
            moments["saw_first"] = float("first" in [u.name for u in uow.users.list()])
            uow.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert moments["second_locked"] >= moments["first_commit"]
    assert moments["saw_first"] == 1.0
