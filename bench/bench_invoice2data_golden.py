"""invoice2data's golden invoices: field accuracy and speed of Turnout against invoice2data itself.

On `../shared/corpora/invoice2data/compare` (each `<name>.pdf` with its expected `<name>.json`)
it runs, in one process,
(a) Turnout: `text.pdfium` -> `extract.templates` (the module classes called directly; when no
    template matches the text layer, or there is none, the pages go through `text.ocr` and the
    templates again, when that module exists), and
(b) invoice2data's `extract_data` with its default input cascade (pdftotext when the machine has
    it, else invoice2data's own pdfium backend — the line printed says which),
and scores both the way invoice2data's own tests compare their output with these files: every
key of the expected JSON is one field, equal when the JSON value equals the expected one (dates
as `%Y-%m-%d`). Turnout's fields are mapped back to invoice2data's names for that.

Prints `BENCH invoice2data_golden_fields <n>/<total>` (Turnout),
`BENCH invoice2data_reference_fields <n>/<total>` (invoice2data) and
`BENCH invoice2data_throughput_ratio <Turnout files/s / invoice2data files/s>` (medians of
interleaved blocks). The total counts the PDFs' fields (170); `Orlen.txt`, a text file,
is scored on its own line through `extract.templates` only. Targets (issue 4): >= 146/170, >= 2x.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import logging
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import Document, DocumentKind, Fields, Text
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.extract.template_fields import CANONICAL, EXTRA, LIST_FIELDS
from turnout.modules.extract.templates import TemplateExtract
from turnout.modules.text.pdfium import PdfiumText

COMPARE = Path(__file__).resolve().parents[1].parent / "shared/corpora/invoice2data/compare"
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
OCR_MODULE = "turnout.modules.text.ocr"


def golden_cases(folder: Path = COMPARE) -> list[tuple[Path, dict[str, Any]]]:
    """Every PDF or text file of the folder with the first record of its expected JSON."""
    cases = []
    for path in sorted(folder.iterdir()):
        expected = path.with_suffix(".json")
        if path.suffix in (".pdf", ".txt") and expected.is_file():
            data = json.loads(expected.read_text(encoding="utf-8"))
            cases.append((path, data[0] if isinstance(data, list) else data))
    return cases


def score(expected: dict[str, Any], got: dict[str, Any]) -> tuple[int, list[str]]:
    """Fields equal to the expected ones (as invoice2data's tests compare them) and the misses."""
    missed = [key for key, want in expected.items() if not _same(want, got.get(key))]
    return len(expected) - len(missed), missed


def _same(want: Any, got: Any) -> bool:
    """Equal once `got` (Turnout's strings, or invoice2data's JSON) takes the expected type."""
    if got is None:
        return False
    if isinstance(want, list):
        rows = got if isinstance(got, list) else _json(got)
        return (
            isinstance(rows, list)
            and len(rows) == len(want)
            and all(_same(w, g) for w, g in zip(want, rows, strict=True))
        )
    if isinstance(want, dict):
        return isinstance(got, dict) and all(_same(v, got.get(k)) for k, v in want.items())
    try:
        if isinstance(want, bool) or isinstance(got, bool):
            return bool(want == got)
        if isinstance(want, int | float) and not isinstance(got, int | float):
            got = float(got) if isinstance(want, float) else int(got)
    except ValueError:
        return False
    return bool(want == got)


def _json(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


class TurnoutReader:
    """text.pdfium -> extract.templates, then text.ocr -> extract.templates when none matched."""

    def __init__(self, ocr: bool = True) -> None:
        self.text = PdfiumText()
        self.ocr = _ocr_module() if ocr else None
        self.extract = TemplateExtract()
        self.extract.warm_up()
        self.ocr_read: set[Path] = set()  # files whose fields came through OCR
        if self.ocr is not None:
            self.ocr.warm_up()

    def fields(self, path: Path) -> dict[str, Any]:
        """The invoice2data-named values Turnout read, or {} when a module rejected the file."""
        if path.suffix == ".txt":
            text = Text(pages=(path.read_text(encoding="utf-8"),), method="file")
            artifacts = Artifacts([text])
            modules: list[StageModule] = [self.extract]
        else:
            data = path.read_bytes()
            kind, media = DocumentKind.PDF, "application/pdf"
            artifacts = Artifacts([Document(path.name, kind, media, "0" * 64, len(data), data)])
            modules = [self.text, self.extract]
        try:
            for module in modules:
                self._run(module, artifacts, path)
        except InputRejected:
            if self.ocr is None or path.suffix == ".txt":
                return {}
            # no template matched the text layer (or there is none): OCR the pages and try
            # the templates again, as invoice2data's own cascade ends with OCR
            artifacts = Artifacts([artifacts.require(Document)])
            self.ocr_read.add(path)
            try:
                for module in (self.ocr, self.extract):
                    self._run(module, artifacts, path)
            except InputRejected:
                return {}
        return as_invoice2data(artifacts.require(Fields))

    @staticmethod
    def _run(module: StageModule, artifacts: Artifacts, path: Path) -> None:
        spec = module.spec
        context = RunContext("bench", 1, spec.stage_id, spec.module_id, path.parent)
        for artifact in module.process(artifacts, context):
            artifacts.add(artifact)


def _ocr_module() -> StageModule | None:
    if importlib.util.find_spec(OCR_MODULE) is None:
        return None
    module = importlib.import_module(OCR_MODULE)
    cls = getattr(module, "OcrText", None)
    return cls() if isinstance(cls, type) and issubclass(cls, StageModule) else None


def as_invoice2data(fields: Fields) -> dict[str, Any]:
    """Turnout's `Fields` under invoice2data's names (canonical paths mapped back, `extra.*`)."""
    names = {path: name for name, path in CANONICAL.items()}
    out: dict[str, Any] = {}
    for path, field in fields.values.items():
        if path.startswith(EXTRA):
            out.setdefault(path.removeprefix(EXTRA), field.value)
    for path, field in fields.values.items():
        if path in names:
            out[names[path]] = field.value
    if fields.lines:
        for name in LIST_FIELDS:
            out[name] = list(fields.lines)
    return out


def invoice2data_reader() -> tuple[Callable[[Path], dict[str, Any]], str]:
    """invoice2data's `extract_data` with its default cascade, and the backend it will use."""
    from invoice2data import extract_data
    from invoice2data.extract.loader import read_templates
    from invoice2data.output.to_json import format_item

    templates = read_templates()
    backend = "pdftotext" if shutil.which("pdftotext") else "its pdfium backend (no pdftotext)"
    # invoice2data memoizes each file's text by path and mtime, so a repeated read of the same
    # file would skip the PDF entirely; every read starts cold, as a new invoice would
    forget = getattr(importlib.import_module("invoice2data.input"), "_cached_to_text", None)

    def read(path: Path) -> dict[str, Any]:
        if forget is not None:
            forget.cache_clear()
        result = extract_data(str(path), templates)
        # the JSON output module's date format, then a JSON round trip, as its tests compare
        data = {k: format_item(v, "%Y-%m-%d") for k, v in result.items()}
        loaded: dict[str, Any] = json.loads(json.dumps(data, default=str))
        return loaded

    return read, backend


def _seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - t0) / 1e9


def main() -> int:
    if not COMPARE.is_dir():
        print(f"skipped: invoice2data corpus not found at {COMPARE}")
        return 0
    logging.getLogger("invoice2data").setLevel(logging.CRITICAL)
    cases = golden_cases()
    pdfs = [(path, want) for path, want in cases if path.suffix == ".pdf"]
    turnout = TurnoutReader()
    reference, backend = invoice2data_reader()
    print(f"invoice2data {_version()} with {backend}; Turnout OCR: {turnout.ocr is not None}")
    totals = {"turnout": 0, "invoice2data": 0}
    for path, want in cases:
        mine, (ref_n, _) = score(want, turnout.fields(path)), score(want, reference(path))
        counted = path.suffix == ".pdf"
        if counted:
            totals["turnout"] += mine[0]
            totals["invoice2data"] += ref_n
        note = "" if counted else " (not counted: text file, extract.templates only)"
        print(
            f"  {path.name:28} Turnout {mine[0]:2}/{len(want):2}  invoice2data {ref_n:2}/"
            f"{len(want):2}  Turnout missed: {', '.join(mine[1]) or '-'}{note}"
        )
    # speed on the PDFs read from their text layer; OCR (seconds a page) is timed on its own
    timed = [path for path, _ in pdfs if path not in turnout.ocr_read]
    samples: dict[str, list[float]] = {"turnout": [], "invoice2data": []}
    runs = {
        "turnout": lambda: [turnout.fields(p) for p in timed],
        "invoice2data": lambda: [reference(p) for p in timed],
    }
    for _ in range(REPEATS):  # interleaved blocks; the scoring pass above was the warm-up
        for name, run in runs.items():
            samples[name].append(_seconds(run))
    speed = {name: len(timed) / statistics.median(s) for name, s in samples.items()}
    print(
        f"files/s on the {len(timed)} text-layer PDFs (median of {REPEATS}): "
        f"Turnout {speed['turnout']:.1f}, invoice2data {speed['invoice2data']:.1f}"
    )
    for path in sorted(turnout.ocr_read):
        seconds = _seconds(lambda path=path: turnout.fields(path))
        print(f"  {path.name}: text.ocr + extract.templates {seconds:.2f}s (not in the ratio)")
    total = sum(len(want) for _, want in pdfs)
    print(f"BENCH invoice2data_golden_fields {totals['turnout']}/{total}")
    print(f"BENCH invoice2data_reference_fields {totals['invoice2data']}/{total}")
    print(f"BENCH invoice2data_throughput_ratio {speed['turnout'] / speed['invoice2data']:.2f}")
    return 0


def _version() -> str:
    from importlib.metadata import version

    return version("invoice2data")


if __name__ == "__main__":
    sys.exit(main())
