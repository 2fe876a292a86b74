"""The read views the CLI and the REST API share: the JSON shapes of `--json` output and of the
API's responses, and the catalog queries behind `turnout stages|modules|contracts` and
GET /stages, /modules and /contracts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.events import ConfigurationChangeEvent
from turnout.domain.modules import ModuleRecord
from turnout.domain.runs import Run
from turnout.domain.stages import ProcessingStage

if TYPE_CHECKING:  # the command line imports these views: keep its start cheap
    from turnout.runtime.ports import UnitOfWork
    from turnout.runtime.registry import ModuleRegistry
    from turnout.runtime.results import CreateResult


def config_summary(c: ModuleConfiguration) -> dict[str, Any]:
    """`{version, status, created_by, created_at, activated_at, summary}`."""
    return {
        "version": c.version,
        "status": str(c.status),
        "created_by": c.created_by,
        "created_at": c.created_at.isoformat(),
        "activated_at": c.activated_at.isoformat() if c.activated_at else None,
        "summary": c.summary,
    }


def config_detail(
    c: ModuleConfiguration, approvals: Sequence[tuple[str, dt.datetime]] | None = None
) -> dict[str, Any]:
    """The summary plus the configuration document (selections, settings, policies and guard,
    stages in pipeline order), and who approved it (four eyes) when `approvals` is given."""
    detail = {**config_summary(c), "rolled_back_from": c.rolled_back_from, **c.document()}
    if approvals is not None:
        detail["approvals"] = [{"by": by, "at": at.isoformat()} for by, at in approvals]
    return detail


def create_to_dict(created: CreateResult) -> dict[str, Any]:
    """`config create --json`: the version's summary, `valid`, and every problem found."""
    return {
        **config_summary(created.config),
        "valid": created.valid,
        "problems": [p.to_dict() for p in created.problems],
    }


def run_to_dict(run: Run) -> dict[str, Any]:
    """One run as `turnout process --json` prints it and GET /runs/{run_id} returns it."""
    return {
        "run_id": run.run_id,
        "file": run.file_name,
        "status": str(run.status),
        "reason": run.reason,
        "config_version": run.config_version,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "worker": run.worker,
        "stages": [
            {
                "stage": a.stage_id,
                "module": a.module_id,
                "outcome": str(a.outcome),
                "attempts": a.attempt,
                "duration_ms": round(a.duration_ms, 3),
                "error": a.error or (a.summary.get("reason") if a.outcome == "skipped" else None),
            }
            for a in run.attempts
        ],
        "invoice": run.invoice,
        "findings": run.findings,
        "decision": run.decision,
        "review_revision": run.review_revision,
        "final_decision": run.final_decision,
    }


def event_to_dict(e: ConfigurationChangeEvent) -> dict[str, Any]:
    """One audit event, as `turnout events --json` prints it."""
    return {
        "event_id": e.event_id,
        "config_id": e.config_id,
        "config_version": e.config_version,
        "action": str(e.action),
        "actor": e.actor,
        "result": str(e.result),
        "message": e.message,
        "created_at": e.created_at.isoformat(),
    }


def module_to_dict(m: ModuleRecord) -> dict[str, Any]:
    """One registered module, as `turnout modules --json` prints it."""
    return {
        "module_id": m.module_id,
        "name": m.name,
        "stage_id": m.stage_id,
        "capability_contract_id": m.capability_contract_id,
        "status": str(m.status),
        "is_fallback": m.is_fallback,
        "metadata": dict(m.metadata),
    }


def stage_to_dict(
    s: ProcessingStage,
    selected: str | None,
    fallback: str | None,
    designated_fallback: str | None = None,
) -> dict[str, Any]:
    """One stage with the module the active configuration selects and the module its fallback
    policy falls back to (None: the active configuration has none for the stage), and the
    module the registry designates as the stage's fallback, as `turnout stages --json`."""
    return {
        "stage_id": s.stage_id,
        "name": s.name,
        "order": s.order,
        "capability_contract_id": s.capability_contract_id,
        "is_required": s.is_required,
        "selected_module": selected,
        "fallback_module": fallback,
        "designated_fallback": designated_fallback,
    }


def stages_view(uow_factory: Callable[[], UnitOfWork]) -> list[dict[str, Any]]:
    """The stages in order, each with the module the active configuration selects, the module
    its fallback policy falls back to (what runs when the selection fails) and the stage's
    designated fallback module in the registry (`turnout stages`, GET /stages)."""
    with uow_factory() as uow:
        stages = uow.stages.stages()
        active = uow.configurations.with_status(ConfigStatus.ACTIVE)
        designated = {m.stage_id: m.module_id for m in uow.modules.list() if m.is_fallback}
    selections = active[0].selections if active else {}
    policies = active[0].policies if active else {}
    return [
        stage_to_dict(
            s,
            selections[s.stage_id].module_id if s.stage_id in selections else None,
            policies[s.stage_id].fallback_module_id if s.stage_id in policies else None,
            designated.get(s.stage_id),
        )
        for s in stages
    ]


def modules_view(
    uow_factory: Callable[[], UnitOfWork], registry: ModuleRegistry, stage: str | None = None
) -> list[dict[str, Any]]:
    """The registered modules (of `stage`, if given), packages installed since `turnout init`
    registered first (`turnout modules`, GET /modules)."""
    from turnout.runtime.catalog import refresh_catalog

    refresh_catalog(uow_factory, registry)
    with uow_factory() as uow:
        return [module_to_dict(m) for m in uow.modules.list(stage)]


def contracts_view(uow_factory: Callable[[], UnitOfWork]) -> list[dict[str, Any]]:
    """The capability contract of every stage (`turnout contracts`, GET /contracts)."""
    with uow_factory() as uow:
        return [c.to_dict() for c in uow.stages.contracts()]
