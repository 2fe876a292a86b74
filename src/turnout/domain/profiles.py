"""Issuer profiles: what Turnout learned of one issuer's layout from people's reviews.

A profile is keyed by the issuer's VAT id, else IBAN, else normalised name (`issuer_key`:
`vat:DE123456789`, `iban:DE02120300000000202051`, `name:acme gmbh`), and is found by any of the
keys it knows (`keys`). One key is weaker: `read:<name>`, the seller's name as the machine read
it on a page a person then corrected it on (the layout reader reading the buyer's name, `bosd`,
for the seller, `Saeco`): the issuer's next invoice is read the same, and is found by it. Since
other issuers' pages may be misread the same way, a profile found by a `read:` key alone is only
used on a page that resembles the one it was learned from (`extract.learned` checks). Its `data` is the learned rules (for each field: the label near it, the
value's position relative to that label and to the page, its shape; or an imported invoice2data
regular expression) in the form `turnout.modules.extract.learned` reads and writes; to every
other part of Turnout it is an opaque JSON document.

Profiles are data with their own history: every change is a new version (`learn`, `import`,
`reset`), kept in `issuer_profile_versions`, and audited.

`extract.learned` asks the `IssuerProfiles` port through `RunContext.profiles`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from turnout.domain.artifacts import Text


EMPTY_DATA: Mapping[str, Any] = {"format": 1, "fields": {}, "options": {}}


def compact_id(value: str) -> str:
    """A VAT id or IBAN as keys hold it: letters and digits, upper case."""
    return re.sub(r"[^A-Z0-9]", "", value.upper())


def normalised_name(name: str) -> str:
    """A name as keys hold it: lower case, letters and digits, single spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())


def issuer_keys(vat_id: str | None, iban: str | None, name: str | None) -> list[str]:
    """An issuer's keys, surest first: `vat:…`, `iban:…`, `name:…` (those known)."""
    keys = []
    if vat_id and compact_id(vat_id):
        keys.append(f"vat:{compact_id(vat_id)}")
    if iban and compact_id(iban):
        keys.append(f"iban:{compact_id(iban)}")
    if name and normalised_name(name):
        keys.append(f"name:{normalised_name(name)}")
    return keys


READ = "read:"  # the prefix of the weak key: the seller's name as the machine misread it


def read_key(name: str | None) -> str | None:
    """The weak key of a seller's name as the machine read it (`read:bosd`), or None."""
    normalised = normalised_name(name) if name else ""
    return f"{READ}{normalised}" if normalised else None


def strong_keys(keys: Sequence[str]) -> list[str]:
    """The keys that name the issuer itself (all but `read:` ones)."""
    return [k for k in keys if not k.startswith(READ)]


def same_issuer(known: Sequence[str], keys: Sequence[str]) -> bool:
    """Whether a profile knowing `known` may be the issuer of an invoice with `keys`: no VAT id
    (nor IBAN) of the invoice contradicts the profile's (two companies may share a name; a
    profile found by the name alone is another issuer when their VAT ids differ)."""
    for prefix in ("vat:", "iban:"):
        mine = {k for k in keys if k.startswith(prefix)}
        theirs = {k for k in known if k.startswith(prefix)}
        if mine and theirs and not mine & theirs:
            return False
    return True


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

    @property
    def fields(self) -> tuple[str, ...]:
        """The field paths the profile has a rule for."""
        rules = self.data.get("fields") if isinstance(self.data, Mapping) else None
        return tuple(sorted(rules)) if isinstance(rules, Mapping) else ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "issuer_key": self.issuer_key,
            "name": self.name,
            "version": self.version,
            "keys": list(self.keys),
            "fields": list(self.fields),
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
            "data": dict(self.data),
        }


@dataclass(frozen=True)
class ProfileVersion:
    issuer_key: str
    version: int
    action: ProfileAction
    data: Mapping[str, Any]
    actor: str
    created_at: dt.datetime
    run_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "issuer_key": self.issuer_key,
            "version": self.version,
            "action": str(self.action),
            "actor": self.actor,
            "created_at": self.created_at.isoformat(),
            "run_id": self.run_id,
            "data": dict(self.data),
        }


class IssuerProfiles(Protocol):
    """The profiles a module may read while it reads a page."""

    def find(self, keys: Sequence[str]) -> IssuerProfile | None:
        """The profile known by the first of `keys` that any profile knows, or None."""
        ...


class ProfileLearner(Protocol):
    """What a profile's rules are, to the rest of Turnout: learned from a confirmed invoice,
    written as and read from invoice2data templates (`turnout.modules.extract.learned` implements
    it; bootstrap gives it to `turnout.runtime.profiles.ProfileService`)."""

    def learn(
        self,
        profile: IssuerProfile | None,
        text: Text,
        invoice: Mapping[str, Any],
        corrected: Sequence[str],
        actor: str,
        now: dt.datetime,
    ) -> IssuerProfile | None:
        """`profile` (None: a new one) updated with what the confirmed `invoice` (the canonical
        dict with its provenance) teaches about the page `text`; None when it teaches nothing
        (no issuer key, no geometry, no field found on the page)."""
        ...

    def issuer_keys(self, invoice: Mapping[str, Any]) -> list[str]:
        """The keys of the invoice's issuer, surest first (`vat:…`, `iban:…`, `name:…`)."""
        ...

    def to_invoice2data(self, profile: IssuerProfile) -> str:
        """The profile as an invoice2data YAML template."""
        ...

    def from_invoice2data(self, text: str, actor: str, now: dt.datetime) -> IssuerProfile:
        """A profile (version 0: not stored yet) from an invoice2data template (YAML or JSON);
        ValueError saying what is wrong when it is not one."""
        ...
