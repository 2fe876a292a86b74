"""The profiles an XML export can claim: what each checks, and every rule it does not, named."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from turnout.modules.export.profiles import (
    CORE_UNCHECKED_RULES,
    EN16931,
    PEPPOL_BILLING_PROCESS,
    PEPPOL_BIS_3,
    XRECHNUNG_3,
    profile_for,
)
from turnout.modules.validate.en16931 import RULES

XSLT = Path(__file__).parents[2].parent / "shared" / "corpora" / "en16931" / "xslt"
# the CII syntax rule families named unchecked as a whole
UNCHECKED_FAMILIES = ("CII-DT-", "CII-SR-")


def test_known_profiles_name_the_rules_of_their_specification_that_are_not_checked() -> None:
    core, german, peppol = (profile_for(i) for i in (EN16931, XRECHNUNG_3, PEPPOL_BIS_3))
    assert (core.name, german.name, peppol.name) == (
        "EN 16931 core",
        "XRechnung 3.0",
        "Peppol BIS Billing 3.0",
    )
    assert not any("BR-DE" in u or "PEPPOL" in u for u in core.unchecked)
    assert "XRechnung BR-DE-* (German CIUS rules)" in german.unchecked
    assert any(u.startswith("Peppol PEPPOL-EN16931-R*") for u in peppol.unchecked)
    # each profile also carries what the core rules engine leaves out
    assert all("BR-CO-05" in p.unchecked_rules for p in (core, german, peppol))


def test_only_peppol_has_a_default_business_process() -> None:
    assert profile_for(PEPPOL_BIS_3).business_process_default == PEPPOL_BILLING_PROCESS
    assert profile_for(EN16931).business_process_default is None
    assert profile_for(XRECHNUNG_3).business_process_default is None


def test_an_unknown_specification_has_every_one_of_its_rules_unchecked() -> None:
    profile = profile_for("urn:example:cius")
    assert profile.id == "urn:example:cius"
    assert profile.unchecked[0] == "every rule of urn:example:cius beyond EN 16931 core"
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.name = "claimed"  # type: ignore[misc]


@pytest.mark.corpus
@pytest.mark.skipif(not XSLT.is_dir(), reason=f"official EN 16931 XSLT not found at {XSLT}")
def test_every_official_fatal_rule_the_engine_does_not_run_is_named_unchecked() -> None:
    official: set[str] = set()
    for path in XSLT.rglob("*.xslt"):
        text = path.read_text(encoding="utf-8")
        official |= set(
            re.findall(
                r'<xsl:attribute name="id">([^<]+)</xsl:attribute>\s*'
                r'<xsl:attribute name="flag">fatal</xsl:attribute>',
                text,
            )
        )
    assert len(official) > 300
    not_run = {r for r in official - set(RULES) if not r.startswith(UNCHECKED_FAMILIES)}
    assert sorted(not_run - CORE_UNCHECKED_RULES) == []
