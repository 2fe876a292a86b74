"""PDFium from several threads at once: intake, text layer and rendering side by side never crash.

The hammering runs in a child process, so a segfault fails this test instead of killing pytest.
`HAMMER` is the child's program: four threads take the PDFs of a folder in turn and put each
through intake, the text layer and (every fourth) page rendering, as `turnout process
--concurrency 4` does; a collection now and then runs pypdfium2's finalizers on those threads.
With `unlocked` as its argument it swaps `PDFIUM_LOCK` for a lock that locks nothing: that
crashed (SIGSEGV or SIGABRT) in most tries, which is how this test was seen to fail.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from support.invoice_pdfs import write_invoice_pdfs
from support.pdfs import make_pdf

HAMMER = textwrap.dedent(
    """
    import gc, json, sys
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import nullcontext
    from pathlib import Path
    from turnout.domain.artifacts import Source
    from turnout.domain.errors import InputRejected
    from turnout.modules.intake import pdf_reader, standard
    from turnout.modules.intake.standard import StandardIntake
    from turnout.modules.text import pdfium_reader, rasterize
    from turnout.modules.text.pdfium_reader import read_pages
    from turnout.modules.text.rasterize import PixelBudget, pdf_pages

    if sys.argv[2] == "unlocked":
        for module in (pdf_reader, standard, pdfium_reader, rasterize):
            module.PDFIUM_LOCK = nullcontext()
    intake = StandardIntake()

    def one(item):
        index, path = item
        data = path.read_bytes()
        try:
            intake.identify(Source(filename=path.name, data=data))
            read_pages(data, 50)
            if index % 4 == 0:
                list(pdf_pages(data, 72, PixelBudget(50, 10**9, 10**12)))
            if index % 10 == 0:
                gc.collect()
            return "read"
        except InputRejected:
            return "rejected"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(one, enumerate(sorted(Path(sys.argv[1]).iterdir()))))
    print(json.dumps({k: outcomes.count(k) for k in ("read", "rejected")}))
    """
)


def hammer(folder: Path, lock: str = "locked") -> subprocess.CompletedProcess[str]:
    """Run the hammering program over `folder` in a child Python."""
    tests = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [sys.executable, "-c", HAMMER, str(folder), lock],
        cwd=tests,
        env={"PYTHONPATH": str(tests), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pdfium_from_four_threads_at_once_never_crashes(tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    write_invoice_pdfs(folder, 100)
    (folder / "scan.pdf").write_bytes(make_pdf(2, text=""))  # no text layer: rendered for OCR
    (folder / "truncated.pdf").write_bytes(make_pdf(2)[:400])  # damaged: rejected, not a crash
    for _ in range(2):
        result = hammer(folder)
        assert result.returncode >= 0, (
            f"the child died of {signal.Signals(-result.returncode).name}: {result.stderr[-2000:]}"
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert json.loads(result.stdout) == {"read": 101, "rejected": 1}
