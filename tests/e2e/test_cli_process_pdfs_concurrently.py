"""`turnout process` on a folder of 100 PDFs with `--concurrency 4`, again and again, never crashes.

Four runs at once put PDFium on four threads (intake's text layer and attachments beside
`text.pdfium`'s text runs). Before PDFium was serialised this command died of SIGSEGV in 4 of 5
tries on this folder; each try here is a fresh `turnout` process, as an operator's would be.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from support.invoice_pdfs import write_invoice_pdfs

TURNOUT = Path(sys.executable).parent / "turnout"
FINISHED = {"completed", "completed_with_fallback", "needs_review", "failed"}
TRIES = 3


def turnout(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TURNOUT_HOME": str(home), "COLUMNS": "200"}
    env.pop("TURNOUT_DATABASE_URL", None)  # SQLite in `home`: PDFium, not the database, is tested
    return subprocess.run(
        [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=300, cwd=home
    )


def test_hundred_pdfs_at_concurrency_four_never_crash(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", tmp_path / "pdfs"
    home.mkdir()
    names = {path.name for path in write_invoice_pdfs(folder, 100)}
    assert turnout(home, "init").returncode == 0
    for attempt in range(1, TRIES + 1):
        result = turnout(home, "process", str(folder), "--concurrency", "4", "--json")
        assert result.returncode >= 0, (
            f"try {attempt}: turnout process died of {signal.Signals(-result.returncode).name}: "
            f"{result.stderr[-2000:]}"
        )
        assert result.returncode == 0, f"try {attempt}: {result.stderr[-2000:]}"
        runs = json.loads(result.stdout)
        assert sorted(run["file"] for run in runs) == sorted(names), f"try {attempt}"
        # every text PDF read through the text layer, every tenth (Factur-X) from its XML
        assert Counter(run["status"] for run in runs) == {
            "completed_with_fallback": 90,
            "completed": 10,
        }, f"try {attempt}: {Counter(run['status'] for run in runs)}"
    listed = json.loads(turnout(home, "runs", "--limit", "1000", "--json").stdout)
    assert Counter(run["file"] for run in listed) == dict.fromkeys(names, TRIES)
    assert {run["status"] for run in listed} <= FINISHED
