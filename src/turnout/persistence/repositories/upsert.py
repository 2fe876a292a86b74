"""INSERT ... ON CONFLICT for both databases (their dialects spell it the same way)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
    *,
    update: bool = True,
) -> None:
    """Insert `values`; on a conflict on `keys` update the other columns (or keep the row)."""
    stmt = dialect_insert(conn, table).values(**values)
    if update:
        changed = {name: stmt.excluded[name] for name in values if name not in keys}
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changed))
    else:
        conn.execute(stmt.on_conflict_do_nothing(index_elements=list(keys)))


def dialect_insert(conn: Connection, table: Table) -> Any:
    """The connection's dialect's INSERT for `table`, which has `on_conflict_do_*`."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
