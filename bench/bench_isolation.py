"""What `isolation: process` costs, side by side in one run, with a trivial module (`text.echo` of
tests/support/misbehaving_modules.py, which returns its input as text):

(a) inline: the plan's `InlineCall`, no time limit;
(b) inline with `timeout_s`: the same call on a helper thread;
(c) isolated with `timeout_s`: `ProcessIsolatedModule.process`, a pipe round trip to a warm worker;
(d) a worker's start: a fresh worker imports the module and warms it up (what an attempt after
    a killed worker may wait for, within its own time limit).

Prints `BENCH isolated_attempt_overhead_us` ((c) - (a) per attempt), `BENCH inline_timeout_
overhead_us` ((b) - (a)) and `BENCH isolated_worker_start_ms` (median of (d)). Medians of
BENCH_REPEATS blocks of BENCH_ATTEMPTS attempts, modes interleaved, after a warm-up round.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
for entry in (BENCH_DIR, BENCH_DIR.parent / "tests"):  # harness; the test modules
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from harness import interleaved_medians, median  # noqa: E402

from support.misbehaving_modules import EchoText  # noqa: E402
from turnout.domain.artifacts import Document, DocumentKind  # noqa: E402
from turnout.domain.modules import Artifacts, RunContext  # noqa: E402
from turnout.isolation import ProcessIsolatedModule  # noqa: E402
from turnout.runtime.plan import InlineCall  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", "2000"))
STARTS = int(os.environ.get("BENCH_STARTS", "5"))


def main() -> int:
    data = b"hello"
    digest = hashlib.sha256(data).hexdigest()
    inputs = Artifacts([Document("i.pdf", DocumentKind.PDF, "application/pdf", digest, 5, data)])
    context = RunContext("bench", 1, "text", "text.echo", Path("/tmp"))
    inline = InlineCall(EchoText({}))
    inline.warm_up()
    with ProcessIsolatedModule(EchoText, {}) as isolated:
        isolated.warm_up()
        samples = interleaved_medians(
            {
                "inline": (lambda: inline(inputs, context, None), ATTEMPTS),
                "inline_timeout": (lambda: inline(inputs, context, 10.0), ATTEMPTS),
                "isolated": (lambda: isolated.process(inputs, context, 10.0), ATTEMPTS),
            },
            REPEATS,
        )
    us = {name: median(s) / 1000 for name, s in samples.items()}
    for name, value in us.items():
        print(f"{name:>15}: median {value:8.2f} us/attempt ({REPEATS} blocks of {ATTEMPTS})")
    starts = [_start_s() for _ in range(STARTS)]
    print(f"worker start: {', '.join(f'{s * 1000:.0f}' for s in starts)} ms")
    print(f"BENCH isolated_attempt_overhead_us {us['isolated'] - us['inline']:.1f}")
    print(f"BENCH inline_timeout_overhead_us {us['inline_timeout'] - us['inline']:.1f}")
    print(f"BENCH isolated_worker_start_ms {statistics.median(starts) * 1000:.0f}")
    return 0


def _start_s() -> float:
    with ProcessIsolatedModule(EchoText, {}) as module:
        started = time.perf_counter()
        module.warm_up()
        return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
