"""The module registry: discovery through entry points, contract checks at registration, and
unavailable modules recorded instead of crashing."""

from __future__ import annotations

from support.fakes import fake_module
from turnout.domain.artifacts import ArtifactRef
from turnout.domain.modules import ModuleStatus, StageModule
from turnout.runtime.defaults import DEFAULT_SELECTIONS
from turnout.runtime.registry import ModuleRegistry, _register


def test_every_builtin_module_is_discovered_through_entry_points_and_available() -> None:
    registry = ModuleRegistry.discover()
    for module_id in DEFAULT_SELECTIONS.values():
        entry = registry.get(module_id)
        assert entry is not None, module_id
        assert entry.available, f"{module_id}: {entry.reason}"
        assert entry.source is not None and entry.source.startswith("turnout.modules.")


def test_discovery_happens_once_per_process() -> None:
    assert ModuleRegistry.discover() is ModuleRegistry.discover()


def test_import_failure_is_recorded_unavailable_not_raised() -> None:
    def load() -> type[StageModule]:
        raise ImportError("No module named 'onnxruntime'")

    entry = _register("text.ocr", load, "acme_ocr:Ocr")
    assert entry.status is ModuleStatus.UNAVAILABLE
    assert "onnxruntime" in (entry.reason or "")
    assert entry.stage_id == "text"


def test_failing_health_check_is_recorded_unavailable() -> None:
    registry = ModuleRegistry.from_classes([fake_module("text", "sick", healthy=False)])
    entry = registry.require("text.sick")
    assert not entry.available and "health check failed" in (entry.reason or "")


def test_module_that_does_not_meet_its_contract_is_unavailable() -> None:
    wrong = fake_module("text", "wrong", outputs=(ArtifactRef("fields"),))
    entry = ModuleRegistry.from_classes([wrong]).require("text.wrong")
    assert not entry.available and "does not produce `text/v1`" in (entry.reason or "")


def test_entry_point_name_must_match_the_spec() -> None:
    entry = _register("text.alias", lambda: fake_module("text", "real"), "x:y")
    assert not entry.available and "spec says `text.real`" in (entry.reason or "")


def test_something_that_is_not_a_module_is_unavailable() -> None:
    entry = _register("text.nothing", lambda: object, "x:y")
    assert not entry.available and "StageModule" in (entry.reason or "")


def test_only_one_designated_fallback_per_stage_and_builtins_win() -> None:
    third_party = fake_module("validate", "other", is_fallback=True)
    registry = ModuleRegistry.discover().with_classes([third_party])
    records = [r for r in registry.records() if r.stage_id == "validate" and r.is_fallback]
    assert [r.module_id for r in records] == ["validate.basic"]
