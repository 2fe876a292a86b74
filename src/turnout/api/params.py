"""Request parameters shared by the routes, bounded so that bad input is a 422, never a 500.

Versions and offsets end up in SQL as 64-bit integers; a larger number would make the database
driver raise (an `OverflowError` on SQLite) instead of the request being refused.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_SQL_INT = 2**63 - 1
"""The largest integer SQLite and PostgreSQL BIGINT columns hold."""

Version = Annotated[
    int,
    Path(ge=-MAX_SQL_INT, le=MAX_SQL_INT, description="A configuration version number."),
]
"""A configuration version in the path; out-of-range numbers are refused with 422."""

Offset = Annotated[int, Query(ge=0, le=MAX_SQL_INT, description="How many rows to skip.")]
"""Paging offset in the query string."""
