"""Calling a module under test with a time limit, and judging what came back.

`attempt()` runs `process()` in a thread and records what happened: the artifacts, the error, or
a hang. `output_problems()` says how produced artifacts break the stage's contract, and
`robustness_problem()` whether an attempt on junk input was acceptable: valid artifacts, or a
`ModuleError` (`NotApplicable`, `InputRejected` ...), within the time limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from turnout.domain.artifacts import Artifact
from turnout.domain.errors import ModuleError, StageTimeout
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.domain.schema import describe
from turnout.domain.stages import STAGES_BY_ID
from turnout.runtime.resilience.timeout import call_with_timeout

DEFAULT_TIMEOUT_S = 20.0
T = TypeVar("T")


@dataclass(frozen=True)
class Attempt:
    """What one bounded call did: produced artifacts, raised `error`, or `hung`."""

    produced: list[Artifact] = field(default_factory=list)
    error: BaseException | None = None
    hung: bool = False


def bounded(fn: Callable[[], T], timeout_s: float, what: str) -> Attempt:
    """Call `fn` in a thread; an `Attempt` carrying its result as `produced` when it is a list."""
    try:
        value = call_with_timeout(fn, timeout_s, what)
    except StageTimeout:
        return Attempt(hung=True)
    except Exception as exc:  # recorded: the caller judges which errors are allowed
        return Attempt(error=exc)
    return Attempt(produced=list(value) if isinstance(value, list) else [])


def attempt(
    module: StageModule,
    inputs: Artifacts,
    context: RunContext,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Attempt:
    """`module.process(inputs, context)`, drained into a list in a thread bounded by `timeout_s`."""

    def call() -> list[Artifact]:
        produced: Iterable[Artifact] | None = module.process(inputs, context)
        return list(produced or ())  # None is nothing returned, as the runner counts it

    return bounded(call, timeout_s, f"module `{module.spec.module_id}`")


def output_problems(spec: ModuleSpec, produced: list[Artifact]) -> list[str]:
    """How `produced` breaks the module's stage contract (empty when it meets it): a missing output,
    or each bad value inside an artifact with its path (`findings.items[2]: expected a Finding,
    got str 'oops'`), as the runner would record the attempt as a `contract_violation`."""
    problems = [
        f"output[{i}]: returned {describe(item)}, not an Artifact"
        for i, item in enumerate(produced)
        if not isinstance(item, Artifact)
    ]
    artifacts = [item for item in produced if isinstance(item, Artifact)]
    stage = STAGES_BY_ID.get(spec.stage_id)
    wanted = stage.contract.outputs if stage else spec.outputs
    for ref in wanted:
        if not any(ref.satisfied_by(item.ref()) for item in artifacts):
            names = ", ".join(str(item.ref()) for item in artifacts) or "nothing"
            problems.append(f"did not produce `{ref}` (it produced {names})")
    for item in artifacts:
        problems.extend(item.problems())  # each problem's path starts with the artifact's name
    return problems


def robustness_problem(spec: ModuleSpec, result: Attempt, timeout_s: float) -> str | None:
    """Why this attempt on junk input is not acceptable, or None when it is."""
    if result.hung:
        return f"did not return within {timeout_s:g} s"
    if result.error is not None:
        if isinstance(result.error, ModuleError):
            return None
        return (
            f"raised {type(result.error).__name__}: {result.error} "
            "(raise NotApplicable, InputRejected or another ModuleError for bad input)"
        )
    problems = output_problems(spec, result.produced)
    return "; ".join(problems) if problems else None
