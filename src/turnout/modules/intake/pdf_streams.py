"""Bound what a PDF's streams inflate to, while inflating them, before PDFium ever reads them.

PDFium inflates a stream whole when it is used (a page's content when its text is read, an
attachment when its size is asked for), so a 2 MB file can cost gigabytes inside it. Here every
Flate-compressed stream in the file is inflated in chunks, its output counted and thrown away;
the total over the document stops at its limit, and so does the total of the streams PDFium parses
into objects (page contents), which cost it far more memory than their bytes. A stream's extent comes from its `/Length` when
that is a number (direct, or an indirect object found in the file) followed by `endstream`,
else from the next `endstream` keyword. Chained filters (`[/FlateDecode /FlateDecode]`) are
inflated layer after layer. Memory stays one chunk per layer.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from turnout.authoring import InputRejected

_STREAM = re.compile(rb"stream\r?\n")
_DICT_START = re.compile(rb"<<")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_NOT_CONTENT = re.compile(
    rb"/Subtype\s*/(?:Image|Type1C|CIDFontType0C|OpenType|XML)\b"
    rb"|/Type\s*/(?:EmbeddedFile|XRef|ObjStm|Metadata)\b|/Length[123]\b"
)
_CHUNK = 64 * 1024
# how far back from `stream` a stream's dictionary may start
_DICT_WINDOW = 4096


@dataclass(frozen=True)
class StreamLimit:
    """A bound on bytes out of a PDF's streams, and the setting that raises it."""

    limit: int
    setting: str  # e.g. "the intake.standard setting `max_inflated_bytes`"


def check_inflated_size(
    data: bytes, inflated: StreamLimit, content: StreamLimit | None = None
) -> int:
    """Total bytes the Flate streams of `data` inflate to; `InputRejected` once over a limit.

    `inflated` bounds every Flate stream together; `content`, when given, bounds the streams
    PDFium parses into objects (page contents and forms: any stream that is not an image, a
    font, an embedded file, metadata, an object or cross-reference stream), compressed or not,
    whose parsed objects cost PDFium about 20 times their size in memory.
    """
    total = content_total = 0
    position = 0
    while True:
        found = _STREAM.search(data, position)
        if found is None:
            return total
        start = found.end()
        head = data[max(0, found.start() - _DICT_WINDOW) : found.start()]
        if head.rstrip().endswith(b"end"):  # the `stream` of an `endstream`
            position = start
            continue
        end = _stream_end(data, head, start)
        position = max(end, start)
        dictionary = _dictionary(head)
        layers = len(_FLATE.findall(dictionary))
        is_content = content is not None and not _NOT_CONTENT.search(dictionary)
        cap = inflated.limit - total
        if content is not None and is_content:
            cap = min(cap, content.limit - content_total)
        size = _inflate(data, start, end, layers, cap) if layers else end - start
        if layers:
            total += size
            _refuse_over(total, inflated, "compressed streams inflate to")
        if content is not None and is_content:
            content_total += size
            _refuse_over(content_total, content, "page contents come to")


def _refuse_over(count: int, bound: StreamLimit, what: str) -> None:
    if count > bound.limit:
        raise InputRejected(
            f"the PDF's {what} more than {bound.limit:,} bytes (a decompression bomb, or a "
            f"very unusual file); raise {bound.setting} if such files are expected"
        )


def _dictionary(head: bytes) -> bytes:
    begin = head.rfind(b"obj")
    return head[begin:] if begin >= 0 else head[-512:]


def _stream_end(data: bytes, head: bytes, start: int) -> int:
    matches = list(_LENGTH.finditer(_dictionary(head)))
    match = matches[-1] if matches else None  # the stream's own, after any nested dictionary's
    length: int | None = None
    if match is not None:
        if match.group(2) is None:
            length = int(match.group(1))
        else:
            length = _indirect_int(data, match.group(1), match.group(2))
    if length is not None and data[start + length : start + length + 20].lstrip().startswith(
        b"endstream"
    ):
        return start + length
    keyword = data.find(b"endstream", start)
    return len(data) if keyword < 0 else keyword


def _indirect_int(data: bytes, number: bytes, generation: bytes) -> int | None:
    found = re.search(rb"(?<!\d)" + number + rb"\s+" + generation + rb"\s+obj\s+(\d+)", data)
    return int(found.group(1)) if found else None


def _inflate(data: bytes, start: int, end: int, layers: int, cap: int) -> int:
    """Bytes the stream inflates to, counted up to just past `cap` (then the count stops)."""
    decoders = [zlib.decompressobj() for _ in range(layers)]
    count = [0]
    for offset in range(start, end, _CHUNK):
        chunk = data[offset : min(end, offset + _CHUNK)]
        try:
            if not _feed(decoders, 0, chunk, count, cap):
                break
        except zlib.error:
            break  # damaged: PDFium decides what to make of it, within what was counted
        if decoders[0].eof:
            break
    return count[0]


def _feed(
    decoders: list[zlib._Decompress], layer: int, chunk: bytes, count: list[int], cap: int
) -> bool:
    """Inflate `chunk` through the layers from `layer` on; False once the count is past `cap`."""
    decoder = decoders[layer]
    while chunk and not decoder.eof:
        out = decoder.decompress(chunk, _CHUNK)
        chunk = decoder.unconsumed_tail
        if layer + 1 < len(decoders):
            if not _feed(decoders, layer + 1, out, count, cap):
                return False
            continue
        count[0] += len(out)
        if count[0] > cap:
            return False
        if not out and not chunk:
            break
    return True
