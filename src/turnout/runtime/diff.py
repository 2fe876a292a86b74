"""Differences between two configuration versions, as flat `path: before -> after` changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from turnout.domain.configuration import ModuleConfiguration

_MISSING = object()


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


def diff_configurations(a: ModuleConfiguration, b: ModuleConfiguration) -> list[Change]:
    """Selections, settings and policies that differ between `a` and `b` (summary excluded)."""
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
        for key in sorted(set(left) | set(right), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            _walk(path, left.get(key, _MISSING), right.get(key, _MISSING), out)
        return
    if left != right:
        out.append(
            Change(prefix, None if left is _MISSING else left, None if right is _MISSING else right)
        )
