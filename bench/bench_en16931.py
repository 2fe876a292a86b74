"""`make bench` entry for the EN 16931 conformance runner (bench/en16931_conformance.py).

Prints agreement with the official unit tests per rule, per family and overall, the false rejects
on the valid corpus examples, and `BENCH en16931_agreement_pct` / `BENCH en16931_invoices_per_s`.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    runner = Path(__file__).with_name("en16931_conformance.py")
    sys.exit(runpy.run_path(str(runner))["main"]())
