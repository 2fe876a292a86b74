"""Issuer profiles, their versions and the keys they are found by."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from turnout.domain.profiles import IssuerProfile, ProfileAction, ProfileVersion
from turnout.persistence.tables import issuer_profile_keys, issuer_profile_versions, issuer_profiles

P = issuer_profiles.c
PV = issuer_profile_versions.c
K = issuer_profile_keys.c


class SqlProfileRepository:
    """`ProfileRepository` on the issuer_profiles tables."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def find(self, keys: Sequence[str]) -> IssuerProfile | None:
        if not keys:
            return None
        rows = self._conn.execute(select(K.key, K.issuer_key).where(K.key.in_(list(keys)))).all()
        owner = {row.key: row.issuer_key for row in rows}
        for key in keys:
            if key in owner:
                return self.get(owner[key])
        return None

    def get(self, issuer_key: str) -> IssuerProfile | None:
        row = (
            self._conn.execute(select(issuer_profiles).where(P.issuer_key == issuer_key))
            .mappings()
            .first()
        )
        if row is None:
            return None
        keys = self._conn.execute(
            select(K.key).where(K.issuer_key == issuer_key).order_by(K.key)
        ).scalars()
        return _profile(row, tuple(keys))

    def list(self) -> builtins.list[IssuerProfile]:
        rows = self._conn.execute(select(issuer_profiles).order_by(P.issuer_key)).mappings().all()
        keys: dict[str, builtins.list[str]] = {}
        for key, owner in self._conn.execute(select(K.key, K.issuer_key).order_by(K.key)):
            keys.setdefault(owner, []).append(key)
        return [_profile(row, tuple(keys.get(row["issuer_key"], ()))) for row in rows]

    def save(
        self, profile: IssuerProfile, action: ProfileAction, *, run_id: str | None = None
    ) -> IssuerProfile:
        current = self._conn.execute(
            select(func.max(PV.version)).where(PV.issuer_key == profile.issuer_key)
        ).scalar_one()
        version = int(current or 0) + 1
        stored = replace(profile, version=version)
        values: dict[str, Any] = {
            "name": stored.name,
            "version": version,
            "data": dict(stored.data),
            "updated_at": stored.updated_at,
            "updated_by": stored.updated_by,
        }
        if current is None:
            self._conn.execute(
                insert(issuer_profiles).values(issuer_key=stored.issuer_key, **values)
            )
        else:
            self._conn.execute(
                update(issuer_profiles).where(P.issuer_key == stored.issuer_key).values(**values)
            )
        self._conn.execute(
            insert(issuer_profile_versions).values(
                issuer_key=stored.issuer_key,
                version=version,
                action=action.value,
                data=dict(stored.data),
                run_id=run_id,
                actor=stored.updated_by,
                created_at=stored.updated_at,
            )
        )
        keys = list(dict.fromkeys((stored.issuer_key, *stored.keys)))
        # a key moves to the issuer that learned it last
        self._conn.execute(delete(issuer_profile_keys).where(K.key.in_(keys)))
        self._conn.execute(
            insert(issuer_profile_keys), [{"key": k, "issuer_key": stored.issuer_key} for k in keys]
        )
        return replace(stored, keys=tuple(sorted(keys)))

    def versions(self, issuer_key: str) -> builtins.list[ProfileVersion]:
        rows = self._conn.execute(
            select(issuer_profile_versions).where(PV.issuer_key == issuer_key).order_by(PV.version)
        ).mappings()
        return [
            ProfileVersion(
                issuer_key=row["issuer_key"],
                version=row["version"],
                action=ProfileAction(row["action"]),
                data=row["data"],
                actor=row["actor"],
                created_at=row["created_at"],
                run_id=row["run_id"],
            )
            for row in rows
        ]


def _profile(row: Any, keys: tuple[str, ...]) -> IssuerProfile:
    return IssuerProfile(
        issuer_key=row["issuer_key"],
        name=row["name"],
        version=row["version"],
        data=row["data"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        keys=keys,
    )
