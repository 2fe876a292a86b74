"""Bound what a PDF's streams inflate to, while inflating them, before PDFium ever reads them.

PDFium inflates a stream whole when it is used (a page's content when its text is read, an
attachment when its size is asked for), so a 2 MB file can cost gigabytes inside it. Here every
Flate-compressed stream in the file is inflated in chunks, its output counted and thrown away;
the total over the document stops at `limit`. A stream's extent comes from its `/Length` when
that is a number (direct, or an indirect object found in the file) followed by `endstream`,
else from the next `endstream` keyword. Chained filters (`[/FlateDecode /FlateDecode]`) are
inflated layer after layer. Memory stays one chunk per layer.
"""

from __future__ import annotations

import re
import zlib

from turnout.domain.errors import InputRejected

_STREAM = re.compile(rb"stream\r?\n")
_DICT_START = re.compile(rb"<<")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_CHUNK = 64 * 1024
# how far back from `stream` a stream's dictionary may start
_DICT_WINDOW = 4096


def check_inflated_size(data: bytes, limit: int, setting: str) -> int:
    """Total bytes the Flate streams of `data` inflate to; `InputRejected` once over `limit`.

    `setting` names what to raise, for the refusal (e.g. "the intake.standard setting
    `max_inflated_bytes`").
    """
    total = 0
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
        layers = len(_FLATE.findall(_dictionary(head)))
        if layers:
            total = _inflate(data, start, end, layers, total, limit, setting)
        position = max(end, start)


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


def _inflate(
    data: bytes, start: int, end: int, layers: int, total: int, limit: int, setting: str
) -> int:
    decoders = [zlib.decompressobj() for _ in range(layers)]
    for offset in range(start, end, _CHUNK):
        chunk = data[offset : min(end, offset + _CHUNK)]
        try:
            total = _feed(decoders, 0, chunk, total, limit, setting)
        except zlib.error:
            return total  # damaged: PDFium decides what to make of it, within what was counted
        if decoders[0].eof:
            break
    return total


def _feed(
    decoders: list[zlib._Decompress], layer: int, chunk: bytes, total: int, limit: int, setting: str
) -> int:
    decoder = decoders[layer]
    while chunk and not decoder.eof:
        out = decoder.decompress(chunk, _CHUNK)
        chunk = decoder.unconsumed_tail
        if layer + 1 < len(decoders):
            total = _feed(decoders, layer + 1, out, total, limit, setting)
            continue
        total += len(out)
        if total > limit:
            raise InputRejected(
                f"the PDF's compressed streams inflate to more than {limit:,} bytes (a "
                f"decompression bomb, or a very unusual file); raise {setting} if such files "
                "are expected"
            )
        if not out and not chunk:
            break
    return total
