"""`PDFIUM_LOCK`: the one lock every PDFium call in a Turnout process runs under.

PDFium is not thread-safe, not even across different documents (pypdfium2 says so): two threads
inside it at once crash the process (SIGSEGV), which `turnout process --concurrency 4` on a folder
of PDFs did in most tries. Every use of pypdfium2 in Turnout (intake's page count, text layer and
attachments; `text.pdfium`'s text runs; `text.ocr`'s page rendering) therefore opens, uses and
closes its document inside one `with PDFIUM_LOCK:` block.

Closing inside the block matters as much as opening there: pypdfium2 frees what is left open from
weakref finalizers, which run at garbage collection on whichever thread happens to collect, so a
document, page, text page or bitmap that outlived the block could enter PDFium beside another
thread. Closing a document closes its pages and text pages; bitmaps are closed on their own.

The lock is re-entrant so that a helper holding it may call another that takes it. It costs
little: PDFium's share of a text PDF's run is a few milliseconds of about forty (the rest is
Python and I/O), and a module that must read PDFs in parallel can run in worker processes
(`isolation: process`), each with a PDFium and a lock of its own.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
"""Held for the whole life of every PDFium object: open, use and close inside one block."""

__all__ = ["PDFIUM_LOCK"]
