"""A selection with `isolation: process` is started through the process-isolation port the plan is
given (bootstrap gives the worker-process adapter); a plan given none never runs it inline."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Mapping
from typing import Any

from support.fakes import fake_module
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration, ModuleSelection
from turnout.domain.framework_settings import DEFAULT_MEMORY_LIMIT_MB, DEFAULT_START_TIMEOUT_S
from turnout.domain.modules import StageModule
from turnout.runtime.lifecycle import Plans
from turnout.runtime.plan import InlineCall, build_plan
from turnout.runtime.ports import ModuleCall
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.trial import TrialService

TEXT = fake_module("text", "isolated")


def config(settings: Mapping[str, Any]) -> ModuleConfiguration:
    c = ModuleConfiguration("c", 1, ConfigStatus.ACTIVE, "ann", dt.datetime.now(dt.UTC), "")
    c.selections["text"] = ModuleSelection("s", "c", "text", TEXT.spec.module_id, dict(settings))
    return c


def test_an_isolated_selection_is_started_by_the_wired_port_with_its_framework_settings() -> None:
    started: list[tuple[type[StageModule], dict[str, Any], int | None, int | None, float]] = []

    def isolation(
        cls: type[StageModule],
        settings: Mapping[str, Any],
        *,
        memory_limit_mb: int | None,
        workers: int | None,
        start_timeout_s: float,
    ) -> ModuleCall:
        started.append((cls, dict(settings), memory_limit_mb, workers, start_timeout_s))
        return InlineCall(cls(settings))

    registry = ModuleRegistry.from_classes([TEXT])
    plan = build_plan(config({"isolation": "process", "workers": 2}), registry, isolation=isolation)
    plan.close()
    assert started == [(TEXT, {}, DEFAULT_MEMORY_LIMIT_MB, 2, DEFAULT_START_TIMEOUT_S)]
    assert plan.substitutions == ()


def test_without_a_wired_port_an_isolated_selection_is_unavailable_and_never_runs_inline() -> None:
    plan = build_plan(
        config({"isolation": "process"}), ModuleRegistry.from_classes([TEXT]), isolation=None
    )
    [substitution] = plan.substitutions
    assert substitution.module_id == TEXT.spec.module_id
    assert "`isolation: process` needs worker processes" in substitution.reason
    (text,) = [p for p in plan.stages if p.stage.stage_id == "text"]
    assert text.primary is not None and text.primary.call is None  # nothing to call inline


def test_an_inline_selection_does_not_need_the_port() -> None:
    plan = build_plan(config({}), ModuleRegistry.from_classes([TEXT]), isolation=None)
    (text,) = [p for p in plan.stages if p.stage.stage_id == "text"]
    assert text.primary is not None and isinstance(text.primary.call, InlineCall)


def test_every_plan_builder_takes_the_isolation_port_as_a_required_keyword() -> None:
    """A caller cannot forget the port (the default policy's text.ocr fallback runs isolated):
    it passes bootstrap's adapter, or says `isolation=None`."""
    for builder in (build_plan, Plans.__init__, TrialService.__init__):
        parameter = inspect.signature(builder).parameters["isolation"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, builder
        assert parameter.default is inspect.Parameter.empty, builder
