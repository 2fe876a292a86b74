"""Runs inserted directly, standing for work of another process."""

from __future__ import annotations

import datetime as dt
import uuid

from turnout.domain.runs import Run, RunStatus
from turnout.runtime.ports import UnitOfWork


def running_run(uow: UnitOfWork, version: int) -> Run:
    config = uow.configurations.get(version)
    assert config is not None
    run = Run(
        str(uuid.uuid4()),
        "elsewhere.pdf",
        config.config_id,
        version,
        RunStatus.RUNNING,
        dt.datetime.now(dt.UTC),
    )
    uow.runs.add(run)
    return run
