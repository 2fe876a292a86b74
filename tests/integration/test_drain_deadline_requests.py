"""The admission gate's drain deadline counts from the pending activation's stored request: a
version pending, cancelled and asked for again is judged from its new request, and noted once
per request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from turnout.bootstrap import App, bootstrap
from turnout.domain.events import EventAction
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.lifecycle import AdmissionGate
from turnout.runtime.validation import document_of
from turnout.settings import Settings

T0 = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    home = tmp_path / "home"
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home}/turnout.db"))
    app.init("ann")
    yield app
    app.close()


def test_a_request_cancelled_and_asked_again_is_judged_from_the_new_request(app: App) -> None:
    now = [T0]
    svc = ConfigurationService(app.unit_of_work, app.registry, lambda: now[0])
    gate = AdmissionGate(
        app.unit_of_work, lambda: now[0], drain_deadline_s=60.0, poll_s=0.01, reap_every_s=0.0
    )
    app.lifecycle.admit("held.xml", "another-process", 3600.0)  # one run in flight
    doc = document_of(svc.get(1))
    selections = {**doc.selections, "validate": SelectionDoc("validate.basic")}
    v2 = svc.create(ConfigDocument("basic", selections), "ann").config.version
    svc.validate(v2, "ann")

    def deadlines_after_a_wait() -> int:
        # an admission waits a moment behind the pending version (and gives up: still paused)
        admitted, _ = gate.admit_queued("none", "w", 30.0, max_wait_s=0.05, drain=None)
        assert admitted is None
        with app.unit_of_work() as uow:
            events = uow.events.list(limit=100)
        return sum(e.action is EventAction.DRAIN_DEADLINE for e in events)

    assert svc.activate(v2, "ann").status == "pending"
    now[0] = T0 + dt.timedelta(seconds=61)
    assert deadlines_after_a_wait() == 1  # the first request waited past the deadline

    svc.cancel("ann")
    assert svc.get(v2).activation_requested_at is None  # no stale request time stays stored
    now[0] = T0 + dt.timedelta(hours=1)
    assert svc.activate(v2, "ann").status == "pending"
    now[0] += dt.timedelta(seconds=1)
    assert deadlines_after_a_wait() == 1  # a second old: not past the deadline

    now[0] += dt.timedelta(seconds=60)
    assert deadlines_after_a_wait() == 2  # the new request waited past it: noted again
