"""text.render under threads: PDFium is not thread-safe, so pages rendered four at a time (beside
text.pdfium reading other PDFs) must come out as they do one at a time, and the process must live.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdfium2
from PIL import Image

import turnout
from support.printed_invoices import printed_invoice, scan_of
from turnout.modules.text.pdfium_reader import read_pages
from turnout.modules.text.render import PdfiumPageRenderer

EXAMPLES = Path(turnout.__file__).parent / "examples"
THREADS = 4
ROUNDS = 3


def documents() -> list[tuple[str, bytes]]:
    """Real files: the bundled PDFs, generated invoices (one of two pages), a scan and a PNG."""
    files = [(path.name, path.read_bytes()) for path in sorted(EXAMPLES.glob("*.pdf"))]
    files += [(f"printed-{seed}.pdf", printed_invoice(seed).pdf) for seed in (1, 2)]
    files.append(("long.pdf", printed_invoice(3, long_table=True).pdf))
    files.append(("scan.pdf", scan_of(printed_invoice(4).pdf, dpi=100)))
    pdf = pypdfium2.PdfDocument(EXAMPLES / "invoice-acme-en.pdf")
    try:
        image = pdf[0].render(scale=100 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(100, 100))
    files.append(("scan.png", buffer.getvalue()))
    return files


def test_pages_rendered_four_at_a_time_beside_text_reading_are_the_pages_rendered_alone() -> None:
    renderer = PdfiumPageRenderer()
    files = documents()
    pages = [
        (name, data, page)
        for name, data in files
        for page in range(1, renderer.page_count(name, data) + 1)
    ]
    assert len(pages) > len(files)  # the long invoice runs over more than one page

    def render(job: tuple[str, bytes, int]) -> bytes:
        name, data, page = job
        return renderer.render(name, data, page, 600).data

    def read(job: tuple[str, bytes, int]) -> int:
        name, data, _ = job
        if not name.endswith(".pdf"):
            return 0
        count, layer = read_pages(data, 50)  # text.pdfium's reading, under the same lock
        return count + len(layer)

    alone = [render(job) for job in pages]
    jobs = pages * ROUNDS
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        rendered = pool.map(render, jobs)
        read_too = pool.map(read, jobs)
        together = list(rendered)
        assert all(count >= 0 for count in read_too)

    assert together == alone * ROUNDS
    for data in alone:
        Image.open(io.BytesIO(data)).verify()  # every image is whole
