"""The run's explanation as a UBL extension: the first child of the Invoice or CreditNote.

    <ext:UBLExtensions>
      <ext:UBLExtension>
        <ext:ExtensionURI>urn:turnout:explanation:1</ext:ExtensionURI>
        <ext:ExtensionContent>
          <tx:Explanation xmlns:tx="urn:turnout:explanation:1">
            <tx:SourceFile>scan-0042.pdf</tx:SourceFile>      (when known)
            <tx:VendorID>V-1001</tx:VendorID>                 (when a vendor was matched)
            <tx:Decision>
              <tx:Outcome>approve</tx:Outcome>
              <tx:DecidedBy>alice</tx:DecidedBy>              (a person's final decision)
              <tx:Reason>approved by alice: checked</tx:Reason>   (one a reason)
            </tx:Decision>
          </tx:Explanation>
        </ext:ExtensionContent>
      </ext:UBLExtension>
    </ext:UBLExtensions>

Why an extension: it is where UBL 2.1 puts what its own elements do not hold, and a reader skips
one it does not know; the invoice's business terms are untouched, so the document reads back to
the same canonical invoice. EN 16931 says only that a UBL invoice *should* not carry extensions
(UBL-CR-001, a warning, never fatal); a receiver that refuses warnings gets the file without it
through `export.ubl`'s setting `explain: false`.
"""

from __future__ import annotations

from lxml import etree

from turnout.modules.export.explanation import Explanation, xml_safe

EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
EXPLANATION_NS = "urn:turnout:explanation:1"

Element = etree._Element


def explanation_extensions(explanation: Explanation) -> Element:
    """The `ext:UBLExtensions` element holding `explanation`."""
    extensions = etree.Element(f"{{{EXT}}}UBLExtensions", nsmap={"ext": EXT})
    extension = etree.SubElement(extensions, f"{{{EXT}}}UBLExtension")
    etree.SubElement(extension, f"{{{EXT}}}ExtensionURI").text = EXPLANATION_NS
    content = etree.SubElement(extension, f"{{{EXT}}}ExtensionContent")
    body = etree.SubElement(content, _tx("Explanation"), nsmap={"tx": EXPLANATION_NS})
    _value(body, "SourceFile", explanation.source_file)
    _value(body, "VendorID", explanation.vendor_id)
    decision = etree.SubElement(body, _tx("Decision"))
    _value(decision, "Outcome", str(explanation.decision.outcome))
    _value(decision, "DecidedBy", explanation.decision.decided_by)
    for reason in explanation.decision.reasons:
        _value(decision, "Reason", reason)
    return extensions


def _tx(name: str) -> str:
    return f"{{{EXPLANATION_NS}}}{name}"


def _value(parent: Element, name: str, value: str | None) -> None:
    if value is not None:
        etree.SubElement(parent, _tx(name)).text = xml_safe(value)
