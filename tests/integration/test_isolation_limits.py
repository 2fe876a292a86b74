"""Limits that hold for isolated modules: `timeout_s` bounds the whole attempt (waiting for a free
worker and a worker's start included), and a worker has a memory limit unless told otherwise."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.fakes import fake_module
from support.misbehaving_modules import (
    MISBEHAVE,
    EchoText,
    HangingText,
    HoardingText,
    SlowWarmUpText,
)
from support.pipelines import make_runner
from turnout.domain.artifacts import Document, DocumentKind, Text
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration, ModuleSelection
from turnout.domain.errors import ModuleError, StageTimeout
from turnout.domain.framework_settings import DEFAULT_MEMORY_LIMIT_MB
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.domain.runs import RunStatus
from turnout.isolation import ProcessIsolatedModule
from turnout.isolation.call import IsolatedCall
from turnout.persistence import Database
from turnout.runtime.config_document import PolicyDoc
from turnout.runtime.plan import Plan, build_plan
from turnout.runtime.registry import ModuleRegistry

CONTEXT = RunContext("run-7", 1, "text", "text.test", Path("/tmp"))
BACKUP = fake_module("text", "backup", is_fallback=True)


def document(data: bytes) -> Artifacts:
    digest = hashlib.sha256(data).hexdigest()
    return Artifacts(
        [Document("invoice.pdf", DocumentKind.PDF, "application/pdf", digest, len(data), data)]
    )


def hang_in_threads(
    module: ProcessIsolatedModule, n: int, timeout_s: float
) -> tuple[list[threading.Thread], list[BaseException]]:
    """Start `n` threads each running a hanging attempt; the list gets what each raised."""
    raised: list[BaseException] = []

    def hang() -> None:
        try:
            module.process(document(MISBEHAVE), CONTEXT, timeout_s)
        except BaseException as exc:
            raised.append(exc)

    threads = [threading.Thread(target=hang) for _ in range(n)]
    for thread in threads:
        thread.start()
    return threads, raised


def test_hanging_isolated_module_at_concurrency_4_keeps_every_attempt_within_its_time_limit(
    db: Database, tmp_path: Path
) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [HangingText, BACKUP],
        {"text": ("text.hangs", {"isolation": "process"})},
        {
            "text": PolicyDoc(
                "text.backup",
                ("error", "timeout"),
                {"timeout_s": 1, "retry": {"attempts": 1, "backoff_s": 0}},
            )
        },
    )
    files = [(f"bad-{i}.pdf", MISBEHAVE) for i in range(6)]
    files += [(f"good-{i}.pdf", b"%PDF fine") for i in range(2)]
    try:
        runs = runner.run_many(files, concurrency=4)
    finally:
        runner.close()
    with db.unit_of_work() as uow:
        stored = [uow.runs.get(run.run_id) for run in runs]
    text_attempts = [
        attempt
        for run in stored
        if run is not None
        for attempt in run.attempts
        if attempt.stage_id == "text"
    ]
    assert (
        len(stored) == len(files) and len(text_attempts) >= 6 * 3
    )  # 2 hung attempts + the fallback
    slow = [
        (a.module_id, round(a.duration_ms), a.error) for a in text_attempts if a.duration_ms > 1500
    ]
    assert not slow, slow
    for run in stored[:6]:
        assert run is not None and run.status is RunStatus.COMPLETED_WITH_FALLBACK, run
        hung = [a for a in run.attempts if a.module_id == "text.hangs"]
        assert len(hung) == 2 and all("timeout_s=1" in (a.error or "") for a in hung), hung
    for run in stored[6:]:  # a good document is served, by a worker or else by the fallback
        assert run is not None and run.status in {
            RunStatus.COMPLETED,
            RunStatus.COMPLETED_WITH_FALLBACK,
        }, run


def test_an_attempt_waiting_for_a_busy_pool_times_out_at_its_time_limit() -> None:
    with ProcessIsolatedModule(HangingText, {}, workers=1) as module:
        module.warm_up()
        (busy,) = module.worker_pids
        assert busy is not None
        (holder,), raised = hang_in_threads(module, 1, 2.0)
        time.sleep(0.3)  # ordering only: the hanging attempt takes the one worker first
        started = time.perf_counter()
        with pytest.raises(StageTimeout) as timeout:
            module.process(document(b"hello"), CONTEXT, timeout_s=0.5)
        waited = time.perf_counter() - started
        holder.join()
        assert [type(e) for e in raised] == [StageTimeout]
        assert 0.5 <= waited < 1.2, waited  # without the bound: until the hung one's end
        assert "took longer than timeout_s=0.5 waiting for a free worker process" in str(
            timeout.value
        )
        assert "(all 1 busy with other attempts; at most 1)" in str(timeout.value)
        assert "raise `workers`" in str(timeout.value)
        assert module.worker_pids != (busy,)  # the hung one was killed and replaced
        with pytest.raises(ChildProcessError):  # and reaped: no zombie is left
            os.waitpid(busy, os.WNOHANG)
        (produced,) = module.process(document(b"hello"), CONTEXT, timeout_s=10)
        assert isinstance(produced, Text)


def test_an_attempt_that_runs_out_of_time_while_its_worker_starts_leaves_it_starting() -> None:
    with ProcessIsolatedModule(EchoText, {}) as module:
        started = time.perf_counter()
        with pytest.raises(StageTimeout) as timeout:
            module.process(document(b"hello"), CONTEXT, timeout_s=0.01)
        assert time.perf_counter() - started < 1.0
        assert "waiting for its worker process to start" in str(timeout.value)
        (produced,) = module.process(document(b"hello"), CONTEXT, timeout_s=10)
        (pid,) = module.worker_pids  # the same worker went on starting and served it
        assert isinstance(produced, Text) and f"(pid {pid}," in produced.pages[0]


def test_workers_start_as_attempts_need_them_up_to_the_bound() -> None:
    with ProcessIsolatedModule(HangingText, {}, workers=3) as module:
        assert module.worker_pids == ()  # nothing runs before it is needed
        module.warm_up()
        assert len(module.worker_pids) == 1
        for _ in range(3):  # one after the other: the one worker serves them all
            module.process(document(b"hello"), CONTEXT, timeout_s=10)
        assert len(module.worker_pids) == 1
        threads, raised = hang_in_threads(module, 4, 1.0)
        for thread in threads:
            thread.join()
        assert [type(e) for e in raised] == [StageTimeout] * 4
        assert len(module.worker_pids) == 3


PlanOf = Callable[[type[StageModule], dict[str, object]], IsolatedCall]


@pytest.fixture
def plan_of() -> Iterator[PlanOf]:
    plans: list[Plan] = []

    def build(cls: type[StageModule], settings: dict[str, object]) -> IsolatedCall:
        config = ModuleConfiguration(
            "c", 1, ConfigStatus.ACTIVE, "ann", dt.datetime.now(dt.UTC), ""
        )
        config.selections["text"] = ModuleSelection("s", "c", "text", cls.spec.module_id, settings)
        plan = build_plan(config, ModuleRegistry.from_classes([cls]), isolation=IsolatedCall)
        plans.append(plan)
        (text,) = [p for p in plan.stages if p.stage.stage_id == "text"]
        assert text.primary is not None, plan.substitutions
        assert isinstance(text.primary.call, IsolatedCall), text.primary.unavailable
        return text.primary.call

    yield build
    for plan in plans:
        plan.close()


def test_an_isolated_module_gets_the_default_memory_limit_when_its_selection_sets_none(
    plan_of: PlanOf,
) -> None:
    hoard_mb = DEFAULT_MEMORY_LIMIT_MB + 1024
    call = plan_of(HoardingText, {"isolation": "process", "hoard_mb": hoard_mb})
    with pytest.raises(ModuleError) as failure:
        call(document(MISBEHAVE), CONTEXT, 30)
    assert type(failure.value) is ModuleError
    assert str(failure.value).startswith("MemoryError")
    assert f"memory_limit_mb={DEFAULT_MEMORY_LIMIT_MB}" in str(failure.value)
    (produced,) = call(document(b"hello"), CONTEXT, 30)  # a normal attempt still works
    assert isinstance(produced, Text) and produced.pages[0].startswith("hello (pid ")


def test_start_timeout_s_in_the_settings_bounds_a_slow_warm_up() -> None:
    config = ModuleConfiguration("c", 1, ConfigStatus.ACTIVE, "ann", dt.datetime.now(dt.UTC), "")
    settings = {"isolation": "process", "start_timeout_s": 0.5}
    config.selections["text"] = ModuleSelection("s", "c", "text", "text.slow", settings)
    started = time.perf_counter()
    plan = build_plan(config, ModuleRegistry.from_classes([SlowWarmUpText]), isolation=IsolatedCall)
    plan.close()
    assert time.perf_counter() - started < 3
    [substitution] = plan.substitutions
    assert "not ready 0.5 s after it started" in substitution.reason
    assert "raise `start_timeout_s` in its settings" in substitution.reason
