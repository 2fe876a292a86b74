"""The framework's own settings, reserved in every module's settings: `isolation`, `memory_limit_mb`.

A selection's settings hold the module's settings plus these two keys, which the runtime reads
and the module never sees:

- `isolation`: `"inline"` (default) runs the module in Turnout's process; `"process"` runs its
  attempts in a worker process (see `ProcessIsolatedModule`), so a crash or hang costs one attempt.
- `memory_limit_mb`: a positive integer, the worker's address-space limit (RLIMIT_AS); only with
  `isolation: process`. Address space is larger than resident memory, so leave room for the
  interpreter and the module's libraries (about 100 MB for a plain Python worker).

No module may declare either key in its own `settings_schema`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from turnout.domain.errors import InvalidConfiguration, Problem


class Isolation(StrEnum):
    INLINE = "inline"
    PROCESS = "process"


RESERVED_SETTINGS = ("isolation", "memory_limit_mb")

# JSON Schema for the reserved keys: `properties` to add to a module's settings schema, and the
# rule that a memory limit needs a worker process (see `with_framework_settings`).
FRAMEWORK_SETTINGS_SCHEMA: Mapping[str, Any] = {
    "properties": {
        "isolation": {
            "type": "string",
            "enum": [i.value for i in Isolation],
            "default": Isolation.INLINE.value,
            "description": "reserved: `inline` runs the module in Turnout's process; `process` "
            "runs its attempts in a worker process, so a crash, hang or memory blow-up fails "
            "one attempt instead of Turnout",
        },
        "memory_limit_mb": {
            "type": "integer",
            "minimum": 1,
            "description": "reserved: the worker process's address-space limit in MB "
            "(needs `isolation: process`); no limit when absent",
        },
    },
    "dependentSchemas": {
        "memory_limit_mb": {
            "properties": {"isolation": {"const": Isolation.PROCESS.value}},
            "required": ["isolation"],
        }
    },
}


@dataclass(frozen=True)
class FrameworkSettings:
    """How the runtime runs one selected module."""

    isolation: Isolation = Isolation.INLINE
    memory_limit_mb: int | None = None


def split_framework_settings(
    settings: Mapping[str, Any], *, stage_id: str | None = None, module_id: str | None = None
) -> tuple[dict[str, Any], FrameworkSettings]:
    """Split a selection's settings into the module's own and the framework's.

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
    limit = settings.get("memory_limit_mb")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            problem(
                f"settings.memory_limit_mb is {limit!r}",
                "give a positive whole number of megabytes, or remove the key",
            )
            limit = None
        elif isolation is not Isolation.PROCESS:
            problem(
                "settings.memory_limit_mb is only enforced in a worker process",
                'add `isolation: "process"` or remove `memory_limit_mb`',
            )
    if problems:
        raise InvalidConfiguration(problems, "the framework settings are not valid")
    return own, FrameworkSettings(isolation, limit)


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
