"""How reading an e-invoice scales with thousands of repeated or unknown siblings.

Four shapes (`tests/support/hostile_einvoices.py`): UBL and CII invoices with N payment means, and
with N elements no binding knows, read by einvoice.xml at N = 2,000 and 8,000. A reader linear in
their number takes about four times as long for four times the siblings; one that looks at every
sibling again for each (the first payment means, an extension's position) takes sixteen times
(16k UBL payment means once took 117 s). CPU time of the process, best of BENCH_ROUNDS readings.

Prints each shape's ratio and time, then `BENCH einvoice_sibling_scaling_ratio <worst ratio>`
(target below 8, linear about 4) and `BENCH einvoice_8k_siblings_seconds <worst time at 8,000>`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.hostile_einvoices import SHAPES
from turnout.domain.artifacts import Source
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake

SMALL, LARGE = 2_000, 8_000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def cpu_seconds(xml: str) -> float:
    document = StandardIntake().identify(Source("invoice.xml", xml.encode()))
    reader = XmlEInvoice({"max_bytes": 50_000_000})
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.process_time()
        reader.parse(document)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    ratios, largest = [], []
    for name, shape in SHAPES.items():
        small, large = cpu_seconds(shape(SMALL)), cpu_seconds(shape(LARGE))
        ratio = large / small if small > 0 else float("inf")
        ratios.append(ratio)
        largest.append(large)
        print(
            f"  {name}: {SMALL:,} in {small * 1000:.0f} ms, {LARGE:,} in {large * 1000:.0f} ms, ratio {ratio:.1f}"
        )
    print(f"BENCH einvoice_sibling_scaling_ratio {max(ratios):.1f}")
    print(f"BENCH einvoice_8k_siblings_seconds {max(largest):.2f}")


if __name__ == "__main__":
    main()
