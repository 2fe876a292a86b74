"""`IsolatedCall`: the plan's `ModuleCall` for a module selected with `isolation: process`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from turnout.domain.artifacts import Artifact
from turnout.domain.framework_settings import DEFAULT_START_TIMEOUT_S
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.isolation.module import ProcessIsolatedModule


class IsolatedCall:
    """A module whose attempts run in a worker process; called like the plan's `InlineCall`."""

    def __init__(
        self,
        cls: type[StageModule],
        settings: Mapping[str, Any],
        *,
        memory_limit_mb: int | None = None,
        workers: int | None = None,
        start_timeout_s: float = DEFAULT_START_TIMEOUT_S,
    ) -> None:
        self.module = ProcessIsolatedModule(
            cls,
            settings,
            memory_limit_mb=memory_limit_mb,
            workers=workers,
            start_timeout_s=start_timeout_s,
        )
        self.spec: ModuleSpec = cls.spec

    def __call__(
        self, inputs: Artifacts, context: RunContext, timeout_s: float | None
    ) -> list[Artifact]:
        return self.module.process(inputs, context, timeout_s)

    def warm_up(self) -> None:
        self.module.warm_up()

    def close(self) -> None:
        self.module.close()
