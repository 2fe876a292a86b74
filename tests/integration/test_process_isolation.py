"""Process isolation with real worker processes: each way a module can die costs one attempt.

The misbehaving modules (tests/support/misbehaving_modules.py) echo their input, except on the
`MISBEHAVE` document. Each test checks the error and that the same `ProcessIsolatedModule` then
serves a good attempt from a fresh worker, and that no worker is left unreaped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from support.misbehaving_modules import (
    MISBEHAVE,
    EchoText,
    ExitingText,
    FailingWarmUpText,
    HangingText,
    HoardingText,
    RaisingUnpicklableText,
    RejectingText,
    SegfaultingText,
)
from turnout.domain.artifacts import Artifact, Document, DocumentKind, Text
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration, ModuleSelection
from turnout.domain.errors import (
    InputRejected,
    ModuleCrashed,
    ModuleError,
    ModuleUnavailable,
    StageTimeout,
)
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.isolation import ProcessIsolatedModule
from turnout.isolation.call import IsolatedCall
from turnout.isolation.protocol import RemoteTraceback
from turnout.runtime.plan import build_plan
from turnout.runtime.registry import ModuleRegistry

CONTEXT = RunContext("run-42", 3, "text", "text.test", Path("/tmp"))


def document(data: bytes) -> Artifacts:
    digest = hashlib.sha256(data).hexdigest()
    return Artifacts(
        [Document("invoice.pdf", DocumentKind.PDF, "application/pdf", digest, 9, data)]
    )


def echoed(module: ProcessIsolatedModule, data: bytes = b"hello") -> str:
    produced = module.process(document(data), CONTEXT, timeout_s=10)
    assert len(produced) == 1 and isinstance(produced[0], Text)
    return produced[0].pages[0]


def assert_reaped(pid: int | None) -> None:
    """The process was a child of ours and has been waited for: no zombie is left."""
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@pytest.fixture
def isolated(request: pytest.FixtureRequest) -> Iterator[ProcessIsolatedModule]:
    cls, kwargs = request.param
    module = ProcessIsolatedModule(cls, {"prefix": "> "}, **kwargs)
    module.warm_up()
    yield module
    pids = module.worker_pids
    module.close()
    for pid in pids:
        if pid is not None:
            assert_reaped(pid)
    assert multiprocessing.active_children() == []


def isolate(cls: type[StageModule], **kwargs: object) -> object:
    return pytest.mark.parametrize("isolated", [(cls, kwargs)], indirect=True, ids=[cls.__name__])


@isolate(EchoText)
def test_worker_builds_the_module_with_its_settings_warms_it_up_and_is_reused(
    isolated: ProcessIsolatedModule,
) -> None:
    (pid,) = isolated.worker_pids
    assert pid is not None and pid != os.getpid()
    assert echoed(isolated) == f"> hello (pid {pid}, run-42)"
    started = time.perf_counter()
    for _ in range(50):
        assert echoed(isolated).endswith(f"(pid {pid}, run-42)")
    assert time.perf_counter() - started < 1.0, "an attempt should cost a pipe round trip"
    assert isolated.spec is EchoText.spec


@isolate(SegfaultingText)
def test_segfault_fails_the_attempt_as_module_crashed_and_a_fresh_worker_serves_the_next(
    isolated: ProcessIsolatedModule,
) -> None:
    (dead,) = isolated.worker_pids
    with pytest.raises(ModuleCrashed) as crash:
        isolated.process(document(MISBEHAVE), CONTEXT, timeout_s=10)
    message = str(crash.value)
    assert "`text.segfault`" in message
    assert "SIGSEGV (exit code -11)" in message
    assert "the worker was restarted" in message
    assert_reaped(dead)
    (fresh,) = isolated.worker_pids
    assert fresh != dead
    assert echoed(isolated) == f"> hello (pid {fresh}, run-42)"


@isolate(ExitingText)
def test_os_exit_in_a_module_fails_the_attempt_with_its_exit_code(
    isolated: ProcessIsolatedModule,
) -> None:
    (dead,) = isolated.worker_pids
    with pytest.raises(ModuleCrashed, match=r"`text\.exits` crashed .*exited with code 3"):
        isolated.process(document(MISBEHAVE), CONTEXT, timeout_s=10)
    assert_reaped(dead)
    assert "> hello" in echoed(isolated)


@isolate(EchoText)
def test_a_worker_killed_from_outside_fails_the_next_attempt_and_is_replaced(
    isolated: ProcessIsolatedModule,
) -> None:
    (killed,) = isolated.worker_pids
    assert killed is not None
    os.kill(killed, signal.SIGKILL)  # what the kernel's out-of-memory killer does
    with pytest.raises(ModuleCrashed, match=r"was killed by SIGKILL \(exit code -9\)"):
        isolated.process(document(b"hello"), CONTEXT, timeout_s=10)
    assert_reaped(killed)
    assert "> hello" in echoed(isolated)


@isolate(HangingText)
def test_hung_attempt_is_killed_at_its_timeout_and_the_next_attempt_gets_a_fresh_worker(
    isolated: ProcessIsolatedModule,
) -> None:
    (hung,) = isolated.worker_pids
    started = time.perf_counter()
    with pytest.raises(StageTimeout) as timeout:
        isolated.process(document(MISBEHAVE), CONTEXT, timeout_s=0.5)
    assert 0.5 <= time.perf_counter() - started < 1.5
    assert str(timeout.value) == (
        "module `text.hangs` took longer than timeout_s=0.5; "
        "the worker was killed and will be restarted"
    )
    assert_reaped(hung)
    assert "> hello" in echoed(isolated)


@isolate(HoardingText, memory_limit_mb=200)
def test_allocation_beyond_the_memory_limit_fails_the_attempt_and_replaces_the_worker(
    isolated: ProcessIsolatedModule,
) -> None:
    (hoarder,) = isolated.worker_pids
    with pytest.raises(ModuleError) as failure:
        isolated.process(document(MISBEHAVE), CONTEXT, timeout_s=10)
    assert type(failure.value) is ModuleError
    assert str(failure.value).startswith("MemoryError")
    assert "memory_limit_mb=200" in str(failure.value)
    assert_reaped(hoarder)
    assert "> hello" in echoed(isolated)


@isolate(RejectingText)
def test_a_domain_error_comes_back_as_its_domain_class_and_the_worker_stays(
    isolated: ProcessIsolatedModule,
) -> None:
    (pid,) = isolated.worker_pids
    with pytest.raises(InputRejected) as rejected:
        isolated.process(document(MISBEHAVE), CONTEXT, timeout_s=10)
    assert type(rejected.value) is InputRejected  # the module's NotAPdf does not exist here
    assert str(rejected.value) == "the document is not a PDF; send the invoice as a PDF"
    cause = rejected.value.__cause__
    assert isinstance(cause, RemoteTraceback) and "NotAPdf" in cause.text
    assert isolated.worker_pids == (pid,)
    assert echoed(isolated).endswith(f"(pid {pid}, run-42)")


@isolate(RaisingUnpicklableText)
def test_an_unpicklable_exception_comes_back_as_module_error_with_its_type_and_message(
    isolated: ProcessIsolatedModule,
) -> None:
    with pytest.raises(ModuleError) as failure:
        isolated.process(document(MISBEHAVE), CONTEXT, timeout_s=10)
    assert type(failure.value) is ModuleError
    assert str(failure.value) == "UnpicklableError: the native decoder failed with code 42"
    cause = failure.value.__cause__
    assert isinstance(cause, RemoteTraceback) and "in misbehave" in cause.text
    assert "> hello" in echoed(isolated)


@isolate(HangingText, workers=2)
def test_a_pool_of_workers_runs_attempts_from_two_threads_at_once(
    isolated: ProcessIsolatedModule,
) -> None:
    errors: list[BaseException] = []

    def hang() -> None:
        try:
            isolated.process(document(MISBEHAVE), CONTEXT, timeout_s=1.0)
        except StageTimeout as exc:
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=hang) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 2
    # one after the other they would take 2 s
    assert time.perf_counter() - started < 1.8, "the two attempts should have run side by side"


def test_a_module_whose_warm_up_fails_is_unavailable_with_the_reason() -> None:
    with ProcessIsolatedModule(FailingWarmUpText, {}) as module:
        with pytest.raises(ModuleUnavailable) as unavailable:
            module.warm_up()
        assert "`text.cold` could not start in its worker process" in str(unavailable.value)
        assert "FileNotFoundError: " in str(unavailable.value)
        assert "model file /nonexistent/model.bin is missing" in str(unavailable.value)
        assert module.worker_pids == (None,)


def test_a_closed_module_refuses_attempts() -> None:
    module = ProcessIsolatedModule(EchoText, {})
    module.close()
    with pytest.raises(ModuleError, match="closed"):
        module.process(document(b"hello"), CONTEXT, timeout_s=10)


def test_a_class_defined_in_a_function_is_refused_at_construction() -> None:
    class LocalText(StageModule):
        spec: ClassVar[ModuleSpec] = EchoText.spec

        def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
            return []

    with pytest.raises(ModuleUnavailable, match="defined inside a function") as refused:
        ProcessIsolatedModule(LocalText, {})
    assert "define the class at the top level of an importable module" in str(refused.value)


def test_workers_stop_when_the_interpreter_exits_without_close(tmp_path: Path) -> None:
    script = (
        "from turnout.isolation import ProcessIsolatedModule\n"
        "from support.misbehaving_modules import EchoText\n"
        "module = ProcessIsolatedModule(EchoText, {})\n"
        "module.warm_up()\n"
        "print(module.worker_pids[0], flush=True)\n"
    )
    tests_dir = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(tests_dir)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0, done.stderr
    worker = int(done.stdout.strip())
    assert not Path(f"/proc/{worker}").exists(), "the worker outlived its parent"


def test_a_selection_with_isolation_process_is_planned_as_a_worker_that_survives_a_segfault() -> (
    None
):
    config = ModuleConfiguration("cfg", 1, ConfigStatus.ACTIVE, "ann", dt.datetime.now(dt.UTC), "")
    settings = {"prefix": "> ", "isolation": "process", "memory_limit_mb": 300}
    config.selections["text"] = ModuleSelection("s1", "cfg", "text", "text.segfault", settings)
    plan = build_plan(
        config, ModuleRegistry.from_classes([SegfaultingText]), isolation=IsolatedCall
    )
    try:
        (text,) = [p for p in plan.stages if p.stage.stage_id == "text"]
        assert text.primary is not None and isinstance(text.primary.call, IsolatedCall)
        call = text.primary.call
        with pytest.raises(ModuleCrashed, match="SIGSEGV"):
            call(document(MISBEHAVE), CONTEXT, 10)
        (produced,) = call(document(b"hello"), CONTEXT, 10)
        assert isinstance(produced, Text) and produced.pages[0].startswith("> hello (pid ")
        pids = call.module.worker_pids
    finally:
        plan.close()
    assert_reaped(pids[0])
