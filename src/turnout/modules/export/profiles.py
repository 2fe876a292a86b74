"""The specifications an XML export can claim (BT-24), and which of their rules we check.

An export writes the specification identifier (`customization_id`, BT-24) it is configured with,
and validates its output with `validate.en16931` before writing (see `conformance`). That engine
checks the EN 16931 core rules only (`CHECKED`). A CIUS or extension such as XRechnung or
Peppol BIS adds rules of its own that we do not check yet; each `Profile` names them in
`unchecked`, and the export's receipt carries `profile` and `unchecked_rules`, so a file is never
claimed to conform to rules nobody ran. An identifier we do not know gets a `Profile` whose
`unchecked` says that every rule of that specification beyond EN 16931 is unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass

EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG_3 = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_BIS_3 = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_BILLING_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# What validate.en16931 runs on every export (less `CORE_UNCHECKED_RULES`)
CHECKED: tuple[str, ...] = (
    "EN 16931 BR-*",
    "EN 16931 BR-CO-*",
    "EN 16931 BR-DEC-*",
    "EN 16931 BR-CL-*",
    "EN 16931 VAT category rules (BR-S/Z/E/AE/K/G/O/L/M/B-*)",
    "EN 16931 UBL syntax rules (UBL-SR-*, UBL-DT-*) on UBL",
)
CORE_UNCHECKED_RULES: frozenset[str] = frozenset(
    {
        # code lists: object and document schemes, ICD, EAS, VATEX, item classification, units
        *(f"BR-CL-{n:02d}" for n in (7, 8, 10, 11, 13, 21, 22, 23, 25, 26)),
        # an allowance's or charge's reason code and text telling the same
        *(f"BR-CO-{n:02d}" for n in (5, 6, 7, 8)),
        *(f"UBL-SR-{n:02d}" for n in (6, 7, 26, 27, 29, 44, 46, 52, 53)),
        "UBL-CR-666",
        "UBL-CR-673",
    }
)
"""The fatal rules of the official EN 16931 validation artefacts that validate.en16931 does not
run (besides the CII syntax rule families in `_CORE_UNCHECKED`)."""

_CORE_UNCHECKED: tuple[str, ...] = (
    f"EN 16931 {', '.join(sorted(CORE_UNCHECKED_RULES))}",
    "EN 16931 CII-DT-*, CII-SR-* (most CII syntax rules)",
    "EN 16931 UBL-CR-* and CII-SR-* warnings (elements the binding does not use)",
)


@dataclass(frozen=True, slots=True)
class Profile:
    """A specification an export can claim: its BT-24 `id`, a readable `name`, the business
    process (BT-23) written when the invoice has none, and the rule sets not checked."""

    id: str
    name: str
    business_process_default: str | None
    unchecked: tuple[str, ...]
    checked: tuple[str, ...] = CHECKED

    @property
    def unchecked_rules(self) -> str:
        """`unchecked` as one line, for a receipt's details."""
        return "; ".join(self.unchecked)


PROFILES: dict[str, Profile] = {
    profile.id: profile
    for profile in (
        Profile(EN16931, "EN 16931 core", None, _CORE_UNCHECKED),
        Profile(
            XRECHNUNG_3,
            "XRechnung 3.0",
            None,
            (
                "XRechnung BR-DE-* (German CIUS rules)",
                "XRechnung BR-DEX-* (XRechnung extension rules)",
                "XRechnung BR-TMP-*",
                *_CORE_UNCHECKED,
            ),
        ),
        Profile(
            PEPPOL_BIS_3,
            "Peppol BIS Billing 3.0",
            PEPPOL_BILLING_PROCESS,
            (
                "Peppol PEPPOL-EN16931-R* (Peppol BIS rules)",
                "Peppol PEPPOL-EN16931-CL* (Peppol code lists)",
                "Peppol PEPPOL-EN16931-F* (Peppol formats)",
                "Peppol PEPPOL-EN16931-P* (Peppol identifiers)",
                "Peppol PEPPOL-COMMON-R* (Peppol common rules)",
                "Peppol national rules (DK-R-*, GR-R-*, IS-R-*, IT-R-*, NL-R-*, NO-R-*, SE-R-*)",
                *_CORE_UNCHECKED,
            ),
        ),
    )
}


def profile_for(customization_id: str) -> Profile:
    """The `Profile` of a BT-24 identifier; an unknown one names all its own rules unchecked."""
    known = PROFILES.get(customization_id)
    if known is not None:
        return known
    return Profile(
        customization_id,
        "unknown specification",
        None,
        (f"every rule of {customization_id} beyond EN 16931 core", *_CORE_UNCHECKED),
    )
