"""Configuration versions with their module selections and fallback policies."""

from __future__ import annotations

import builtins
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    String,
    func,
    insert,
    literal,
    select,
    update,
)

from turnout.domain.configuration import (
    ConfigStatus,
    FallbackPolicy,
    LivePointers,
    ModuleConfiguration,
    ModuleSelection,
    VersionRef,
)
from turnout.persistence.tables import (
    configuration_approvals,
    fallback_policies,
    module_configurations,
    module_selections,
)

C = module_configurations.c
A = configuration_approvals.c
# Built once: every admission and every finished run reads the pointers, and building this
# select per call cost ~4x its execution on SQLite (bench/bench_runs_per_second.py). The two
# statuses are fixed values, not an expanding parameter rendered again at each execution.
LIVE_POINTERS = select(C.config_id, C.version, C.status).where(
    C.status.in_([literal(s.value, String) for s in (ConfigStatus.ACTIVE, ConfigStatus.PENDING)])
)


class SqlConfigurationRepository:
    """Immutable configuration versions (`ConfigurationRepository` port).

    Only `status`, `activated_at` and `activation_requested_at` are ever updated; the database
    refuses anything else.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, config: ModuleConfiguration) -> None:
        """Insert a new version with its selections and policies (never overwrites)."""
        self._conn.execute(
            insert(module_configurations).values(
                config_id=config.config_id,
                version=config.version,
                status=config.status.value,
                created_by=config.created_by,
                created_at=config.created_at,
                activated_at=config.activated_at,
                activation_requested_at=config.activation_requested_at,
                summary=config.summary,
                rolled_back_from=config.rolled_back_from,
                guard=dict(config.guard) if config.guard else None,
            )
        )
        selections = [
            {
                "selection_id": s.selection_id,
                "config_id": config.config_id,
                "stage_id": stage_id,
                "module_id": s.module_id,
                "settings": dict(s.settings),
            }
            for stage_id, s in config.selections.items()
        ]
        if selections:
            self._conn.execute(insert(module_selections), selections)
        policies = [
            {
                "policy_id": p.policy_id,
                "config_id": config.config_id,
                "stage_id": stage_id,
                "fallback_module_id": p.fallback_module_id,
                "trigger_conditions": list(p.trigger_conditions),
                "actions": dict(p.actions),
            }
            for stage_id, p in config.policies.items()
        ]
        if policies:
            self._conn.execute(insert(fallback_policies), policies)

    def next_version(self) -> int:
        """One more than the highest version so far (1 for the first)."""
        highest = self._conn.execute(select(func.max(C.version))).scalar_one()
        return 1 if highest is None else int(highest) + 1

    def get(self, version: int) -> ModuleConfiguration | None:
        """By version number, with selections and policies."""
        found = self._load(select(module_configurations).where(C.version == version))
        return found[0] if found else None

    def get_by_id(self, config_id: str) -> ModuleConfiguration | None:
        """By config_id, with selections and policies."""
        found = self._load(select(module_configurations).where(C.config_id == config_id))
        return found[0] if found else None

    def with_status(self, status: ConfigStatus) -> builtins.list[ModuleConfiguration]:
        """Every version in `status`, newest first."""
        return self._load(
            select(module_configurations).where(C.status == status.value).order_by(C.version.desc())
        )

    def list(self) -> builtins.list[ModuleConfiguration]:
        """Every version, newest first (selections and policies included)."""
        return self._load(select(module_configurations).order_by(C.version.desc()))

    def save_status(self, config: ModuleConfiguration) -> None:
        """Persist `status`, `activated_at` and `activation_requested_at`, the only mutable
        columns."""
        result = self._conn.execute(
            update(module_configurations)
            .where(C.config_id == config.config_id)
            .values(
                status=config.status.value,
                activated_at=config.activated_at,
                activation_requested_at=config.activation_requested_at,
            )
        )
        if result.rowcount != 1:
            raise LookupError(
                f"configuration version {config.version} ({config.config_id}) is not stored; "
                "add it before saving its status"
            )

    def approve(self, config_id: str, actor: str, at: dt.datetime) -> bool:
        """Record `actor`'s approval of a version (four eyes); False if they approved it before."""
        known = self._conn.execute(
            select(A.approved_by).where(A.config_id == config_id, A.approved_by == actor)
        ).first()
        if known is not None:
            return False
        self._conn.execute(
            insert(configuration_approvals).values(
                config_id=config_id, approved_by=actor, approved_at=at
            )
        )
        return True

    def approvals(self, config_id: str) -> builtins.list[tuple[str, dt.datetime]]:
        """Who approved the version, and when, oldest first."""
        rows = self._conn.execute(
            select(A.approved_by, A.approved_at)
            .where(A.config_id == config_id)
            .order_by(A.approved_at, A.approved_by)
        ).all()
        return [(str(by), at) for by, at in rows]

    def pointers(self) -> LivePointers:
        """The active and the pending version, in one query without selections."""
        rows = self._conn.execute(LIVE_POINTERS).all()
        refs = {status: VersionRef(config_id, int(version)) for config_id, version, status in rows}
        return LivePointers(
            refs.get(ConfigStatus.ACTIVE.value), refs.get(ConfigStatus.PENDING.value)
        )

    def _load(self, query: Select[tuple[object, ...]]) -> builtins.list[ModuleConfiguration]:
        """The configurations `query` selects, each with its selections and policies."""
        rows = self._conn.execute(query).mappings().all()
        if not rows:
            return []
        ids = [row["config_id"] for row in rows]
        selections = self._selections(ids)
        policies = self._policies(ids)
        return [
            _configuration(row, selections[row["config_id"]], policies[row["config_id"]])
            for row in rows
        ]

    def _selections(self, config_ids: Sequence[str]) -> dict[str, dict[str, ModuleSelection]]:
        by_config: dict[str, dict[str, ModuleSelection]] = defaultdict(dict)
        rows = self._conn.execute(
            select(module_selections).where(module_selections.c.config_id.in_(config_ids))
        ).mappings()
        for row in rows:
            by_config[row["config_id"]][row["stage_id"]] = ModuleSelection(
                selection_id=row["selection_id"],
                config_id=row["config_id"],
                stage_id=row["stage_id"],
                module_id=row["module_id"],
                settings=row["settings"],
            )
        return by_config

    def _policies(self, config_ids: Sequence[str]) -> dict[str, dict[str, FallbackPolicy]]:
        by_config: dict[str, dict[str, FallbackPolicy]] = defaultdict(dict)
        rows = self._conn.execute(
            select(fallback_policies).where(fallback_policies.c.config_id.in_(config_ids))
        ).mappings()
        for row in rows:
            by_config[row["config_id"]][row["stage_id"]] = FallbackPolicy(
                policy_id=row["policy_id"],
                config_id=row["config_id"],
                stage_id=row["stage_id"],
                fallback_module_id=row["fallback_module_id"],
                trigger_conditions=tuple(row["trigger_conditions"]),
                actions=row["actions"],
            )
        return by_config


def _configuration(
    row: RowMapping,
    selections: dict[str, ModuleSelection],
    policies: dict[str, FallbackPolicy],
) -> ModuleConfiguration:
    return ModuleConfiguration(
        config_id=row["config_id"],
        version=row["version"],
        status=ConfigStatus(row["status"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
        summary=row["summary"],
        activated_at=row["activated_at"],
        activation_requested_at=row["activation_requested_at"],
        selections=dict(sorted(selections.items())),
        policies=dict(sorted(policies.items())),
        rolled_back_from=row["rolled_back_from"],
        guard=row["guard"],
    )
