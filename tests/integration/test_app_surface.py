"""What callers need from a process's wiring they ask the `App` for, not the runner: the clock
a submission is stamped with (without wiring the run stack) and the production breakers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from turnout.bootstrap import bootstrap
from turnout.runtime.runner import Runner
from turnout.settings import Settings


def test_the_app_gives_its_clock_and_breakers_and_the_runner_forwards_neither(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home}/turnout.db"))
    try:
        app.init("ann")
        now = app.clock()
        assert now.tzinfo is not None and abs(dt.datetime.now(dt.UTC) - now).total_seconds() < 60
        assert app._runs is None  # `turnout submit` stamps its runs without wiring a runner
        assert app.breakers() == []  # nothing ran yet: no breaker moved
    finally:
        app.close()
    for forward in ("clock", "switch_if_drained"):
        assert not hasattr(Runner, forward), forward
