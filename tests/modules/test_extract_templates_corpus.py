"""invoice2data's golden invoices through text.pdfium -> extract.templates (the benchmark's code).

For information only: the score is printed (run with `-s`), never asserted; the test asserts that
every golden file goes through without a crash — a file may be rejected, never more. OCR is left
out to keep the test fast (`bench/bench_invoice2data_golden.py` uses it).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "bench_invoice2data_golden.py"
COMPARE = ROOT.parent / "shared/corpora/invoice2data/compare"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not COMPARE.is_dir(), reason=f"invoice2data corpus not found at {COMPARE}"),
]


def bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_invoice2data_golden", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_golden_invoices_go_through_the_templates_without_a_crash() -> None:
    bench = bench_module()
    reader = bench.TurnoutReader(ocr=False)
    cases = bench.golden_cases(COMPARE)
    assert cases, f"no golden files in {COMPARE}"
    found = total = 0
    for path, expected in cases:
        got = reader.fields(path)
        assert isinstance(got, dict)
        n, _missed = bench.score(expected, got)
        found, total = found + n, total + len(expected)
    print(f"extract.templates without OCR: {found}/{total} golden fields")
