"""Fixtures for the persistence tests: the stage catalog, modules and configuration builders."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from turnout.domain.configuration import (
    ConfigStatus,
    FallbackPolicy,
    ModuleConfiguration,
    ModuleSelection,
)
from turnout.domain.modules import ModuleRecord, ModuleStatus
from turnout.domain.stages import STAGES, STAGES_BY_ID
from turnout.persistence import Database

# One default module per stage plus the designated fallbacks of `turnout.runtime.defaults`.
MODULE_IDS = [f"{s.stage_id}.default" for s in STAGES] + [
    "text.ocr",
    "extract.heuristic",
    "validate.basic",
]
FALLBACKS = {"text.ocr", "extract.heuristic", "validate.basic"}

ConfigFactory = Callable[..., ModuleConfiguration]


def module_record(module_id: str, **changes: Any) -> ModuleRecord:
    """A module record of the stage its id names."""
    stage_id = module_id.split(".")[0]
    values: dict[str, Any] = {
        "module_id": module_id,
        "name": module_id.replace(".", " ").title(),
        "stage_id": stage_id,
        "capability_contract_id": STAGES_BY_ID[stage_id].capability_contract_id,
        "status": ModuleStatus.AVAILABLE,
        "is_fallback": module_id in FALLBACKS,
        "metadata": {"version": "1.0", "guarantees": ["offline"], "settings_schema": {}},
    }
    values.update(changes)
    return ModuleRecord(**values)


@pytest.fixture
def catalog_db(db: Database) -> Database:
    """The migrated database with the ten stages, their contracts and the test modules."""
    with db.unit_of_work() as uow:
        for stage in STAGES:
            uow.stages.save_contract(stage.contract)
            uow.stages.save_stage(stage)
        for module_id in MODULE_IDS:
            uow.modules.save(module_record(module_id))
        uow.commit()
    return db


@pytest.fixture
def make_config() -> ConfigFactory:
    """Build a configuration version: a selection per stage, policies for text and extract."""

    def build(
        version: int,
        status: ConfigStatus = ConfigStatus.DRAFT,
        summary: str = "test configuration",
        **changes: Any,
    ) -> ModuleConfiguration:
        config_id = str(uuid.uuid4())
        selections = {
            s.stage_id: ModuleSelection(
                selection_id=str(uuid.uuid4()),
                config_id=config_id,
                stage_id=s.stage_id,
                module_id=f"{s.stage_id}.default",
                settings={"level": version} if s.stage_id == "intake" else {},
            )
            for s in STAGES
        }
        policies = {
            "text": FallbackPolicy(
                policy_id=str(uuid.uuid4()),
                config_id=config_id,
                stage_id="text",
                fallback_module_id="text.ocr",
                trigger_conditions=("error", "timeout", "empty_output"),
                actions={"timeout_s": 60, "retry": {"attempts": 2, "backoff_s": 0.2}},
            ),
            "extract": FallbackPolicy(
                policy_id=str(uuid.uuid4()),
                config_id=config_id,
                stage_id="extract",
                fallback_module_id=None,
                trigger_conditions=("low_confidence",),
                actions={"low_confidence_below": 0.7, "on_exhausted": "review"},
            ),
        }
        values: dict[str, Any] = {
            "config_id": config_id,
            "version": version,
            "status": status,
            "created_by": "alice",
            "created_at": dt.datetime(2025, 3, 1, 12, 30, version, 123456, tzinfo=dt.UTC),
            "summary": summary,
            "selections": selections,
            "policies": policies,
        }
        values.update(changes)
        return ModuleConfiguration(**values)

    return build
