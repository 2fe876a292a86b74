"""The hardened XML parser every module uses for untrusted XML (intake sniffing, e-invoices).

Untrusted XML is parsed without entity resolution, without network access, without loading or
validating a DTD and without libxml2's "huge tree" allowances. A document that declares a DOCTYPE
at all is refused before parsing: e-invoices never need one, and refusing it closes entity
expansion ("billion laughs") and external entities (XXE) at the door rather than relying on the
parser alone. The check runs twice: on the raw prolog, and on the parsed tree's `docinfo` for
encodings the raw scan cannot read.

Several stages of one run read the same XML (intake identifies it, einvoice.xml maps it,
validate.en16931 checks it): each thread keeps the tree of the last bytes object it parsed, and
parsing that same object again returns that tree (documents up to 1 MiB, which is nearly
every invoice). Callers treat the tree as read-only.

Comments and processing instructions are left out of the tree, so an element's `.text` is its
whole text even when the sender wrote a comment in the middle of a value.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from turnout.authoring import InputRejected

# The largest e-invoice XML a module parses by default (`max_xml_bytes`), the size of the largest
# file intake takes by default
MAX_XML_BYTES = 20_000_000

DTD_REFUSED = "XML with a DTD is not accepted (possible entity expansion / XXE)"

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The prolog is short; a DOCTYPE further in than this is not in the prolog.
_PROLOG_SCAN = 64 * 1024
_POSITION = re.compile(r",\s*line \d+,\s*column \d+\s*$")


def parse_xml(data: bytes, *, max_bytes: int, what: str = "XML") -> etree._Element:
    """Parse untrusted XML and return its root element, or raise `InputRejected` with the reason.

    `what` names the document in messages (`"the embedded factur-x.xml"`). Refuses documents
    over `max_bytes`, documents with a DOCTYPE, and documents that are not well-formed (the
    message carries the parser's reason and line). The tree is shared with the thread's next
    parse of the same bytes object: read it, never change it.
    """
    if len(data) > max_bytes:
        raise InputRejected(
            f"{what} is {len(data):,} bytes, over the limit of {max_bytes:,}; "
            "raise the module setting `max_bytes` if such files are expected"
        )
    last = getattr(_last, "parsed", None)
    if last is not None and last[0] is data:
        return last[1]  # type: ignore[no-any-return]
    root = _parse(data, what)
    if len(data) <= _KEEP_BYTES:  # a rare huge document is not kept alive after its run
        _last.parsed = (data, root)  # holding `data` keeps its id from being reused
    return root


_last = threading.local()
_KEEP_BYTES = 1 << 20


def _parse(data: bytes, what: str) -> etree._Element:
    if declares_doctype(data):
        raise InputRejected(f"{what}: {DTD_REFUSED}; ask the sender for the file without a DOCTYPE")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InputRejected(
            f"{what} is not well-formed XML: {_reason(exc)}; ask the sender for a corrected file"
        ) from exc
    if root is None:
        raise InputRejected(f"{what} has no root element; ask the sender for a corrected file")
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None:
        raise InputRejected(f"{what}: {DTD_REFUSED}; ask the sender for the file without a DOCTYPE")
    return root


def declares_doctype(data: bytes) -> bool:
    """Whether the prolog (before the root element) holds a `<!DOCTYPE` declaration."""
    text = _prolog_text(data)
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return False
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return False
            i = end + 3
        else:
            return text.startswith("<!DOCTYPE", i)
    return False


def local_name(element: etree._Element) -> tuple[str, str]:
    """The (namespace, local name) of an element; the namespace is "" when there is none."""
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname


def _reason(exc: etree.XMLSyntaxError) -> str:
    """libxml2's message with the position written once, as `(line 3, column 8)`."""
    message = _POSITION.sub("", exc.msg or str(exc)).strip()
    line, column = exc.position if exc.position else (exc.lineno, None)
    where = f"line {line}" + (f", column {column}" if column else "")
    return f"{message} ({where})"


def _prolog_text(data: bytes) -> str:
    head = data[:_PROLOG_SCAN]
    if head.startswith(_UTF8_BOM):
        head = head[len(_UTF8_BOM) :]
    if head.startswith(_UTF16_BOMS):
        return head.decode("utf-16", errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a byte-order mark
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("latin-1")


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        # A comment or processing instruction inside a value would split its text: `23<!---->37.50`
        # is 2337.50 to an XML processor, while `.text` stops at the comment. Neither carries
        # business content, so the tree never holds them.
        remove_comments=True,
        remove_pis=True,
    )
