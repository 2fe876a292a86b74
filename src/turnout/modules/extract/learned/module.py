"""`extract.learned`: the layout reader, then what people's reviews taught about the issuer.

The page is read by the layout reader (`extract.layout`) first. From what it read (the seller's
VAT id, the IBAN, the seller's name) the issuer is looked up among the learned profiles
(`RunContext.profiles`), and by the seller's name as read where a person corrected it before
(a `read:` key: then only on a page that resembles the one the profile was learned from); with a profile, every field the profile has a rule for is read where the
rule says (at its label, its offset, with its shape), with a higher confidence and the boxes of
the words used, and the layout reader fills in what the profile does not know. Without a profile
(or outside a database, where there are none) the result is exactly the layout reader's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    EXTRACT,
    Artifact,
    Artifacts,
    ExtractedField,
    Fields,
    InputRejected,
    IssuerProfile,
    ModuleSpec,
    RunContext,
    StageModule,
    Text,
    read_key,
    same_issuer,
    settings_with_defaults,
)
from turnout.modules.extract.identifiers import find_ibans, find_vat_ids
from turnout.modules.extract.layout.module import LayoutExtract
from turnout.modules.extract.layout.page import layout_of
from turnout.modules.extract.learned.applying import read_fields
from turnout.modules.extract.learned.issuer import SAME_PAGE, resemblance
from turnout.modules.extract.learned.rules import CORRECTION, ProfileData, Rule, issuer_keys
from turnout.modules.extract.patterns import settings_schema

MODULE_ID = "extract.learned"
CONFIDENCE = 0.95  # a value read where a person confirmed it stands
ISSUER_CURRENCY = 0.5  # the currency the issuer's confirmed invoices were in, none printed
MAX_KEY_CHARS = 200_000  # the text looked through for identifiers that name the issuer
_OWN_SETTINGS = frozenset({"min_confirmations", "trust_confirmed_after", "unsure_below"})


def _schema() -> dict[str, Any]:
    schema = settings_schema(
        languages_said="languages whose labels and headings the layout reader looks for "
        "(default: all)",
        min_confidence_said="fields the layout reader found with a lower confidence are left "
        "out (as in extract.layout); fields read with a profile are always kept",
    )
    schema["properties"]["min_confirmations"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 1,
        "description": "how many reviews must have confirmed a field's place before the "
        "profile reads it (default 1: the first correction counts)",
    }
    schema["properties"]["trust_confirmed_after"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "default": 3,
        "description": "a field the layout reader read right when it was learned is read with "
        "the profile over the reader's value once this many reviews confirmed its place "
        "(before that only where the reader finds nothing or is unsure); fields a person "
        "corrected are always read with the profile (default 3)",
    }
    schema["properties"]["unsure_below"] = {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "default": 0.6,
        "description": "a layout reader's value with a lower confidence counts as unsure: the "
        "profile's value goes over it (default 0.6)",
    }
    return schema


class LearnedExtract(StageModule):
    """Read invoice fields with the issuer's learned profile, the layout reader filling in."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EXTRACT,
        module_id=MODULE_ID,
        name="Learned issuer profiles",
        version="1.0.0",
        description="The layout reader, then the issuer's profile learned from people's "
        "corrections and approvals (found by VAT id, IBAN or name): each field the profile "
        "knows is read at its label and place with its shape; the layout reader fills in the "
        "rest. Without a profile, exactly the layout reader's result.",
        extra_guarantees={"deterministic"},
        settings_schema=_schema(),
        is_fallback=True,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        layout_settings = {k: v for k, v in self.settings.items() if k not in _OWN_SETTINGS}
        self._layout = LayoutExtract(layout_settings)
        self.min_confirmations = int(with_defaults["min_confirmations"])
        self.trust_after = int(with_defaults["trust_confirmed_after"])
        self.unsure_below = float(with_defaults["unsure_below"])

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """The layout reader's `Fields`, with what the issuer's profile reads put over them."""
        text = inputs.require(Text)
        fields = _only_fields(self._layout.process(inputs, context))
        if context.profiles is None:
            return [fields]
        keys = keys_of(fields, text)
        misread = read_key(_value(fields, "seller.name"))
        profile = context.profiles.find([*keys, misread] if misread else keys)
        if profile is None or not same_issuer(profile.keys, keys):
            return [fields]
        if not set(profile.keys) & set(keys) and not _same_page(profile, text):
            return [fields]  # found by a misread name only, on another issuer's page
        return [self.with_profile(fields, text, profile)]

    def with_profile(self, fields: Fields, text: Text, profile: IssuerProfile) -> Fields:
        """`fields` with every value the profile's rules read on `text` put over them."""
        layout = layout_of(text)
        data = ProfileData.of(profile.data)
        found = read_fields(data, layout, text, self.min_confirmations)
        currency = data.options.get("currency")
        if not found and (fields.values.get("currency") or not currency):
            return fields
        values = dict(fields.values)
        if "currency" not in values and isinstance(currency, str) and currency:
            # nothing on the page says it (a symbol OCR lost): the currency of the issuer's
            # invoices people confirmed, as unsure as a guess from the country
            values["currency"] = ExtractedField(currency, ISSUER_CURRENCY, MODULE_ID, ())
        for path, read in found.items():
            if not self._trusted(read.rule, values.get(path), read.value):
                continue
            values[path] = ExtractedField(
                read.value, CONFIDENCE, MODULE_ID, layout.boxes(read.words)
            )
        return Fields(values=values, lines=fields.lines, line_boxes=fields.line_boxes)

    def _trusted(self, rule: Rule | None, layout: ExtractedField | None, value: str) -> bool:
        """Whether the profile's value goes over the layout reader's: a field a person
        corrected (or an imported template's) always; one the reader read right when it was
        learned, where the reader has nothing or is unsure, or when it agrees, or once
        `trust_confirmed_after` reviews confirmed its place."""
        if rule is None or rule.taught == CORRECTION or rule.count >= self.trust_after:
            return True
        if layout is None or layout.confidence < self.unsure_below:
            return True
        return " ".join(layout.value.split()) == " ".join(value.split())


def _only_fields(artifacts: Iterable[Artifact]) -> Fields:
    for artifact in artifacts:
        if isinstance(artifact, Fields):
            return artifact
    raise InputRejected(  # pragma: no cover - the layout reader always returns its Fields
        "the layout reader returned no fields; check the text stage's output"
    )


def _value(fields: Fields, path: str) -> str | None:
    found = fields.values.get(path)
    return found.value if found is not None else None


def _same_page(profile: IssuerProfile, text: Text) -> bool:
    """Whether `text` resembles the page the profile was learned from (its fingerprint)."""
    known = ProfileData.of(profile.data).options.get("fingerprint")
    if not isinstance(known, list):
        return False
    return resemblance([str(k) for k in known], text) >= SAME_PAGE


def keys_of(fields: Fields, text: Text | None = None) -> list[str]:
    """The issuer's keys from what the layout reader read (VAT id, IBAN, name; a VAT id or IBAN
    failing its checksum is none), then every valid IBAN and VAT id printed on the page (a seller
    the reader mistook is still found). A profile found by none of them but by the seller's name
    as read (`read:`, a name a person corrected) is used on a page like its own only."""

    def value(path: str) -> str | None:
        return _value(fields, path)

    keys = issuer_keys(value("seller.vat_id"), value("payment.iban"), value("seller.name"))
    if text is not None:
        page = text.full[:MAX_KEY_CHARS]
        printed = [i.raw for i in find_ibans(page) if i.valid]
        vat_ids = [v.raw for v in find_vat_ids(page) if v.valid]
        for iban in printed:
            keys += issuer_keys(None, iban, None)
        for vat_id in vat_ids:
            keys += issuer_keys(vat_id, None, None)
    return list(dict.fromkeys(keys))
