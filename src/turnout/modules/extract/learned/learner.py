"""`LearnedProfiles`: the `ProfileLearner` bootstrap gives the profile service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from turnout.authoring import IssuerProfile, Text
from turnout.modules.extract.learned.invoice2data import from_template, to_template
from turnout.modules.extract.learned.issuer import fingerprint
from turnout.modules.extract.learned.learning import learn_rules, value_at
from turnout.modules.extract.learned.rules import ProfileData, issuer_keys


class LearnedProfiles:
    """Profiles learned, exported and imported the way `extract.learned` reads them."""

    def learn(
        self,
        profile: IssuerProfile | None,
        text: Text,
        invoice: Mapping[str, Any],
        corrected: Sequence[str],
        actor: str,
        now: dt.datetime,
    ) -> IssuerProfile | None:
        keys = self.issuer_keys(invoice)
        if not keys:
            return None
        previous = ProfileData.of(profile.data if profile is not None else None)
        data = learn_rules(previous, text, invoice, set(corrected))
        if not data.fields:
            return None
        printed = fingerprint(text)
        if printed:  # the page it was learned from last: how a `read:` key's page is checked
            data.options["fingerprint"] = printed
        name = value_at(invoice, "seller.name")
        return IssuerProfile(
            issuer_key=profile.issuer_key if profile is not None else keys[0],
            name=str(name) if name else (profile.name if profile is not None else None),
            version=profile.version if profile is not None else 0,
            data=data.to_dict(),
            updated_at=now,
            updated_by=actor,
            keys=tuple(dict.fromkeys([*(profile.keys if profile else ()), *keys])),
        )

    def issuer_keys(self, invoice: Mapping[str, Any]) -> list[str]:
        """The confirmed invoice's issuer keys; a VAT id or IBAN failing its checksum is none."""

        def text(path: str) -> str | None:
            value = value_at(invoice, path)
            return str(value) if value else None

        return issuer_keys(text("seller.vat_id"), text("payment.iban"), text("seller.name"))

    def to_invoice2data(self, profile: IssuerProfile) -> str:
        return to_template(profile)

    def from_invoice2data(self, text: str, actor: str, now: dt.datetime) -> IssuerProfile:
        return from_template(text, actor, now)
