"""A trial that ends normally never says it lost its lease, however fast its heartbeat beats:
its lease stops being renewed before its end is stored (storing the end clears the lease in the
database, and a beat in between would count it lost)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.domain.trial import Trial, TrialScope, TrialStatus
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.trial import TrialService
from turnout.settings import Settings


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    home = tmp_path / "home"
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home}/turnout.db"))
    app.init("ann")
    yield app
    app.close()


class _SlowAfterAnEnd:
    """A unit of work slow to close once it stored a trial's end (50 ms after it committed and
    let go of its connection): whatever the trial does next comes that much later."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._ended = False

    def __enter__(self) -> _SlowAfterAnEnd:
        self._uow.__enter__()
        return self

    def __exit__(self, *exc: object) -> Any:
        try:
            return self._uow.__exit__(*exc)  # type: ignore[arg-type]
        finally:
            if self._ended:
                time.sleep(0.05)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    @property
    def trials(self) -> Any:
        outer, inner = self, self._uow.trials

        class Trials:
            def __getattr__(self, name: str) -> Any:
                return getattr(inner, name)

            def save(self, trial: Trial, **kw: Any) -> bool:
                outer._ended = outer._ended or trial.status is not TrialStatus.RUNNING
                return bool(inner.save(trial, **kw))

        return Trials()


def test_normally_finished_trials_never_warn_of_a_lost_lease(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    ubl = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")
    app.runner.run_many([ubl], 1)
    # a lease of 3 ms: the heartbeat renews every millisecond (nothing reaps trials here)
    trials = TrialService(
        lambda: _SlowAfterAnEnd(app.unit_of_work()),  # type: ignore[arg-type,return-value]
        app.registry,
        app.executors,
        concurrency=1,
        lease_s=0.003,
        isolation=None,
    )
    caplog.set_level(logging.WARNING, logger="turnout.runtime.leases")
    try:
        for _ in range(3):
            assert trials.run(1, TrialScope(last=1), "ann").status is TrialStatus.DONE
    finally:
        trials.close()
    assert [r.getMessage() for r in caplog.records if "lost their lease" in r.getMessage()] == []
