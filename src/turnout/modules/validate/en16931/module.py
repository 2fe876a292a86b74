"""`validate.en16931`: the EN 16931 business rules over the source XML or the canonical invoice.

The default module of the `validate` stage (`turnout.runtime.defaults`); `validate.basic` is its
fallback. When the document carries e-invoice XML (a UBL or CII file, or the XML embedded in a
hybrid PDF) the rules read that XML, so every finding points at the offending element. Otherwise
(a PDF read by extraction) the rules run on the canonical invoice, which maps every business term
they read; only the syntax rules of a binding (UBL-SR, UBL-DT: how the XML is written) need XML.
The normalisation notes carried by the invoice artifact are passed on first.
ZUGFeRD 1.0 XML (`CrossIndustryDocument`) predates EN 16931 and has no syntax binding: such an
invoice gets the canonical-model rules too, their fatal findings as warnings.

Settings:
- `disabled_rules` (array of rule ids, default []): rules not to run, e.g. a warning an AP team
  has decided to ignore.
- `max_xml_bytes` (integer, default 20000000): the largest XML this module parses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

from lxml import etree

from turnout.authoring import (
    VALIDATE,
    Artifact,
    Artifacts,
    Document,
    Finding,
    Findings,
    InputRejected,
    InvoiceArtifact,
    ModuleSpec,
    RunContext,
    Severity,
    StageModule,
    settings_with_defaults,
)
from turnout.modules.einvoice.syntax import ZUGFERD1_NS
from turnout.modules.validate.en16931.canonical import canonical_node, canonical_rules
from turnout.modules.validate.en16931.engine import (
    NotAnInvoice,
    Report,
    validate_node,
    validate_xml,
)
from turnout.modules.validate.en16931.registry import RULES
from turnout.modules.xmlsafe import MAX_XML_BYTES, parse_xml

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "disabled_rules": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": r"^[A-Z]+(-[A-Z]+)*-[0-9]+$",
                "description": "an EN 16931 rule id, such as BR-51 or BR-CO-10",
            },
            "uniqueItems": True,
            "default": [],
            "description": "EN 16931 rule ids not to run (e.g. BR-51).",
        },
        "max_xml_bytes": {
            "type": "integer",
            "minimum": 1,
            "default": MAX_XML_BYTES,
            "description": "Largest e-invoice XML parsed, in bytes.",
        },
        "extracted_severity": {
            "enum": ["warning", "official"],
            "default": "warning",
            "description": "Severity of findings on an invoice read from a PDF (no XML): `warning`, "
            "because a missing term there usually means the extraction did not find it, not that the "
            "invoice lacks it; `official` keeps each rule's own flag.",
        },
    },
}


class En16931Validate(StageModule):
    """EN 16931 business rules (BR, BR-CO, BR-DEC, BR-CL, VAT categories) in pure Python."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        VALIDATE,
        module_id="validate.en16931",
        name="EN 16931 validation",
        version="1.0.0",
        description="The EN 16931 business rules (BR-*, BR-CO-*, BR-DEC-*, BR-CL-*, the VAT "
        "category families and UBL syntax rules) over the UBL or CII source, or over the "
        "canonical invoice for PDFs; findings carry the official rule id, flag and element path.",
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        disabled = frozenset(with_defaults["disabled_rules"])
        unknown = sorted(disabled - RULES.keys())
        if unknown:
            raise ValueError(
                f"validate.en16931: `disabled_rules` names unknown rules {', '.join(unknown)}; "
                "use ids such as BR-51 (`turnout check --json` shows the ids that fire)"
            )
        self.rules = [r for r in RULES.values() if r.rule_id not in disabled]
        self.canonical_rules = canonical_rules(self.rules)
        self.max_xml_bytes = int(with_defaults["max_xml_bytes"])
        self.extracted_official = with_defaults["extracted_severity"] == "official"

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Check the invoice and return one `Findings` artifact (ruleset `en16931`)."""
        artifact = inputs.require(InvoiceArtifact)
        document = inputs.get(Document)
        report = self.check(document, artifact)
        items: list[Finding] = [*artifact.notes, *report.findings]
        return [Findings(items=tuple(items), ruleset="en16931")]

    def check(self, document: Document | None, artifact: InvoiceArtifact | None) -> Report:
        """The rules over the document's XML when it has one, else over the canonical invoice.

        `artifact` may be None only for UBL and CII XML, which need nothing else."""
        if document is not None and document.xml:
            what = document.xml_name or f"the XML of {document.filename}"
            root = parse_xml(document.xml, max_bytes=self.max_xml_bytes, what=what)
            return self.check_xml(root, what, artifact)
        if artifact is None:
            raise ValueError("a document without e-invoice XML is checked on its invoice: pass it")
        report = validate_node(canonical_node(artifact.invoice), "canonical", self.canonical_rules)
        if self.extracted_official:
            return report
        # Marking a good invoice bad is worse than the reverse: on extracted data, warn.
        return _one_per_rule(_softened(report, "read from a PDF: checked by a human"))

    def check_xml(
        self, root: etree._Element, what: str, artifact: InvoiceArtifact | None
    ) -> Report:
        """The rules over an e-invoice's parsed XML (`what` names it in errors); a ZUGFeRD 1.0
        document is checked on `artifact`, the invoice read from it."""
        try:
            return validate_xml(root, self.rules)
        except NotAnInvoice as exc:
            if etree.QName(root).namespace != ZUGFERD1_NS:
                raise InputRejected(f"{what}: {exc}; submit a UBL or CII invoice") from exc
        if artifact is None:
            raise ValueError("a ZUGFeRD 1.0 document is checked on its invoice: pass it")
        # ZUGFeRD 1 was written before EN 16931: its rules are advice there, not law.
        report = validate_node(canonical_node(artifact.invoice), "canonical", self.canonical_rules)
        return _softened(report, "ZUGFeRD 1.0 predates EN 16931")


_LINES_SHOWN = 5  # line paths named in a finding that stands for several lines


def _one_per_rule(report: Report) -> Report:
    """The report with a rule that fires on several lines as one finding naming the lines.

    A printed invoice rarely prints line ids, unit codes or VAT category codes: one warning a line
    for each would bury what matters. The finding keeps the first line's path, and its message
    says on how many lines and which."""
    by_rule: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        if _on_a_line(finding):
            by_rule.setdefault((finding.rule, finding.message), []).append(finding)
    merged: list[Finding] = []
    for finding in report.findings:
        group = by_rule.get((finding.rule, finding.message)) if _on_a_line(finding) else None
        if group is None or len(group) == 1:
            merged.append(finding)
        elif group[0] is finding:  # the group's first finding stands for all of it
            paths = [f.path for f in group if f.path is not None]
            shown = ", ".join(paths[:_LINES_SHOWN]) + (", …" if len(paths) > _LINES_SHOWN else "")
            merged.append(
                replace(finding, message=f"{finding.message} [on {len(group)} lines: {shown}]")
            )
    return replace(report, findings=tuple(merged))


def _on_a_line(finding: Finding) -> bool:
    return finding.path is not None and finding.path.startswith("lines[")


def _softened(report: Report, why: str) -> Report:
    """The report with its fatal findings turned into warnings that say why."""
    softened = tuple(
        replace(f, severity=Severity.WARNING, message=f"{f.message} ({why})")
        if f.severity is Severity.FATAL
        else f
        for f in report.findings
    )
    return replace(report, findings=softened)
