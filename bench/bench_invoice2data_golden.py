"""invoice2data's golden invoices: field accuracy and speed of Turnout against invoice2data itself.

On `../shared/corpora/invoice2data/compare` (each `<name>.pdf` with its expected `<name>.json`)
it runs, in one process,
(a) Turnout: `text.pdfium` -> `extract.templates` (the module classes called directly; when no
    template matches the text layer, or there is none, the pages go through `text.ocr` and the
    templates again, when that module exists), and
(b) invoice2data's `extract_data` with its default input cascade (invoice2data 1.x: its pdfium
    backend, then pdftotext when the machine has it and pdfium's text matched no template —
    the line printed says which),
and scores both the way invoice2data's own tests compare their output with these files: every
key of the expected JSON is one field, equal when the JSON value equals the expected one (dates
as `%Y-%m-%d`). Turnout's fields are mapped back to invoice2data's names for that.

Prints `BENCH invoice2data_golden_fields <n>/<total>` (Turnout),
`BENCH invoice2data_reference_fields <n>/<total>` (invoice2data) and
`BENCH invoice2data_throughput_ratio <Turnout files/s / invoice2data files/s>` (medians of
interleaved blocks; each side's own result is timed, from the file to Turnout's `Fields` or
invoice2data's dict, not the mapping to the expected JSON that scoring needs), with each file's
time on both sides below it. The total counts the PDFs' fields (170); `Orlen.txt`, a text file,
is scored on its own line through `extract.templates` only. Targets (issue 4): >= 146/170, >= 2x.
A line also counts the template values at canonical paths that are looked for on the page
(`locate.kind_of`: not codes, not `extra.*`) and how many of them carry boxes (issue 14).

invoice2data's reference reads with pdftotext (poppler-utils), as in invoice2data's own tests:
the benchmark installs it with apt-get where it is missing and it may (root), else it says so.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import Document, DocumentKind, Fields, Text
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.extract.locate import kind_of
from turnout.modules.extract.template_fields import ALSO, CANONICAL, EXTRA, LIST_FIELDS
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
        fields = self.read(path)
        return {} if fields is None else as_invoice2data(fields)

    def read(self, path: Path) -> Fields | None:
        """Turnout's `Fields` for the file (what is timed), or None when a module rejected it."""
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
                return None
            # no template matched the text layer (or there is none): OCR the pages and try
            # the templates again, as invoice2data's own cascade ends with OCR
            artifacts = Artifacts([artifacts.require(Document)])
            self.ocr_read.add(path)
            try:
                for module in (self.ocr, self.extract):
                    self._run(module, artifacts, path)
            except InputRejected:
                return None
        return artifacts.require(Fields)

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
    """Turnout's `Fields` under invoice2data's names: `extra.*` as they are, canonical paths
    under CANONICAL's name, and under the other names of the same term (`ALSO`: the seller's
    legal registration is invoice2data's `partner_coc`, `siren` and `cin` alike) where no
    template value of that name was kept apart."""
    names = {path: name for name, path in CANONICAL.items()}
    out: dict[str, Any] = {}
    for path, field in fields.values.items():
        if path.startswith(EXTRA):
            out.setdefault(path.removeprefix(EXTRA), field.value)
    for path, field in fields.values.items():
        if path in names:
            out[names[path]] = field.value
    for name, path in ALSO.items():
        if path in fields.values:
            out.setdefault(name, fields.values[path].value)
    if fields.lines:
        for name in LIST_FIELDS:
            out[name] = list(fields.lines)
    return out


class Invoice2DataReader:
    """invoice2data's `extract_data` with its default cascade over its built-in templates."""

    def __init__(self) -> None:
        from invoice2data import extract_data
        from invoice2data.extract.loader import read_templates

        self._extract_data = extract_data
        self.templates = read_templates()
        # invoice2data's cascade leads with its pdfium backend and falls back to pdftotext
        # (poppler, a subprocess a file) when that is installed and pdfium's text matched no
        # template or lost a table
        self.backend = (
            "pdfium, then pdftotext" if shutil.which("pdftotext") else "pdfium (no pdftotext)"
        )
        # invoice2data memoizes each file's text by path and mtime, so a repeated read of the
        # same file would skip the PDF entirely; every read starts cold, as a new invoice would
        self._forget = getattr(
            importlib.import_module("invoice2data.input"), "_cached_to_text", None
        )

    def read(self, path: Path) -> dict[str, Any]:
        """invoice2data's result for the file (what is timed): its own types, {} for no match."""
        if self._forget is not None:
            self._forget.cache_clear()
        result: dict[str, Any] = self._extract_data(str(path), self.templates)
        return result

    def fields(self, path: Path) -> dict[str, Any]:
        """The result as invoice2data's tests compare it: the JSON output module's date format,
        then a JSON round trip."""
        from invoice2data.output.to_json import format_item

        data = {k: format_item(v, "%Y-%m-%d") for k, v in self.read(path).items()}
        loaded: dict[str, Any] = json.loads(json.dumps(data, default=str))
        return loaded


def _file_times(read: Callable[[Path], object], paths: list[Path]) -> list[int]:
    """Nanoseconds of `read` on each file, after a full collection."""
    gc.collect()
    times = []
    for path in paths:
        t0 = time.perf_counter_ns()
        read(path)
        times.append(time.perf_counter_ns() - t0)
    return times


def _seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - t0) / 1e9


def ensure_pdftotext() -> None:
    """The issue's reference is invoice2data with pdftotext (poppler-utils): install it from the
    system's package manager where it is missing and we may (root, apt-get), else say so."""
    if shutil.which("pdftotext") or os.geteuid() != 0 or not shutil.which("apt-get"):
        if not shutil.which("pdftotext"):
            print(
                "note: pdftotext is not installed (apt-get install poppler-utils); "
                "invoice2data's reference then reads with pdfium only"
            )
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (
        ["install", "-y", "-q", "poppler-utils"],
        ["update", "-q"],
        ["install", "-y", "-q", "poppler-utils"],
    ):
        subprocess.run(["apt-get", *args], env=env, capture_output=True, timeout=900, check=False)
        if shutil.which("pdftotext"):
            print("installed pdftotext (poppler-utils) for invoice2data's reference run")
            return


def main() -> int:
    if not COMPARE.is_dir():
        print(f"skipped: invoice2data corpus not found at {COMPARE}")
        return 0
    logging.getLogger("invoice2data").setLevel(logging.CRITICAL)
    ensure_pdftotext()
    cases = golden_cases()
    pdfs = [(path, want) for path, want in cases if path.suffix == ".pdf"]
    turnout = TurnoutReader()
    reference = Invoice2DataReader()
    print(
        f"invoice2data {_version()} reading with {reference.backend}; "
        f"Turnout OCR: {turnout.ocr is not None}"
    )
    totals = {"turnout": 0, "invoice2data": 0}
    boxed = {"looked for": 0, "with boxes": 0}  # canonical values the locator looks for
    for path, want in cases:
        fields = turnout.read(path)
        got = {} if fields is None else as_invoice2data(fields)
        mine, (ref_n, _) = score(want, got), score(want, reference.fields(path))
        counted = path.suffix == ".pdf"
        if counted:
            totals["turnout"] += mine[0]
            totals["invoice2data"] += ref_n
            for key, n in _boxed(fields).items():
                boxed[key] += n
        note = "" if counted else " (not counted: text file, extract.templates only)"
        print(
            f"  {path.name:28} Turnout {mine[0]:2}/{len(want):2}  invoice2data {ref_n:2}/"
            f"{len(want):2}  Turnout missed: {', '.join(mine[1]) or '-'}{note}"
        )
    print(
        f"template values at canonical paths that are looked for on the page: "
        f"{boxed['with boxes']}/{boxed['looked for']} carry boxes (the others are stated by "
        f"their template or not printed as read)"
    )
    # speed on the PDFs read from their text layer; OCR (seconds a page) is timed on its own
    timed = [path for path, _ in pdfs if path not in turnout.ocr_read]
    readers: dict[str, Callable[[Path], object]] = {
        "turnout": turnout.read,
        "invoice2data": reference.read,
    }
    # ns of each file in each block, the blocks interleaved; the scoring pass was the warm-up
    samples: dict[str, list[list[int]]] = {name: [] for name in readers}
    for _ in range(REPEATS):
        for name, read in readers.items():
            samples[name].append(_file_times(read, timed))
    block = {name: statistics.median(sum(b) for b in blocks) for name, blocks in samples.items()}
    speed = {name: len(timed) / (ns / 1e9) for name, ns in block.items()}
    print(
        f"files/s on the {len(timed)} text-layer PDFs (median of {REPEATS}): "
        f"Turnout {speed['turnout']:.1f}, invoice2data {speed['invoice2data']:.1f}"
    )
    # where invoice2data reads nothing it stops after the text: the same files, not the same work
    read_both = [i for i, path in enumerate(timed) if reference.read(path)]
    for i, path in enumerate(timed):
        mine, theirs = (statistics.median(b[i] for b in samples[n]) / 1e6 for n in readers)
        note = "" if i in read_both else "  (invoice2data returned {})"
        print(f"  {path.name:28} Turnout {mine:5.2f} ms  invoice2data {theirs:5.2f} ms{note}")
    both = {n: statistics.median(sum(b[i] for i in read_both) for b in samples[n]) for n in readers}
    print(
        f"on the {len(read_both)} files both read: Turnout/invoice2data throughput "
        f"{both['invoice2data'] / both['turnout']:.2f} (not the BENCH figure)"
    )
    for path in sorted(turnout.ocr_read):
        seconds = _seconds(lambda path=path: turnout.read(path))
        print(f"  {path.name}: text.ocr + extract.templates {seconds:.2f}s (not in the ratio)")
    total = sum(len(want) for _, want in pdfs)
    print(f"BENCH invoice2data_golden_fields {totals['turnout']}/{total}")
    print(f"BENCH invoice2data_reference_fields {totals['invoice2data']}/{total}")
    print(f"BENCH invoice2data_throughput_ratio {speed['turnout'] / speed['invoice2data']:.2f}")
    return 0


def _boxed(fields: Fields | None) -> dict[str, int]:
    """The file's canonical values the locator looks for (codes and `extra.*` are not), and
    those of them that carry the boxes of the words printing them."""
    values = {} if fields is None else fields.values
    looked = [f for path, f in values.items() if kind_of(path, f.value) is not None]
    return {"looked for": len(looked), "with boxes": sum(bool(f.boxes) for f in looked)}


def _version() -> str:
    from importlib.metadata import version

    return version("invoice2data")


if __name__ == "__main__":
    sys.exit(main())
