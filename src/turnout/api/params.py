"""Request parameters shared by the routes, bounded so that bad input is refused, never a 500.

Offsets end up in SQL as 64-bit integers; a larger number is a 422. Configuration versions are
32-bit integer columns (PostgreSQL `integer`): a version outside that range cannot exist, so it is
a 404 like any other unknown version, instead of the database refusing the query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator

from turnout.domain.errors import NotFound, RequestError

MAX_SQL_INT = 2**63 - 1
"""The largest integer SQLite and PostgreSQL BIGINT columns hold."""
MAX_VERSION = 2**31 - 1
"""The largest configuration version the database stores (a 32-bit `integer` column)."""


def stored_version(version: int) -> int:
    """`version`, if the database could hold it; else NotFound (no such version can exist)."""
    if not -MAX_VERSION - 1 <= version <= MAX_VERSION:
        raise NotFound(
            f"configuration version {version} does not exist (versions go up to {MAX_VERSION}); "
            "GET /api/v1/configurations lists them"
        )
    return version


Version = Annotated[
    int,
    Path(ge=-MAX_SQL_INT, le=MAX_SQL_INT, description="A configuration version number."),
    AfterValidator(stored_version),
]
"""A configuration version in the path; one the database cannot hold is a 404."""

VersionFilter = Annotated[
    int | None,
    Query(ge=1, le=MAX_SQL_INT, description="Only this version's."),
    AfterValidator(lambda v: None if v is None else stored_version(v)),
]
"""A configuration version in the query string, as a filter."""

Offset = Annotated[int, Query(ge=0, le=MAX_SQL_INT, description="How many rows to skip.")]
"""Paging offset in the query string."""


def refuse_nul(value: Any, where: str) -> None:
    """Refuse (RequestError, 400) a value with a NUL character in any string or key, looking
    into mappings, lists, tuples and dataclasses: no database column stores one in text."""
    if isinstance(value, str):
        if "\x00" in value:
            raise RequestError(
                f"{where} contains a NUL character (\\u0000), which no field accepts; remove it"
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            refuse_nul(key, where)
            refuse_nul(item, where)
    elif isinstance(value, list | tuple):
        for item in value:
            refuse_nul(item, where)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            refuse_nul(getattr(value, f.name), where)
