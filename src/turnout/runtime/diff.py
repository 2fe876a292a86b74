"""Differences between two configuration versions, as flat `path: before -> after` changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from turnout.domain.configuration import ModuleConfiguration, in_pipeline_order

_MISSING = object()
_SECTIONS = {"selections": 0, "policies": 1, "guard": 2}


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


def diff_configurations(a: ModuleConfiguration, b: ModuleConfiguration) -> list[Change]:
    """Selections, settings, policies and guard that differ between `a` and `b` (summary
    excluded): selections and policies stage by stage in pipeline order, keys within a stage
    by name."""
    left = {k: v for k, v in a.document().items() if k != "summary"}
    right = {k: v for k, v in b.document().items() if k != "summary"}
    changes: list[Change] = []
    _walk("", left, right, changes)
    return changes


def _walk(prefix: str, left: Any, right: Any, out: list[Change]) -> None:
    # an absent mapping (no settings, no policies) compares as an empty one, so the change is
    # reported at the setting that differs rather than at the whole block
    if isinstance(right, Mapping) and left is _MISSING:
        left = {}
    if isinstance(left, Mapping) and right is _MISSING:
        right = {}
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        keys: list[Any] = sorted(set(left) | set(right), key=str)
        if prefix in ("selections", "policies"):  # keyed by stage: the pipeline's order
            keys = [k for k, _ in in_pipeline_order(dict.fromkeys(keys))]
        elif not prefix:
            keys = sorted(keys, key=lambda k: _SECTIONS.get(str(k), len(_SECTIONS)))
        for key in keys:
            path = f"{prefix}.{key}" if prefix else str(key)
            _walk(path, left.get(key, _MISSING), right.get(key, _MISSING), out)
        return
    if left != right:
        out.append(
            Change(prefix, None if left is _MISSING else left, None if right is _MISSING else right)
        )
