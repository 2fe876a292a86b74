"""Count the pages of an image without decoding it: one for PNG and JPEG, the IFD chain for TIFF.

A TIFF file holds one image file directory (IFD) per page, chained by offsets. Walking the chain
reads a few bytes per page; the walk stops at `limit + 1` pages, at a loop, or at a broken offset,
so a hostile file cannot make it run long.
"""

from __future__ import annotations

import struct

from turnout.authoring import InputRejected
from turnout.modules.intake.sniff import TIFF, BinaryType


def count_image_pages(kind: BinaryType, data: bytes, limit: int) -> int:
    """Pages in the image; for TIFF at most `limit + 1` (enough to say it is over the limit)."""
    if kind is TIFF:
        return _tiff_pages(data, limit)
    return 1


def _tiff_pages(data: bytes, limit: int) -> int:
    order = "<" if data[:2] == b"II" else ">"
    offset = _unpack(order + "I", data, 4)
    pages = 0
    seen: set[int] = set()
    while offset and pages <= limit:
        if offset in seen or offset + 2 > len(data):
            break
        seen.add(offset)
        entries = _unpack(order + "H", data, offset)
        pages += 1
        offset = _unpack(order + "I", data, offset + 2 + 12 * entries)
    if pages == 0:
        raise InputRejected(
            "TIFF image has no readable image directory (truncated or damaged); "
            "ask the sender for the file again"
        )
    return pages


def _unpack(fmt: str, data: bytes, at: int) -> int:
    size = struct.calcsize(fmt)
    if at < 0 or at + size > len(data):
        return 0
    value: int = struct.unpack_from(fmt, data, at)[0]
    return value
