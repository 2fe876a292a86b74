"""`intake.standard`: identify a submitted file from its bytes and bound its size (default intake).

The real type comes from the content, never from the file name: PDF (the header may follow up to
1 KiB of junk, as PDF readers allow), PNG, JPEG, TIFF, and XML whose root is a UBL 2.1 Invoice or
CreditNote or a UN/CEFACT CII invoice. Everything else is rejected with a message naming what was
found and what is accepted. For PDFs, what the compressed streams inflate to is counted (and
bounded) while inflating them, then the page count is checked before anything heavier; the text
layer is noted and an embedded Factur-X / ZUGFeRD / XRechnung XML is pulled out, whatever the
attachment is called.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    INTAKE,
    Artifact,
    Artifacts,
    Document,
    InputRejected,
    ModuleSpec,
    ModuleUnavailable,
    RunContext,
    Source,
    StageModule,
    settings_with_defaults,
)
from turnout.modules.einvoice.syntax import ACCEPTED_XML, describe_root, identify
from turnout.modules.intake.image_pages import count_image_pages
from turnout.modules.intake.pdf_streams import StreamLimit, check_inflated_size
from turnout.modules.intake.sniff import (
    ACCEPTED_FILES,
    PDF,
    BinaryType,
    describe_unaccepted,
    looks_like_xml,
    sniff_binary,
)
from turnout.modules.pdfium_lock import PDFIUM_LOCK
from turnout.modules.xmlsafe import parse_xml

DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_MAX_PAGES = 50
# what a PDF's Flate streams may inflate to, in all: an invoice's fonts, images and embedded XML
# come to a few MB; PDFium inflates a stream whole when it reads it, so this bounds its memory
DEFAULT_MAX_INFLATED_BYTES = 128 * 1024 * 1024
# what a PDF's page contents (the streams PDFium parses into objects) may come to, in all: PDFium
# takes about 20 bytes of memory per byte of operators (100 MiB of them cost 1.9 GB), while an
# invoice page's content is 5-100 KB
DEFAULT_MAX_CONTENT_BYTES = 16 * 1024 * 1024
XML_MEDIA_TYPE = "application/xml"
_SETTING = "the intake.standard setting `{}`"


class StandardIntake(StageModule):
    """Sniff the real file type, hash and size it, count pages, extract embedded e-invoice XML."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        INTAKE,
        module_id="intake.standard",
        name="Standard intake",
        version="1.0.0",
        description="Identifies PDF, PNG, JPEG, TIFF, UBL and CII from the bytes (never the "
        "extension), computes sha256 and size, enforces size and page limits, and pulls the "
        "e-invoice XML out of Factur-X / ZUGFeRD / XRechnung PDFs.",
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "max_bytes": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_BYTES,
                    "description": "files (and embedded XML) larger than this many bytes are "
                    f"rejected; default {DEFAULT_MAX_BYTES}",
                },
                "max_pages": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_PAGES,
                    "description": "PDFs and TIFFs with more pages are rejected; "
                    f"default {DEFAULT_MAX_PAGES}",
                },
                "max_inflated_bytes": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_INFLATED_BYTES,
                    "description": "PDFs whose compressed streams inflate to more bytes in all "
                    "are rejected, counted while inflating, before PDFium reads them; default "
                    f"{DEFAULT_MAX_INFLATED_BYTES}",
                },
                "max_content_bytes": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_CONTENT_BYTES,
                    "description": "PDFs whose page contents (inflated) come to more bytes in "
                    "all are rejected, counted before PDFium reads them; default "
                    f"{DEFAULT_MAX_CONTENT_BYTES}",
                },
            },
        },
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.max_bytes = int(with_defaults["max_bytes"])
        self.max_pages = int(with_defaults["max_pages"])
        self.max_inflated_bytes = int(with_defaults["max_inflated_bytes"])
        self.max_content_bytes = int(with_defaults["max_content_bytes"])

    @classmethod
    def health_check(cls) -> None:
        """Fail with `ModuleUnavailable` when PDFium cannot create a document in this process."""
        try:
            import pypdfium2

            with PDFIUM_LOCK:
                pypdfium2.PdfDocument.new().close()
        except Exception as exc:
            raise ModuleUnavailable(
                f"intake.standard needs pypdfium2, which does not work here ({exc}); "
                "reinstall it with `pip install pypdfium2`"
            ) from exc

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the `Document` for the submitted `Source`, or reject the file with the reason."""
        source = inputs.require(Source)
        return (self.identify(source),)

    def identify(self, source: Source) -> Document:
        """The `Document` learned from one source's bytes."""
        data = source.data
        if len(data) > self.max_bytes:
            raise InputRejected(
                f"the file is {len(data):,} bytes, over the limit of {self.max_bytes:,}; "
                "raise the intake.standard setting `max_bytes` if such files are expected"
            )
        binary = sniff_binary(data)
        if binary is PDF:
            return self._pdf(source)
        if binary is not None:
            return self._image(source, binary)
        if looks_like_xml(data):
            return self._xml(source)
        raise InputRejected(
            f"unsupported file: found {describe_unaccepted(data)}; intake accepts "
            f"{ACCEPTED_FILES}; send the invoice in one of these formats"
        )

    def _pdf(self, source: Source) -> Document:
        # PDFium is loaded with the first PDF: `turnout check` over XML files never needs it
        from turnout.modules.intake.pdf_reader import read_pdf

        check_inflated_size(
            source.data,
            StreamLimit(self.max_inflated_bytes, _SETTING.format("max_inflated_bytes")),
            StreamLimit(self.max_content_bytes, _SETTING.format("max_content_bytes")),
        )
        facts = read_pdf(source.data, max_pages=self.max_pages, max_xml_bytes=self.max_bytes)
        embedded = facts.embedded
        return _document(
            source,
            PDF,
            pages=facts.pages,
            text_layer=facts.text_layer,
            xml=embedded.data if embedded else None,
            xml_name=embedded.name if embedded else None,
        )

    def _image(self, source: Source, kind: BinaryType) -> Document:
        pages = count_image_pages(kind, source.data, self.max_pages)
        if pages > self.max_pages:
            raise InputRejected(
                f"the {kind.label} has more than {self.max_pages} pages; raise the "
                "intake.standard setting `max_pages` if such files are expected"
            )
        return _document(source, kind, pages=pages)

    def _xml(self, source: Source) -> Document:
        root = parse_xml(source.data, max_bytes=self.max_bytes, what="the XML file")
        syntax = identify(root)
        if syntax is None:
            raise InputRejected(
                f"unsupported XML: the root element is {describe_root(root)}; intake accepts "
                f"{ACCEPTED_XML}; send the invoice in one of these syntaxes, or as a PDF"
            )
        kind = BinaryType(syntax.kind, XML_MEDIA_TYPE, f"{syntax.kind.upper()} XML")
        return _document(source, kind, xml=source.data)


def _document(
    source: Source,
    kind: BinaryType,
    *,
    pages: int | None = None,
    text_layer: bool | None = None,
    xml: bytes | None = None,
    xml_name: str | None = None,
) -> Document:
    return Document(
        filename=source.filename,
        kind=kind.kind,
        media_type=kind.media_type,
        sha256=hashlib.sha256(source.data).hexdigest(),
        size=len(source.data),
        data=source.data,
        pages=pages,
        text_layer=text_layer,
        xml=xml,
        xml_name=xml_name,
    )
