"""The framework's own settings, reserved in every module's settings: plain data, so the
validation, the plan and the isolation adapter read the same schema and defaults.

A selection's settings hold the module's settings plus these keys, which the runtime reads and
the module never sees:

- `isolation`: `"inline"` (default) runs the module in Turnout's process; `"process"` runs its
  attempts in worker processes (see `ProcessIsolatedModule`), so a crash or hang costs one attempt.
- `memory_limit_mb`: a positive integer, each worker's address-space limit (RLIMIT_AS); only with
  `isolation: process`, where it defaults to `DEFAULT_MEMORY_LIMIT_MB` (4096). Address space is
  larger than resident memory: a plain Python worker reserves about 100 MB, a `text.ocr` worker
  (ONNX Runtime, PDFium) about 2 GB while it reads a 200 DPI page, so the default leaves it
  room while a runaway allocation still fails one attempt instead of exhausting the machine.
- `workers`: a positive integer, how many worker processes the module may have at once; only
  with `isolation: process`. Workers start as attempts need them, one per attempt in flight, up
  to this bound (default: twice the CPU count); an attempt that finds them all busy waits
  within its `timeout_s`.
- `start_timeout_s`: a positive number of seconds a worker may take to start (import the module
  and run its `warm_up`) before it is killed and the module reported unavailable; only with
  `isolation: process`; default `DEFAULT_START_TIMEOUT_S` (30).

No module may declare any of these keys in its own `settings_schema`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from turnout.domain.errors import InvalidConfiguration, Problem


class Isolation(StrEnum):
    INLINE = "inline"
    PROCESS = "process"


RESERVED_SETTINGS = ("isolation", "memory_limit_mb", "workers", "start_timeout_s")

# A worker's address-space limit when the selection sets none. Measured: a `text.ocr` worker
# peaks at about 2,000 MB of address space on a 200 DPI page (ONNX Runtime and PDFium reserve
# far more than they touch); twice that leaves room for larger pages.
DEFAULT_MEMORY_LIMIT_MB = 4096
DEFAULT_START_TIMEOUT_S = 30.0
_ONLY_IN_A_WORKER = ("memory_limit_mb", "workers", "start_timeout_s")


def default_workers() -> int:
    """How many worker processes an isolated module may have when `workers` is not set.

    Twice the CPU count: the modules worth isolating run native code that is busy on a core, so
    more workers than cores gain nothing; the second half keeps runs moving while some workers
    sit in a hang until their `timeout_s` kills them. Each worker holds its own copy of the
    module's models, so the bound also bounds memory when `--concurrency` is high.
    """
    return 2 * (os.cpu_count() or 1)


# JSON Schema for the reserved keys: `properties` to add to a module's settings schema, and the
# rule that the worker-only keys need a worker process (see `with_framework_settings`). Only
# `isolation` states its default: a tool filling in defaults must not add worker-only keys.
FRAMEWORK_SETTINGS_SCHEMA: Mapping[str, Any] = {
    "properties": {
        "isolation": {
            "type": "string",
            "enum": [i.value for i in Isolation],
            "default": Isolation.INLINE.value,
            "description": "reserved: `inline` runs the module in Turnout's process; `process` "
            "runs its attempts in worker processes, so a crash, hang or memory blow-up fails "
            "one attempt instead of Turnout",
        },
        "memory_limit_mb": {
            "type": "integer",
            "minimum": 1,
            "description": "reserved: each worker process's address-space limit in MB "
            f"(needs `isolation: process`; default {DEFAULT_MEMORY_LIMIT_MB})",
        },
        "workers": {
            "type": "integer",
            "minimum": 1,
            "description": "reserved: at most this many worker processes, started as attempts "
            "need them (needs `isolation: process`; default twice the CPU count)",
        },
        "start_timeout_s": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "reserved: seconds a worker may take to import the module and warm it "
            f"up (needs `isolation: process`; default {DEFAULT_START_TIMEOUT_S:g})",
        },
    },
    "dependentSchemas": {
        key: {
            "properties": {"isolation": {"const": Isolation.PROCESS.value}},
            "required": ["isolation"],
        }
        for key in _ONLY_IN_A_WORKER
    },
}


@dataclass(frozen=True)
class FrameworkSettings:
    """How the runtime runs one selected module (`workers` None: `default_workers()`)."""

    isolation: Isolation = Isolation.INLINE
    memory_limit_mb: int | None = None
    workers: int | None = None
    start_timeout_s: float = DEFAULT_START_TIMEOUT_S


def split_framework_settings(
    settings: Mapping[str, Any], *, stage_id: str | None = None, module_id: str | None = None
) -> tuple[dict[str, Any], FrameworkSettings]:
    """Split a selection's settings into the module's own and the framework's.

    With `isolation: process` and no `memory_limit_mb`, the limit is `DEFAULT_MEMORY_LIMIT_MB`.
    Raises `InvalidConfiguration` (naming `stage_id` and `module_id` when given) when a reserved
    key has a bad value.
    """
    own = {k: v for k, v in settings.items() if k not in RESERVED_SETTINGS}
    problems: list[Problem] = []

    def problem(message: str, fix: str) -> None:
        problems.append(Problem(stage_id, module_id, message, fix))

    raw_isolation = settings.get("isolation", Isolation.INLINE.value)
    try:
        isolation = Isolation(raw_isolation)
    except ValueError:
        isolation = Isolation.INLINE
        problem(
            f"settings.isolation is {raw_isolation!r}",
            'write `isolation: "inline"` or `isolation: "process"`',
        )
    limit = _positive(settings, "memory_limit_mb", int, problem, "megabytes")
    workers = _positive(settings, "workers", int, problem, "worker processes")
    start = _positive(settings, "start_timeout_s", float, problem, "seconds")
    if isolation is not Isolation.PROCESS:
        for key in _ONLY_IN_A_WORKER:
            if key in settings:
                problem(
                    f"settings.{key} is only enforced in a worker process",
                    f'add `isolation: "process"` or remove `{key}`',
                )
    if problems:
        raise InvalidConfiguration(problems, "the framework settings are not valid")
    if isolation is Isolation.PROCESS and limit is None:
        limit = DEFAULT_MEMORY_LIMIT_MB
    return own, FrameworkSettings(
        isolation,
        int(limit) if limit is not None else None,
        int(workers) if workers is not None else None,
        float(start) if start is not None else DEFAULT_START_TIMEOUT_S,
    )


def _positive(
    settings: Mapping[str, Any],
    key: str,
    kind: type[int] | type[float],
    problem: Callable[[str, str], None],
    unit: str,
) -> float | None:
    """The value of `key` when it is a positive number of `kind`; None (and a problem) if not."""
    value = settings.get(key)
    if value is None:
        return None
    allowed = (int, float) if kind is float else (int,)
    if isinstance(value, bool) or not isinstance(value, allowed) or value <= 0:
        whole = "whole " if kind is int else ""
        problem(
            f"settings.{key} is {value!r}",
            f"give a positive {whole}number of {unit}, or remove the key",
        )
        return None
    return float(value)


def with_framework_settings(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a module's settings schema that also accepts the reserved keys.

    Raises `ValueError` when the module declares a reserved key itself.
    """
    merged = copy.deepcopy(dict(schema))
    properties = dict(merged.get("properties", {}))
    clash = sorted(set(properties) & set(RESERVED_SETTINGS))
    if clash:
        raise ValueError(
            f"the settings schema declares {', '.join(clash)}, reserved for the framework "
            f"({', '.join(RESERVED_SETTINGS)}); rename the module's setting"
        )
    properties.update(copy.deepcopy(FRAMEWORK_SETTINGS_SCHEMA["properties"]))
    merged["properties"] = properties
    dependent = dict(merged.get("dependentSchemas", {}))
    dependent.update(copy.deepcopy(FRAMEWORK_SETTINGS_SCHEMA["dependentSchemas"]))
    merged["dependentSchemas"] = dependent
    return merged
