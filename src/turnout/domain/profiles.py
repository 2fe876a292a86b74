"""Issuer profiles: what Turnout learned of one issuer's layout from people's reviews.

A profile is keyed by the issuer's VAT id, else IBAN, else normalised name (`issuer_key`:
`vat:DE123456789`, `iban:DE02120300000000202051`, `name:acme gmbh`), and is found by any of the
keys it knows (`keys`). Its `data` is the learned rules (for each field: the label near it, the
value's position relative to that label and to the page, its shape; or an imported invoice2data
regular expression) in the form `turnout.modules.extract.learned` reads and writes; to every
other part of Turnout it is an opaque JSON document.

Profiles are data with their own history: every change is a new version (`learn`, `import`,
`reset`), kept in `issuer_profile_versions`, and audited.

`extract.learned` asks the `IssuerProfiles` port through `RunContext.profiles`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class ProfileAction(StrEnum):
    LEARN = "learn"  # a review (correction or approval) taught it
    IMPORT = "import"  # imported from an invoice2data template
    RESET = "reset"  # emptied by a person (a wrong profile)


@dataclass(frozen=True)
class IssuerProfile:
    issuer_key: str
    name: str | None
    version: int
    data: Mapping[str, Any]
    updated_at: dt.datetime
    updated_by: str
    keys: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProfileVersion:
    issuer_key: str
    version: int
    action: ProfileAction
    data: Mapping[str, Any]
    actor: str
    created_at: dt.datetime
    run_id: str | None = None


class IssuerProfiles(Protocol):
    """The profiles a module may read while it reads a page."""

    def find(self, keys: Sequence[str]) -> IssuerProfile | None:
        """The profile known by the first of `keys` that any profile knows, or None."""
        ...
