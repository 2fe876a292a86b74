"""Every run the lifecycle admits ends: stored as it ended, its observer told, whatever fails on
the way (a plan that cannot be built, a step after the finish)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.domain.runs import RunStatus
from turnout.persistence.tables import fallback_policies
from turnout.settings import Settings


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    home = tmp_path / "home"
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home}/turnout.db"))
    app.init("ann")
    yield app
    app.close()


def _ubl() -> Path:
    return next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")


def test_a_plan_that_cannot_be_built_ends_the_run_failed_and_the_batch_goes_on(app: App) -> None:
    # a stored policy this release cannot read (a trigger word written by a later one): the
    # active version's plan fails to build when the first run asks for it (stored behind the
    # append-only guard's back, as a later release's rows would be)
    engine = sa.create_engine(app.settings.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER fallback_policies_no_update"))
        conn.execute(sa.update(fallback_policies).values(trigger_conditions=["from_the_future"]))
    engine.dispose()

    runs = app.runner.run_many([_ubl(), _ubl()], concurrency=1)

    assert [r.status for r in runs] == [RunStatus.FAILED, RunStatus.FAILED]
    assert all("internal error: ValueError" in (r.reason or "") for r in runs)
    with app.unit_of_work() as uow:
        stored = uow.runs.list()
        assert uow.runs.in_flight() == 0
    assert sorted((r.status, r.lease_expires_at) for r in stored) == [(RunStatus.FAILED, None)] * 2
