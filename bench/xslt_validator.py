"""The official EN 16931 validation artefacts (Schematron compiled to XSLT) run with SaxonC-HE.

`OfficialValidator` compiles `<xslt>/ubl/EN16931-UBL-validation.xslt` and
`<xslt>/cii/EN16931-CII-validation.xslt` once each, when first needed, and gives the SVRL failed
asserts of a document as `FailedAssert(rule, flag, text, location)` tuples (rule id and flag
first, e.g. `("BR-CO-10", "fatal", ...)`). The syntax is taken from the document's root element:
a UBL Invoice or CreditNote, or a CII CrossIndustryInvoice; anything else raises `ValueError`.

saxonche is a dev dependency (`pip install -e '.[dev]'`); it is imported when a validator is
made, so that a benchmark importing this file without it can say what to install.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

from turnout.modules.xmlsafe import parse_xml

UBL_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
CII_INVOICE = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
SYNTAX_OF_ROOT = {UBL_INVOICE: "ubl", UBL_CREDIT_NOTE: "ubl", CII_INVOICE: "cii"}
STYLESHEETS = {
    "ubl": Path("ubl") / "EN16931-UBL-validation.xslt",
    "cii": Path("cii") / "EN16931-CII-validation.xslt",
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
MAX_BYTES = 50_000_000


class FailedAssert(NamedTuple):
    """One `svrl:failed-assert`: the rule id, its flag ("fatal" or "warning"), what it says."""

    rule: str
    flag: str
    text: str
    location: str


def syntax_of(root: etree._Element) -> str | None:
    """ "ubl" or "cii" for an invoice's root element; None for anything else."""
    return SYNTAX_OF_ROOT.get(root.tag) if isinstance(root.tag, str) else None


class OfficialValidator:
    """The EN 16931 XSLT of both syntaxes under `xslt_dir`, each compiled on first use."""

    def __init__(self, xslt_dir: Path) -> None:
        for relative in STYLESHEETS.values():
            if not (xslt_dir / relative).is_file():
                raise FileNotFoundError(
                    f"{xslt_dir / relative} is missing; point the validator at the folder holding "
                    "the official EN 16931 artefacts' ubl/ and cii/ XSLT"
                )
        try:
            saxonche = importlib.import_module("saxonche")  # untyped: its objects are Any here
        except ImportError as exc:  # a dev dependency, not needed by the product
            raise ImportError(
                "saxonche is not installed; run `.venv/bin/pip install -c constraints.txt "
                "saxonche` (it is in the `dev` extra)"
            ) from exc
        self.xslt_dir = xslt_dir
        self._processor = saxonche.PySaxonProcessor(license=False)
        self._compiled: dict[str, Any] = {}

    def executable(self, syntax: str) -> Any:
        """The compiled stylesheet of `syntax` ("ubl" or "cii"), compiled once."""
        if syntax not in self._compiled:
            compiler = self._processor.new_xslt30_processor()
            path = self.xslt_dir / STYLESHEETS[syntax]
            self._compiled[syntax] = compiler.compile_stylesheet(stylesheet_file=str(path))
        return self._compiled[syntax]

    def failed_asserts(self, data: bytes, what: str = "document") -> list[FailedAssert]:
        """Every failed assert of the official rules for the invoice `data` (UBL or CII)."""
        root = parse_xml(data, max_bytes=MAX_BYTES, what=what)
        syntax = syntax_of(root)
        if syntax is None:
            raise ValueError(
                f"{what}: root element {root.tag!r} is neither a UBL Invoice/CreditNote nor a CII "
                "CrossIndustryInvoice; only those can be checked with the EN 16931 XSLT"
            )
        # the text, not the bytes: lxml has already decoded whatever encoding the file declared
        text = etree.tostring(root.getroottree(), encoding="unicode")
        node = self._processor.parse_xml(xml_text=text)
        report = self.executable(syntax).transform_to_string(xdm_node=node)
        if report is None:
            raise RuntimeError(f"{what}: the {syntax} XSLT gave no SVRL report")
        svrl = etree.fromstring(report.encode("utf-8"))
        return [
            FailedAssert(
                rule=item.get("id", ""),
                flag=item.get("flag", ""),
                text=" ".join(item.findtext(f"{SVRL}text", "").split()),
                location=item.get("location", ""),
            )
            for item in svrl.iter(f"{SVRL}failed-assert")
        ]
