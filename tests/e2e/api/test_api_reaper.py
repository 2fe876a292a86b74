"""`turnout serve` reaps in the background: a run whose process died (its lease expired) is ended
`failed` while the server runs, with no request needed."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from fastapi.testclient import TestClient

from support.api import ADMIN
from turnout.api import create_app
from turnout.bootstrap import bootstrap
from turnout.domain.runs import Run, RunStatus
from turnout.runtime.registry import ModuleRegistry
from turnout.settings import Settings


def test_the_server_ends_runs_of_dead_processes_in_the_background(
    db_url: str, tmp_path: Path, registry: ModuleRegistry
) -> None:
    app = bootstrap(Settings(home=tmp_path / "home", database_url=db_url, lease_s=0.4), registry)
    app.init(ADMIN)
    with app.unit_of_work() as uow:
        active = uow.configurations.pointers().active
        assert active is not None
        now = dt.datetime.now(dt.UTC)
        orphan = Run(
            "orphan",
            "orphan.pdf",
            active.config_id,
            active.version,
            RunStatus.RUNNING,
            now,
            started_at=now,
            worker="gone:1:dead00",
        )
        uow.runs.add(orphan, lease_s=0.2)
        uow.commit()
    try:
        with TestClient(create_app(app)):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with app.unit_of_work() as uow:
                    stored = uow.runs.get("orphan")
                assert stored is not None
                if stored.status is not RunStatus.RUNNING:
                    break
                time.sleep(0.05)
    finally:
        app.close()
    assert stored.status is RunStatus.FAILED
    assert stored.reason is not None and stored.reason.startswith("the process running it stopped")
