"""The issuer profiles a module reads while it reads a page (`RunContext.profiles`), from the
database: one short read per lookup, on the reader's connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from turnout.domain.profiles import IssuerProfile
from turnout.runtime.ports import UnitOfWork


class StoredProfiles:
    """`IssuerProfiles` over the profiles repository."""

    def __init__(self, reader_factory: Callable[[], UnitOfWork]) -> None:
        self._reader = reader_factory

    def find(self, keys: Sequence[str]) -> IssuerProfile | None:
        """The profile known by the first of `keys` that any profile knows, or None."""
        if not keys:
            return None
        with self._reader() as uow:
            return uow.profiles.find(keys)
