"""The one place that talks to pypdfium2: open a PDF and list the text runs of each page.

pypdfium2 is imported when first used, so that importing the module stays cheap and a missing
install is reported by `health_check` with a hint rather than at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from turnout.domain.errors import InputRejected, ModuleUnavailable
from turnout.modules.text.layout import RunBuilder, TextRun


def load_pdfium() -> Any:
    """Import pypdfium2, or raise `ModuleUnavailable` saying how to install it."""
    try:
        import pypdfium2
    except ImportError as exc:  # pragma: no cover - pypdfium2 is a core dependency
        raise ModuleUnavailable(
            f"pypdfium2 cannot be imported ({exc}); install it with `pip install pypdfium2`"
        ) from exc
    return pypdfium2


def page_count(data: bytes) -> int:
    """How many pages the PDF has."""
    with _opened(data) as pdf:
        return len(pdf)


def read_runs(data: bytes, max_pages: int) -> list[list[TextRun]]:
    """The text runs (pieces of text on one line, in one column) of the first `max_pages` pages."""
    pages: list[list[TextRun]] = []
    with _opened(data) as pdf:
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(_runs(textpage))
            finally:
                textpage.close()
                page.close()
    return pages


def _runs(textpage: Any) -> list[TextRun]:
    """Group the page's characters (in pdfium's order) into runs of one line and one column."""
    raw = load_pdfium().raw
    builder = RunBuilder()
    for index in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        if 0xD800 <= code <= 0xDFFF:  # a lone surrogate: pdfium could not map the glyph
            continue
        builder.add(chr(code), textpage.get_charbox(index))
    return builder.finish()


@contextmanager
def _opened(data: bytes) -> Iterator[Any]:
    pdfium = load_pdfium()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputRejected(
            f"pdfium cannot open this PDF ({exc}); it may be damaged or password-protected:"
            " send an unprotected, complete copy"
        ) from exc
    try:
        yield pdf
    finally:
        pdf.close()
