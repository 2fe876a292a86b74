"""Hostile files, generated in memory in well under a second each: they are tiny by nature.

- `pixel_bomb_png`: one 7,700 x 7,700 blank PNG (59 Mpx, a few KB).
- `pixel_bomb_tiff`: a TIFF of 20 such frames (Group 4, 82 KB).
- `blank_pages_pdf`: 20 blank pages of 38.6 x 38.6 inches (59 Mpx each at 200 DPI, 2 KB).
The sizes can be chosen, e.g. just under text.ocr's page limit so that only the document's
total is over its budget.
- `inflating_attachment_pdf` / `inflating_content_pdf`: a PDF whose embedded `factur-x.xml`, or
  whose page content, is a Flate stream inflating to `inflated` bytes (2 GiB by default, ~2 MB).
- `operator_content_pdf`: a page of 100 MiB of drawing operators, compressed to ~200 KB.
"""

from __future__ import annotations

import io
import zlib

from PIL import Image

BOMB_SIDE = 7_700
GIB = 1 << 30
_CHUNK = 1 << 20


def pixel_bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (BOMB_SIDE, BOMB_SIDE), 1).save(out, "PNG")
    return out.getvalue()


def pixel_bomb_tiff(frames: int = 20, side: int = BOMB_SIDE) -> bytes:
    page = Image.new("1", (side, side), 1)
    out = io.BytesIO()
    page.save(out, "TIFF", save_all=True, append_images=[page] * (frames - 1), compression="group4")
    return out.getvalue()


def blank_pages_pdf(pages: int = 20, side_pt: int = 2_780) -> bytes:
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        *(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side_pt} {side_pt}] >>".encode()
            for _ in range(pages)
        ),
    ]
    return _pdf(objects)


def flate_bomb(inflated: int = 2 * GIB) -> bytes:
    """A zlib stream of `inflated` spaces (about 1 KB per MB inflated)."""
    compressor = zlib.compressobj(9)
    block = compressor.compress(b" " * _CHUNK) + compressor.flush(zlib.Z_FULL_FLUSH)
    # after a full flush, the same input compresses to the same bytes: repeat them
    repeat = compressor.compress(b" " * _CHUNK) + compressor.flush(zlib.Z_FULL_FLUSH)
    chunks = inflated // _CHUNK
    checksum = 1
    for _ in range(chunks):
        checksum = zlib.adler32(b" " * _CHUNK, checksum)
    body = block + repeat * (chunks - 1)
    # final empty stored block, then the Adler-32 of everything inflated
    return body + b"\x03\x00" + checksum.to_bytes(4, "big")


def inflating_attachment_pdf(inflated: int = 2 * GIB) -> bytes:
    bomb = flate_bomb(inflated)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Names [(factur-x.xml) 5 0 R] >>",
        b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /EF << /F 6 0 R >> >>",
        _stream(b"/Type /EmbeddedFile /Subtype /text#2Fxml", bomb),
    ]
    return _pdf(objects)


def inflating_content_pdf(inflated: int = 2 * GIB) -> bytes:
    return content_pdf(flate_bomb(inflated), filtered=True)


def operator_content_pdf(size: int = 100 << 20) -> bytes:
    """A page of `size` bytes of drawing operators (~200 KB compressed): PDFium would parse them
    into millions of path objects (100 MiB of them cost 1.9 GB)."""
    operator = b"0 0 m 1 1 l S\n"
    return content_pdf(zlib.compress(operator * (size // len(operator)), 6), filtered=True)


def content_pdf(content: bytes, *, filtered: bool) -> bytes:
    """A one-page PDF whose page content stream is `content` (Flate-compressed if `filtered`)."""
    stream = (
        _stream(b"", content)
        if filtered
        else b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream,
    ]
    return _pdf(objects)


def _stream(entries: bytes, deflated: bytes) -> bytes:
    head = b"<< " + entries + b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(deflated)
    return head + deflated + b"\nendstream"


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
