"""Every built-in module passes the contract test kit (`turnout.testing.ModuleContractSuite`).

Sample inputs come from the bundled examples, carried through the built-in modules up to the stage
under test, the way a run would carry them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from turnout.domain.artifacts import Artifact, Source
from turnout.domain.errors import NotApplicable
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.json import JsonExport
from turnout.modules.extract.heuristic import HeuristicExtract
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.route.rules import RulesRoute
from turnout.modules.text.pdfium import PdfiumText
from turnout.modules.validate.basic import BasicValidate
from turnout.testing import ModuleContractSuite
from turnout.testing.junk import example_bytes

PDF, UBL = "invoice-acme-en.pdf", "ubl-invoice.xml"
PIPELINE: tuple[type[StageModule], ...] = (
    StandardIntake,
    XmlEInvoice,
    PdfiumText,
    HeuristicExtract,
    StandardNormalize,
    BasicValidate,
    RulesRoute,
)


@functools.cache
def _carried(example: str, stop_before: str) -> tuple[Artifact, ...]:
    """Every artifact the built-in modules make of `example` in the stages before `stop_before`."""
    source = Source(example, example_bytes(example))
    artifacts, produced = Artifacts([source]), [source]
    for cls in PIPELINE:
        if cls.spec.stage_id == stop_before:
            break
        if not all(g.satisfied_by(artifacts.refs()) for g in cls.spec.inputs if g.required):
            continue
        if set(STAGES_BY_ID[cls.spec.stage_id].contract.skip_when_present) & set(artifacts.refs()):
            continue
        context = RunContext("sample", 1, cls.spec.stage_id, cls.spec.module_id, Path())
        try:
            items = list(cls().process(artifacts, context))
        except NotApplicable:  # skipped, as a run would record it
            continue
        for item in items:
            artifacts.add(item)
            produced.append(item)
    return tuple(produced)


def carried(example: str, stop_before: str, *names: str) -> Artifacts:
    """The artifacts named `names` that the built-in modules make of `example` before a stage."""
    return Artifacts(a for a in _carried(example, stop_before) if a.NAME in names)


class TestStandardIntake(ModuleContractSuite):
    module_class = StandardIntake

    def sample_inputs(self) -> Artifacts:
        return carried(PDF, "intake", "source")


class TestXmlEInvoice(ModuleContractSuite):
    module_class = XmlEInvoice

    def sample_inputs(self) -> Artifacts:
        return carried(UBL, "einvoice", "document")

    def expected_not_applicable_inputs(self) -> Iterable[Artifacts]:
        yield carried(PDF, "einvoice", "document")


class TestPdfiumText(ModuleContractSuite):
    module_class = PdfiumText

    def sample_inputs(self) -> Artifacts:
        return carried(PDF, "text", "document")

    def expected_not_applicable_inputs(self) -> Iterable[Artifacts]:
        yield carried(UBL, "text", "document")


class TestHeuristicExtract(ModuleContractSuite):
    module_class = HeuristicExtract

    def sample_inputs(self) -> Artifacts:
        return carried(PDF, "extract", "text")


class TestStandardNormalizeOnFields(ModuleContractSuite):
    module_class = StandardNormalize

    def sample_inputs(self) -> Artifacts:
        return carried(PDF, "normalize", "fields")


class TestStandardNormalizeOnEInvoice(ModuleContractSuite):
    module_class = StandardNormalize
    huge_input = False  # the 5 MB input is fed once, by the suite on fields above

    def sample_inputs(self) -> Artifacts:
        return carried(UBL, "normalize", "einvoice")


class TestBasicValidate(ModuleContractSuite):
    module_class = BasicValidate

    def sample_inputs(self) -> Artifacts:
        return carried(UBL, "validate", "invoice", "document")


class TestRulesRoute(ModuleContractSuite):
    module_class = RulesRoute

    def sample_inputs(self) -> Artifacts:
        return carried(UBL, "route", "invoice", "findings")


class TestJsonExport(ModuleContractSuite):
    module_class = JsonExport
    settings = {"directory": "exports", "indent": 0}

    def sample_inputs(self) -> Artifacts:
        return carried(UBL, "export", "invoice", "findings", "decision")
