"""The module registry: discovers modules through the `turnout.modules` entry points, and checks
each against its stage's contract before any invoice runs.

Discovery reads the entry points' metadata only. A module is imported the first time something
needs it (its class, its spec, its status), so a command imports only the modules it uses:
`turnout runs` none, `turnout process` those of the active version, `turnout modules` all. Each
import is guarded (see `module_loading`): a module whose import fails, exits or hangs, whose spec
does not meet its contract, or whose health check fails is kept as `unavailable` with the reason;
it never crashes or blocks the process.
"""

from __future__ import annotations

import functools
import importlib.metadata
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from turnout.domain.errors import ModuleUnavailable, NotFound
from turnout.domain.modules import ModuleRecord, StageModule
from turnout.domain.stages import STAGES_BY_ID
from turnout.runtime.module_loading import (
    DEFAULT_IMPORT_TIMEOUT_S,
    RegisteredModule,
    contract_problems,
    load_guarded,
    register,
    stage_of,
)

__all__ = [
    "DEFAULT_IMPORT_TIMEOUT_S",
    "ENTRY_POINT_GROUP",
    "ModuleRegistry",
    "RegisteredModule",
    "contract_problems",
]

ENTRY_POINT_GROUP = "turnout.modules"


class _Entry:
    """One module as discovery found it: loaded on first use, once."""

    def __init__(
        self,
        module_id: str,
        source: str,
        load: Callable[[], Any] | None = None,
        loaded: RegisteredModule | None = None,
        timeout_s: float | None = None,
    ) -> None:
        self.module_id = module_id
        self.source = source
        self._load = load
        self._loaded = loaded
        self._timeout_s = timeout_s
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._loaded is not None

    def resolve(self) -> RegisteredModule:
        if self._loaded is None:
            with self._lock:  # a second caller waits for the first load instead of repeating it
                if self._loaded is None:
                    assert self._load is not None
                    self._loaded = load_guarded(
                        self.module_id, self._load, self.source, self._timeout_s
                    )
        return self._loaded


class ModuleRegistry:
    """The modules known to this process, by module_id."""

    def __init__(self, modules: Iterable[RegisteredModule | _Entry]) -> None:
        self._entries: dict[str, _Entry] = {}
        for m in modules:
            entry = m if isinstance(m, _Entry) else _Entry(m.module_id, m.source or "", loaded=m)
            self._entries[entry.module_id] = entry

    @classmethod
    def discover(cls, import_timeout_s: float | None = DEFAULT_IMPORT_TIMEOUT_S) -> ModuleRegistry:
        """Modules from the entry-point group, discovered once per process, imported when used.

        `import_timeout_s` bounds each module's import and health check (None: no limit).
        """
        return _discovered(import_timeout_s)

    @classmethod
    def from_entry_points(
        cls,
        entry_points: Iterable[importlib.metadata.EntryPoint],
        import_timeout_s: float | None = DEFAULT_IMPORT_TIMEOUT_S,
    ) -> ModuleRegistry:
        """A registry of entry points, none imported yet; each is loaded (guarded) when used."""
        return cls(
            _Entry(ep.name, ep.value, ep.load, timeout_s=import_timeout_s) for ep in entry_points
        )

    @classmethod
    def from_classes(cls, classes: Iterable[type[StageModule]]) -> ModuleRegistry:
        """A registry of explicit classes (embedding, tests of third-party modules)."""
        return cls(
            register(
                c.spec.module_id, functools.partial(_same, c), f"{c.__module__}.{c.__qualname__}"
            )
            for c in classes
        )

    def with_classes(self, classes: Iterable[type[StageModule]]) -> ModuleRegistry:
        extra = ModuleRegistry.from_classes(classes)
        return ModuleRegistry([*self._entries.values(), *extra._entries.values()])

    def module_ids(self) -> list[str]:
        """Every module id discovered, without importing any module."""
        return sorted(self._entries)

    def is_installed(self, module_id: str) -> bool:
        """Whether a package provides `module_id` (nothing is imported)."""
        return module_id in self._entries

    def loaded(self) -> list[RegisteredModule]:
        """The modules imported so far in this process (nothing more is imported)."""
        return _ordered(e.resolve() for e in self._entries.values() if e.is_loaded)

    def get(self, module_id: str) -> RegisteredModule | None:
        """The module (imported now if it was not yet), or None when none is installed."""
        entry = self._entries.get(module_id)
        return entry.resolve() if entry is not None else None

    def require(self, module_id: str) -> RegisteredModule:
        module = self.get(module_id)
        if module is None:
            raise NotFound(
                f"module `{module_id}` is not installed; `turnout modules` lists those that are"
            )
        return module

    def all(self) -> list[RegisteredModule]:
        """Every module, each imported (guarded) if it was not yet."""
        return _ordered(e.resolve() for e in self._entries.values())

    def for_stage(self, stage_id: str) -> list[RegisteredModule]:
        """The modules of one stage; only the modules whose id names that stage are imported."""
        named = (e.resolve() for e in self._entries.values() if stage_of(e.module_id) == stage_id)
        return [m for m in _ordered(named) if m.stage_id == stage_id]

    def designated_fallback(self, stage_id: str) -> str | None:
        """The one module of the stage marked `is_fallback` (built-in modules win a tie)."""
        claims = [m for m in self.for_stage(stage_id) if m.spec is not None and m.spec.is_fallback]
        claims.sort(key=lambda m: (not (m.source or "").startswith("turnout."), m.module_id))
        return claims[0].module_id if claims else None

    def records(self) -> list[ModuleRecord]:
        """Module rows to store, with exactly one designated fallback per stage at most."""
        modules = self.all()
        fallbacks = {s: self.designated_fallback(s) for s in STAGES_BY_ID}
        return [
            m.record(is_fallback=fallbacks.get(m.stage_id) == m.module_id)
            for m in modules
            if m.stage_id in STAGES_BY_ID
        ]

    def instantiate(self, module_id: str, settings: Mapping[str, Any]) -> StageModule:
        module = self.require(module_id)
        if module.cls is None or not module.available:
            raise ModuleUnavailable(f"module `{module_id}` is unavailable: {module.reason}")
        return module.cls(settings)


def _same(cls: type[StageModule]) -> type[StageModule]:
    return cls


def _ordered(modules: Iterable[RegisteredModule]) -> list[RegisteredModule]:
    order = {s: st.order for s, st in STAGES_BY_ID.items()}
    return sorted(modules, key=lambda m: (order.get(m.stage_id, 99), m.module_id))


@functools.cache
def _discovered(import_timeout_s: float | None) -> ModuleRegistry:
    entries = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return ModuleRegistry.from_entry_points(entries, import_timeout_s)


def _register(module_id: str, load: Any, source: str) -> RegisteredModule:
    """Load one module now, on the caller's thread (tests of the checks)."""
    return register(module_id, load, source)
