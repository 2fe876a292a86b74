"""What `export.ubl` and `export.cii` share: their settings, the profile they write, the attached
documents they embed again, the EN 16931 check of their output, and the receipt.

An XML export builds its document from the canonical invoice (`build`), checks it with the EN 16931
rules before it is written (`conformance.require_valid`: an invoice that cannot make a valid
document fails the stage naming the rules it breaks), and writes it atomically to
`<directory>/<run_id>.xml`. The receipt's details carry the `profile` written, its
`customization_id`, the profile's `unchecked_rules` (`turnout.modules.export.profiles`: what is not
checked is named, never claimed) and how many `extensions` (elements beyond EN 16931 the source
carried, reported on the run) the file leaves out, and whether the run's explanation (source
file, matched vendor id, decision and reasons: `turnout.modules.export.explanation`) is in it
(`explained`: the setting `explain`; UBL writes it as an extension, CII as a note). In a trial run
(`RunContext.trial`) the document is built and checked, so one that would be refused still is,
and not written. Attached
documents (BT-125) are embedded again from their bytes in the run's `document` artifact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    EXPORT,
    Artifact,
    Artifacts,
    Document,
    InputRejected,
    Invoice,
    InvoiceArtifact,
    ModuleSpec,
    RunContext,
    StageModule,
    needs,
    settings_with_defaults,
)
from turnout.modules.export.attachments import attachment_bytes
from turnout.modules.export.conformance import require_valid
from turnout.modules.export.explanation import MATCH_INPUT, Explanation
from turnout.modules.export.files import check_directory_setting, directory_setting, export_file
from turnout.modules.export.profiles import EN16931, Profile, profile_for
from turnout.modules.xmlsafe import MAX_XML_BYTES


def xml_export_settings(
    default_directory: str, specification_element: str, *, explain: bool, explained_as: str
) -> dict[str, Any]:
    """The settings schema of an XML export writing BT-24 as `specification_element` and the
    run's explanation as `explained_as` when `explain` (default `explain`)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "directory": directory_setting(default_directory),
            "customization_id": {
                "type": "string",
                "minLength": 1,
                "pattern": r"^\S+$",
                "default": EN16931,
                "description": f"{specification_element} (BT-24); default {EN16931!r}.",
            },
            "max_xml_bytes": {
                "type": "integer",
                "minimum": 1,
                "default": MAX_XML_BYTES,
                "description": "The largest e-invoice XML read to find attached documents' bytes.",
            },
            "explain": {
                "type": "boolean",
                "default": explain,
                "description": "Write the run's source file name, matched vendor id, decision "
                f"and reasons into the document as {explained_as}; default {str(explain).lower()}.",
            },
        },
    }


def xml_export_spec(
    module_id: str, *, name: str, version: str, description: str, settings_schema: dict[str, Any]
) -> ModuleSpec:
    """The spec of an XML export: what it reads and writes and what it guarantees are shared."""
    return ModuleSpec.for_stage(
        EXPORT,
        module_id=module_id,
        name=name,
        version=version,
        description=description,
        extra_inputs=(needs("document/v1", required=False), MATCH_INPUT),
        extra_guarantees={"deterministic", "offline"},
        settings_schema=settings_schema,
    )


class XmlExport(StageModule):
    """An export writing one checked EN 16931 XML document per run; subclasses say how to build it."""

    syntax: ClassVar[str]  # "UBL" or "CII", as findings and messages name it

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.directory = str(with_defaults["directory"])
        self.profile = profile_for(str(with_defaults["customization_id"]))
        self.max_xml_bytes = int(with_defaults["max_xml_bytes"])
        self.explain = bool(with_defaults["explain"])
        check_directory_setting(self.spec.module_id, self.directory)

    def build(
        self,
        invoice: Invoice,
        profile: Profile,
        attachments: Mapping[str, bytes],
        explanation: Explanation | None,
    ) -> bytes:
        """The document's bytes, carrying `explanation` when one is given."""
        raise NotImplementedError

    def document_type(self, invoice: Invoice) -> str:
        """The document's root, as the receipt names it."""
        raise NotImplementedError

    def _attachments(self, xml: bytes | None) -> dict[str, bytes]:
        """The attached documents' bytes in the run's e-invoice `xml`, by SHA-256; one over
        `max_xml_bytes` is refused naming this export's setting."""
        if xml is not None and len(xml) > self.max_xml_bytes:
            raise InputRejected(
                f"{self.spec.module_id}: the run's e-invoice is {len(xml):,} bytes, over the "
                f"limit of {self.max_xml_bytes:,} read to find its attached documents; raise "
                f"the {self.spec.module_id} setting `max_xml_bytes` if such files are expected"
            )
        return attachment_bytes(xml, self.max_xml_bytes)

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Check and write the file; return a `Receipt` with its absolute path, the idempotency
        key, the profile written and the profile's rules not checked."""
        invoice = inputs.require(InvoiceArtifact).invoice
        document = inputs.get(Document)
        attachments: dict[str, bytes] = {}
        if any(d.attachment is not None for d in invoice.documents) and document is not None:
            attachments = self._attachments(document.xml)
        profile = self.profile
        module_id = self.spec.module_id
        explanation = Explanation.of(inputs, context) if self.explain else None
        data = self.build(invoice, profile, attachments, explanation)
        require_valid(data, module_id, self.syntax)
        details = {
            "document_type": self.document_type(invoice),
            "profile": profile.name,
            "customization_id": profile.id,
            "unchecked_rules": profile.unchecked_rules,
            "extensions": str(len(invoice.extensions)),
            "explained": "yes" if explanation is not None else "no",
        }
        return [export_file(module_id, self.directory, context, ".xml", data, **details)]
