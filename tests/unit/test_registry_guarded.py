"""The registry imports a module only when it is used, and a module whose import exits, is
interrupted or hangs is recorded unavailable with the reason instead of ending or blocking the
process."""

from __future__ import annotations

import sys
import threading
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from support.fakes import fake_module
from turnout.domain.modules import StageModule
from turnout.runtime.module_loading import load_guarded
from turnout.runtime.registry import ENTRY_POINT_GROUP, ModuleRegistry, _Entry

MODULE_SOURCE = """
from support.fakes import fake_module
{before}
Module = fake_module("{stage}", "{name}")
"""


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, before: str = "") -> str:
    """A real importable module `name` (on sys.path) defining `Module`; returns its entry value."""
    stage, short = "validate", name.replace("_", "")
    (tmp_path / f"{name}.py").write_text(
        MODULE_SOURCE.format(before=before, stage=stage, name=short), encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return f"{name}:Module"


def _entry(module_id: str, value: str) -> EntryPoint:
    return EntryPoint(name=module_id, value=value, group=ENTRY_POINT_GROUP)


def test_discovery_imports_nothing_until_a_module_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used = _package(tmp_path, monkeypatch, "lazy_used")
    unused = _package(tmp_path, monkeypatch, "lazy_unused")
    registry = ModuleRegistry.from_entry_points(
        [_entry("validate.lazyused", used), _entry("validate.lazyunused", unused)]
    )
    assert registry.is_installed("validate.lazyunused")
    assert registry.module_ids() == ["validate.lazyunused", "validate.lazyused"]
    assert "lazy_used" not in sys.modules and "lazy_unused" not in sys.modules

    entry = registry.get("validate.lazyused")

    assert entry is not None and entry.available, entry
    assert "lazy_used" in sys.modules and "lazy_unused" not in sys.modules
    assert [m.module_id for m in registry.loaded()] == ["validate.lazyused"]


def test_an_import_that_calls_sys_exit_is_unavailable_and_the_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exits = _package(tmp_path, monkeypatch, "exits_at_import", "import sys; sys.exit(3)")
    fine = _package(tmp_path, monkeypatch, "loads_fine")
    registry = ModuleRegistry.from_entry_points(
        [_entry("validate.exitsatimport", exits), _entry("validate.loadsfine", fine)]
    )
    modules = {m.module_id: m for m in registry.all()}
    assert not modules["validate.exitsatimport"].available
    assert modules["validate.exitsatimport"].reason == "import called sys.exit(3)"
    assert modules["validate.loadsfine"].available


def test_an_import_that_raises_keyboard_interrupt_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = _package(tmp_path, monkeypatch, "interrupts", "raise KeyboardInterrupt")
    entry = ModuleRegistry.from_entry_points([_entry("validate.interrupts", value)]).require(
        "validate.interrupts"
    )
    assert not entry.available and entry.reason == "import raised KeyboardInterrupt"


def test_an_import_that_hangs_is_given_up_after_the_time_limit() -> None:
    release = threading.Event()
    started = threading.Event()

    def hang() -> type[StageModule]:
        started.set()
        release.wait()
        return fake_module("validate", "slow")

    try:
        entry = load_guarded("validate.slow", hang, "slow_pkg:Module", timeout_s=0.2)
        assert started.is_set()
        assert not entry.available and entry.stage_id == "validate"
        assert entry.reason is not None
        assert entry.reason.startswith("import did not finish within 0.2 s")
        assert "TURNOUT_MODULE_IMPORT_TIMEOUT_S" in entry.reason
    finally:
        release.set()


def test_a_health_check_that_calls_sys_exit_is_unavailable() -> None:
    cls = fake_module("validate", "sickexit")

    def exit_now() -> None:
        sys.exit(4)

    cls.health_check = staticmethod(exit_now)  # type: ignore[method-assign,assignment]
    entry = load_guarded("validate.sickexit", lambda: cls, "x:y", timeout_s=5)
    assert not entry.available and entry.reason == "health check called sys.exit(4)"
    assert entry.cls is cls  # the spec is still known: `turnout modules` shows its contract


def test_a_module_is_loaded_once_even_when_asked_from_many_threads() -> None:
    calls: list[int] = []
    cls = fake_module("validate", "once")

    def load() -> type[StageModule]:
        calls.append(1)
        return cls

    registry = ModuleRegistry([_Entry("validate.once", "x:y", load, timeout_s=5)])
    threads = [threading.Thread(target=registry.get, args=("validate.once",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert calls == [1]
