"""Check one file against EN 16931 without a pipeline or a database (`turnout check`).

The file is identified from its bytes by `intake.standard` (UBL, CII, or a PDF with an embedded
Factur-X / ZUGFeRD / XRechnung XML); the e-invoice XML is then run through every rule.
"""

from __future__ import annotations

from turnout.domain.artifacts import Source
from turnout.domain.errors import InputRejected
from turnout.modules.intake.standard import DEFAULT_MAX_BYTES, StandardIntake
from turnout.modules.validate.en16931.engine import NotAnInvoice, Report, validate_xml
from turnout.modules.xmlsafe import parse_xml


def check_bytes(filename: str, data: bytes) -> Report:
    """The EN 16931 report for a file's bytes; `InputRejected` when it holds no e-invoice XML."""
    document = StandardIntake().identify(Source(filename, data))
    if not document.xml:
        raise InputRejected(
            f"{filename} is a {document.kind.value.upper()} without e-invoice XML; `turnout check` "
            "reads UBL, CII and PDFs with embedded XML (Factur-X, ZUGFeRD, XRechnung); run "
            "`turnout process` to read other invoices"
        )
    what = document.xml_name or filename
    root = parse_xml(document.xml, max_bytes=DEFAULT_MAX_BYTES, what=what)
    try:
        return validate_xml(root)
    except NotAnInvoice as exc:
        raise InputRejected(f"{what}: {exc}") from exc
