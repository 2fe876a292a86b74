"""`TrialService` in this process: a trial has circuit breakers of its own (a failing module opens
the trial's, never production's), and its progress is told and stored as it goes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.misbehaving_modules import RaisingUnpicklableText
from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.domain.trial import Trial, TrialScope, TrialStatus
from turnout.runtime.config_document import parse_document
from turnout.runtime.registry import ModuleRegistry
from turnout.settings import Settings

PDFS = [p for p in bundled_examples() if p.suffix == ".pdf"]


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    registry = ModuleRegistry.discover().with_classes([RaisingUnpicklableText])
    turnout = bootstrap(Settings(home=tmp_path / "home", database_url=db_url), registry)
    turnout.init("ann")
    yield turnout
    turnout.close()


def test_a_trial_opens_its_own_breakers_never_productions(app: App) -> None:
    app.runner.run_many(PDFS, 1)
    doc = app.configurations.get(1).document()
    doc["summary"] = "a text reader that always fails, behind a circuit breaker"
    doc["selections"]["text"] = {"module": "text.unpicklable"}
    doc["policies"]["text"] = {
        "triggers": ["error"],
        "fallback": "text.pdfium",
        "actions": {"circuit": {"failure_rate": 0.5, "window": 2, "open_s": 600}},
    }
    version = app.configurations.create(parse_document(doc, source="the test"), "ann").config
    seen: list[Trial] = []

    trial = app.trials.run(version.version, TrialScope(last=10), "ann", on_progress=seen.append)

    assert trial.status is TrialStatus.DONE and trial.report is not None
    runs = len(PDFS)
    assert trial.report["runs"] == trial.done == trial.total == runs
    text = trial.report["stages"]["text"]
    assert text["fallback_rate_before"] == 0 and text["fallback_rate_after"] > 0
    # the trial's breaker opened after two failures: the next PDF was refused at once, and
    # `circuit_open` is not among the policy's triggers, so that run failed in the trial
    reasons = [d["reason_after"] or "" for d in trial.report["runs_detail"]]
    assert any("circuit open for `text.unpicklable`" in r for r in reasons)
    assert text["failure_rate_after"] > 0
    # ... but production's board never saw the module, and no breaker event was recorded
    assert all(b.module_id != "text.unpicklable" for b in app.breakers())
    with app.unit_of_work() as uow:
        assert uow.events.list(action="breaker_changed") == []
        stored = uow.trials.get(trial.trial_id)
    assert stored is not None and stored.status is TrialStatus.DONE
    assert (stored.done, stored.total, stored.report) == (runs, runs, trial.report)
    assert [t.done for t in seen] == [*range(1, runs + 1), runs]  # each run, then the end
    assert seen[-1].status is TrialStatus.DONE
