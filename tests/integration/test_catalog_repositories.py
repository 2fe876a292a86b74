"""Stages, contracts and modules round-trip through their repositories."""

from __future__ import annotations

from turnout.domain.modules import ModuleStatus
from turnout.domain.stages import STAGES, STAGES_BY_ID
from turnout.persistence import Database

from .conftest import MODULE_IDS, module_record


def test_stages_come_back_in_order_with_their_whole_contracts(catalog_db: Database) -> None:
    with catalog_db.unit_of_work() as uow:
        assert uow.stages.stages() == list(STAGES)
        assert uow.stages.contracts() == sorted(
            (s.contract for s in STAGES), key=lambda c: c.contract_id
        )


def test_saving_a_stage_again_updates_it(catalog_db: Database) -> None:
    changed = STAGES_BY_ID["dedupe"].__class__(
        "dedupe", "Duplicates", 7, STAGES_BY_ID["dedupe"].contract, is_required=True
    )
    with catalog_db.unit_of_work() as uow:
        uow.stages.save_stage(changed)
        uow.commit()
    with catalog_db.unit_of_work() as uow:
        stored = {s.stage_id: s for s in uow.stages.stages()}
    assert stored["dedupe"] == changed
    assert len(stored) == len(STAGES)


def test_modules_round_trip_every_field(catalog_db: Database) -> None:
    with catalog_db.unit_of_work() as uow:
        assert uow.modules.get("text.ocr") == module_record("text.ocr")
        assert uow.modules.get("text.nowhere") is None


def test_modules_are_listed_by_stage_order_then_id(catalog_db: Database) -> None:
    with catalog_db.unit_of_work() as uow:
        listed = [m.module_id for m in uow.modules.list()]
        text_modules = [m.module_id for m in uow.modules.list("text")]
    stage_order = {s.stage_id: s.order for s in STAGES}
    assert listed == sorted(MODULE_IDS, key=lambda m: (stage_order[m.split(".")[0]], m))
    assert text_modules == ["text.default", "text.ocr"]


def test_saving_a_module_again_updates_status_fallback_and_metadata(catalog_db: Database) -> None:
    deprecated = module_record(
        "text.ocr",
        status=ModuleStatus.DEPRECATED,
        is_fallback=True,
        metadata={"version": "2.0", "nested": {"list": [1, 2.5, None, "é"]}},
    )
    with catalog_db.unit_of_work() as uow:
        uow.modules.save(deprecated)
        uow.modules.save(module_record("text.default", is_fallback=True))
        uow.commit()
    with catalog_db.unit_of_work() as uow:
        assert uow.modules.get("text.ocr") == deprecated
        assert uow.modules.get("text.default") == module_record("text.default", is_fallback=True)
