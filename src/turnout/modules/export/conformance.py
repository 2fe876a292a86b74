"""An XML export checks its own output with the EN 16931 rules before it is written.

`require_valid` runs `validate.en16931`'s engine over the bytes an export is about to write. An
invoice that cannot make a valid document fails the export stage with the rules it breaks (the
stage's fallback or a person's review takes over); nothing invalid is ever written under a
specification identifier that claims EN 16931. What the rules do not check is named by the profile
(`profiles.unchecked`), never claimed.
"""

from __future__ import annotations

from turnout.authoring import Finding, InputRejected, Severity
from turnout.modules.validate.en16931.engine import validate_xml
from turnout.modules.xmlsafe import parse_xml

_SHOWN = 5  # rules named in the message; the rest are counted


def fatal_findings(data: bytes, what: str) -> list[Finding]:
    """The fatal EN 16931 findings of the XML `data` (an export's output)."""
    root = parse_xml(data, max_bytes=max(len(data), 1), what=what)
    return [f for f in validate_xml(root).findings if f.severity is Severity.FATAL]


def require_valid(data: bytes, module_id: str, syntax: str) -> None:
    """Refuse to write `data` when it breaks an EN 16931 rule: `InputRejected` names the rules,
    what each says and where, and what to do."""
    fatal = fatal_findings(data, f"the {syntax} {module_id} made")
    if not fatal:
        return
    rules = sorted({f.rule for f in fatal})
    shown = "; ".join(f"{f.rule} ({f.message})" for f in fatal[:_SHOWN])
    more = f"; and {len(fatal) - _SHOWN} more" if len(fatal) > _SHOWN else ""
    raise InputRejected(
        f"{module_id}: the invoice cannot make a valid EN 16931 {syntax} document: it breaks "
        f"{', '.join(rules)}: {shown}{more}; correct the invoice in review (or export it with "
        "export.json, which has no such rules)"
    )
