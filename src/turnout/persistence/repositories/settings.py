"""Installation settings (`SettingsRepository` port): one row per setting an admin set."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from turnout.persistence.repositories.upsert import upsert
from turnout.persistence.tables import installation_settings

S = installation_settings.c


class SqlSettingsRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def all(self) -> dict[str, Any]:
        """Every stored setting's value by key (a setting never set is absent)."""
        return {str(k): v for k, v in self._conn.execute(select(S.key, S.value)).all()}

    def put(self, key: str, value: Any, actor: str, at: dt.datetime) -> None:
        """Set one setting (insert or update)."""
        upsert(
            self._conn,
            installation_settings,
            {"key": key, "value": value, "updated_by": actor, "updated_at": at},
            ["key"],
        )
