"""Seconds a page of `text.ocr`, and what it reads, beside RapidOCR's own pipeline on the same pages.

Pages: the first pages of ten ZUGFeRD/Factur-X PDFs of ../shared/corpora/zugferd rendered to
200 DPI greyscale image-only PDFs (scans with no text layer), and the invoice2data PNG scans of
../shared/corpora/invoice2data/compare; without the corpora, invoice PDFs of our own making
(tests/support/invoice_pdfs.py and the bundled examples) rendered the same way.

Two readers, one page of each in turn (the machine is shared and drifts; which goes first
alternates), after a warm-up page each:

- `before`: what `text.ocr` did until now: the page rendered in colour at up to 2000 px on its
  longer side and handed whole to RapidOCR with its defaults (detection on the whole page at
  full size, the direction model on every box, its sessions as RapidOCR makes them);
- `after`: `text.ocr` as it is (the module's `process`, rendering and words included).

Accuracy: the words each reader finds against the words of the page's own text layer (the
original PDF's, or the PDF the PNG was made from), as a multiset of lower-case tokens (recall and
precision), and the character similarity of the two readers' page texts (rapidfuzz ratio).

BENCH lines: `ocr_page_seconds_after` and `ocr_page_seconds_before` (medians; the range in the
text), `ocr_page_speedup` (before / after, medians), `ocr_words_recall_after_pct`,
`ocr_words_recall_before_pct`, `ocr_words_precision_after_pct`, `ocr_text_similarity_pct`.
Env: `BENCH_ROUNDS` (2), `BENCH_OCR_PAGES` (14).
"""

from __future__ import annotations

import collections
import hashlib
import io
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2
from PIL import Image
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.invoice_pdfs import invoice_pdf
from turnout.domain.artifacts import Document, DocumentKind, Text
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.text.ocr import OcrText
from turnout.modules.text.ocr_engine import MAX_SIDE_PX, load_rapidocr

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
EXAMPLES = ROOT / "src" / "turnout" / "examples"
SCAN_DPI = 200
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
PAGES = int(os.environ.get("BENCH_OCR_PAGES", "14"))
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    name: str
    document: Document  # what text.ocr is given: an image-only PDF or a PNG
    truth: str  # the text layer of the page the scan was made from


def main() -> None:
    pages = corpus_pages() or own_pages()
    source = "corpora" if (CORPORA / "zugferd").is_dir() else "own invoice PDFs"
    print(f"{len(pages)} pages ({source}), {ROUNDS} rounds, {os.cpu_count()} cores")
    module = OcrText()
    module.warm_up()
    rapidocr = load_rapidocr().RapidOCR(text_score=0.0, max_side_len=MAX_SIDE_PX)
    readers: dict[str, Callable[[Document], str]] = {
        "before": lambda document: read_before(rapidocr, document),
        "after": lambda document: read_after(module, document),
    }
    for read in readers.values():  # warm-up: first calls allocate
        read(pages[0].document)
    seconds: dict[str, list[float]] = {name: [] for name in readers}
    texts: dict[str, dict[str, str]] = {name: {} for name in readers}
    for round_ in range(ROUNDS):
        for index, page in enumerate(pages):
            order = list(readers) if (round_ + index) % 2 == 0 else list(reversed(readers))
            for name in order:
                started = time.perf_counter()
                texts[name][page.name] = readers[name](page.document)
                seconds[name].append(time.perf_counter() - started)
    report(pages, seconds, texts)


def report(
    pages: list[Page], seconds: dict[str, list[float]], texts: dict[str, dict[str, str]]
) -> None:
    print(f"{'page':34} {'before s':>8} {'after s':>8} {'recall b/a':>12} {'sim':>5}")
    recall: dict[str, list[float]] = {"before": [], "after": []}
    precision: dict[str, list[float]] = {"before": [], "after": []}
    similarity: list[float] = []
    n = len(pages)
    for index, page in enumerate(pages):
        truth = tokens(page.truth)
        for name in recall:
            found = tokens(texts[name][page.name])
            common = sum((found & truth).values())
            recall[name].append(common / max(sum(truth.values()), 1))
            precision[name].append(common / max(sum(found.values()), 1))
        sim = fuzz.ratio(flat(texts["before"][page.name]), flat(texts["after"][page.name]))
        similarity.append(sim)
        before = statistics.median(seconds["before"][index::n])
        after = statistics.median(seconds["after"][index::n])
        print(
            f"{page.name[:34]:34} {before:8.2f} {after:8.2f} "
            f"{recall['before'][-1]:5.2f}/{recall['after'][-1]:5.2f} {sim:5.1f}"
        )
    for name in ("after", "before"):
        values = seconds[name]
        print(
            f"{name}: median {statistics.median(values):.2f} s a page, "
            f"range {min(values):.2f}-{max(values):.2f} s over {len(values)} readings; words "
            f"recall {100 * statistics.fmean(recall[name]):.1f}%, "
            f"precision {100 * statistics.fmean(precision[name]):.1f}%"
        )
    after, before = statistics.median(seconds["after"]), statistics.median(seconds["before"])
    print(f"BENCH ocr_page_seconds_after {after:.2f}")
    print(f"BENCH ocr_page_seconds_before {before:.2f}")
    print(f"BENCH ocr_page_speedup {before / after:.2f}")
    print(f"BENCH ocr_words_recall_after_pct {100 * statistics.fmean(recall['after']):.1f}")
    print(f"BENCH ocr_words_recall_before_pct {100 * statistics.fmean(recall['before']):.1f}")
    print(f"BENCH ocr_words_precision_after_pct {100 * statistics.fmean(precision['after']):.1f}")
    print(f"BENCH ocr_text_similarity_pct {statistics.fmean(similarity):.1f}")


def read_after(module: OcrText, document: Document) -> str:
    context = RunContext("bench", 1, "text", "text.ocr", Path())
    (text,) = module.process(Artifacts([document]), context)
    assert isinstance(text, Text)
    return text.full


def read_before(rapidocr: Any, document: Document) -> str:
    """The page as text.ocr read it until now: colour, whole, RapidOCR's pipeline as it comes."""
    if document.kind is DocumentKind.PDF:
        pdf = pypdfium2.PdfDocument(document.data)
        try:
            page = pdf[0]
            scale = min(SCAN_DPI / 72, MAX_SIDE_PX / max(page.get_size()))
            image = page.render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
    else:
        image = Image.open(io.BytesIO(document.data)).convert("RGB")
        longer = max(image.size)
        if longer > MAX_SIDE_PX:
            size = (
                round(image.width * MAX_SIDE_PX / longer),
                round(image.height * MAX_SIDE_PX / longer),
            )
            image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)
    result, _elapsed = rapidocr(image)
    boxes = [(points, text) for points, text, score in result or () if float(score) >= 0.5]
    boxes.sort(key=lambda box: (round(min(p[1] for p in box[0]) / 20), min(p[0] for p in box[0])))
    return " ".join(text for _points, text in boxes)


def tokens(text: str) -> collections.Counter[str]:
    return collections.Counter(_TOKEN.findall(text.lower()))


def flat(text: str) -> str:
    return " ".join(text.split())


def corpus_pages() -> list[Page]:
    zugferd = sorted((CORPORA / "zugferd").glob("**/*.pdf"))
    if not zugferd:
        return []
    step = max(len(zugferd) // 10, 1)
    pages = [scan_of(path.stem, path.read_bytes()) for path in zugferd[::step][:10]]
    compare = CORPORA / "invoice2data" / "compare"
    for png in sorted(compare.glob("*.png")):
        pdf = png.with_suffix(".pdf")
        if pdf.exists():
            data = png.read_bytes()
            pages.append(
                Page(
                    png.name,
                    document(png.name, DocumentKind.IMAGE, data),
                    text_of(pdf.read_bytes()),
                )
            )
    return pages[:PAGES]


def own_pages() -> list[Page]:
    sources = [(f"own-{i}", invoice_pdf(i)) for i in range(4)]
    sources += [(path.stem, path.read_bytes()) for path in sorted(EXAMPLES.glob("*.pdf"))]
    return [scan_of(name, data) for name, data in sources][:PAGES]


def scan_of(name: str, data: bytes) -> Page:
    """The first page of a text PDF as a 200 DPI greyscale scan: a PDF holding only the picture."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[0].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=SCAN_DPI)
    return Page(name, document(name + ".pdf", DocumentKind.PDF, buffer.getvalue()), text_of(data))


def text_of(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return str(pdf[0].get_textpage().get_text_range())
    finally:
        pdf.close()


def document(name: str, kind: DocumentKind, data: bytes) -> Document:
    media = "application/pdf" if kind is DocumentKind.PDF else "image/png"
    return Document(
        filename=name,
        kind=kind,
        media_type=media,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
    )


if __name__ == "__main__":
    main()
