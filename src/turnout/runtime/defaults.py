"""The configuration `turnout init` activates on a new database: the default module of each stage
(★ in the README) and the fallback policies that keep invoices moving when one fails."""

from __future__ import annotations

from turnout.domain.fallback import OnExhausted, Trigger
from turnout.runtime.config_document import ConfigDocument, PolicyDoc, SelectionDoc

# Where the modules wrapping native code run, by measurement (bench/bench_pdf_concurrency.py, 2
# cores, distinct text PDFs through the whole pipeline, medians of interleaved blocks):
# - intake.standard and text.pdfium stay inline. PDFium is not thread-safe, so every call holds
#   one process-wide lock (`turnout.modules.pdfium_lock`), and that is enough: 300 PDFs at
#   `--concurrency 4` and PDFium hammered from four threads never crash. PDFium holds the lock
#   1.9 ms of a text PDF's 11 ms run; the rest is Python, which threads run one at a time (the
#   interpreter lock), so worker processes gain nothing the handoff does not cost back:
#   at concurrency 4, 113 PDFs/s inline against 110 with text.pdfium in workers and 90 with
#   intake too (68, 60 and 49 on a busier machine), and XML e-invoices, which intake also reads,
#   fell from 131/s to 87 with intake in workers.
# - text.ocr (ONNX Runtime, and PDFium rendering pages, its largest surface) runs in worker
#   processes: a scan costs seconds of OCR, against which the handoff is nothing (0.16 scans/s
#   inline and isolated alike), and a crash there then costs one attempt, not Turnout.
# - text.ocr's workers may hold 2048 MB of address space (half the default for isolated modules):
#   reading a 200 DPI A4 scan takes a worker about 1.5 GB of it, and text.ocr's own budget
#   (pages, pixels from the headers, seconds) refuses larger documents before decoding them, so
#   the limit only stops what slips past that budget. Measured with bench/bench_hostile.py (peak
#   RSS of `turnout process`'s whole process tree): a plain scan 850-940 MB isolated against
#   860 inline; the largest image the budget reads 1.0-1.2 GB either way; a refused pixel bomb
#   310 MB isolated against 200 inline (the worker loads the OCR models before it refuses);
#   about a second to start the worker, once per process.
# - one text.ocr worker (`workers: 1`): ONNX Runtime already spreads one page over the cores
#   (0.14-0.16 scans/s at concurrency 1 and 4 alike), and each worker peaks at 400-750 MB, so the
#   default pool of two per core took `turnout process --concurrency 4` on the corpora to 2.7 GB
#   (four OCR workers at once) for no gain.
DEFAULT_SELECTIONS: dict[str, str] = {
    "intake": "intake.standard",
    "einvoice": "einvoice.xml",
    "text": "text.pdfium",
    "extract": "extract.templates",
    "normalize": "normalize.standard",
    "validate": "validate.en16931",
    "dedupe": "dedupe.fingerprint",
    "route": "route.rules",
    "export": "export.json",
}


def _words(*triggers: Trigger) -> tuple[str, ...]:
    """The triggers as a document writes them."""
    return tuple(t.value for t in triggers)


# Module failures to act on; a rejected input (`error` raised as InputRejected) is never retried.
DEFAULT_POLICIES: dict[str, PolicyDoc] = {
    # scans and images have no text layer: OCR reads them, in worker processes (see below)
    "text": PolicyDoc(
        "text.ocr",
        _words(Trigger.ERROR, Trigger.TIMEOUT, Trigger.UNAVAILABLE, Trigger.EMPTY_OUTPUT),
        {
            "on_exhausted": OnExhausted.REVIEW.value,
            "fallback_settings": {"isolation": "process", "memory_limit_mb": 2048, "workers": 1},
        },
    ),
    # invoice2data's templates know a few hundred issuers; for the others, extract.learned reads
    # the printed page with the layout reader (blocks, headings, labels and their values) and
    # then with what reviews taught it about the issuer (exactly the layout reader without one)
    "extract": PolicyDoc(
        "extract.learned",
        _words(Trigger.ERROR, Trigger.TIMEOUT, Trigger.EMPTY_OUTPUT),
        {"on_exhausted": OnExhausted.REVIEW.value},
    ),
    # no time limit: the rules run in bounded time on size-bounded XML, and a limit would move
    # every call to a helper thread (a handoff that costs more than many a stage); `timeout`
    # stays a trigger, so a `timeout_s` an operator adds falls back at once; a module that
    # returns no findings at all (`empty_output`) falls back too
    "validate": PolicyDoc(
        "validate.basic",
        _words(
            Trigger.ERROR,
            Trigger.TIMEOUT,
            Trigger.UNAVAILABLE,
            Trigger.EMPTY_OUTPUT,
            Trigger.CONTRACT_VIOLATION,
        ),
        {"on_exhausted": OnExhausted.REVIEW.value},
    ),
}


def default_document() -> ConfigDocument:
    return ConfigDocument(
        summary="Default configuration created by `turnout init`",
        selections={stage: SelectionDoc(module) for stage, module in DEFAULT_SELECTIONS.items()},
        policies=dict(DEFAULT_POLICIES),
    )
