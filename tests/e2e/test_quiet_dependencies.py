"""Dependencies stay quiet and private: an OCR run through `turnout process` (text.ocr in its
worker processes, onnxruntime and RapidOCR loaded) leaves no telemetry in the user's home and
no third-party log lines on stderr."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pypdfium2
import pytest

from turnout.authoring.quiet import NOISY_LOGGERS, quiet_dependencies
from turnout.bootstrap import bundled_examples

TURNOUT = Path(sys.executable).parent / "turnout"
CHATTER = ("RapidOCR", "OrtInferSession", "onnxruntime", "invoice2data", "pdfminer")


def _scan(tmp_path: Path) -> Path:
    """A bundled text PDF rendered to a PNG: a scan, which only OCR can read."""
    source = next(p for p in bundled_examples() if p.name == "invoice-acme-en.pdf")
    pdf = pypdfium2.PdfDocument(source.read_bytes())
    try:
        image = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    target = tmp_path / "scan.png"
    image.save(target)
    return target


def test_an_ocr_run_leaves_no_telemetry_in_home_and_no_chatter(tmp_path: Path) -> None:
    user_home = tmp_path / "user"
    user_home.mkdir()
    env = {
        **os.environ,
        "HOME": str(user_home),
        "XDG_CACHE_HOME": str(user_home / ".cache"),
        "TURNOUT_HOME": str(tmp_path / "turnout"),
        "TURNOUT_ACTOR": "ann",
    }
    for name in ("TURNOUT_DATABASE_URL", "ORT_DISABLE_TELEMETRY", "DO_NOT_TRACK"):
        env.pop(name, None)
    scan = _scan(tmp_path)

    def turnout(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=180
        )

    assert turnout("init").returncode == 0
    done = turnout("process", str(scan), "--json")
    assert done.returncode in (0, 3), done.stderr
    [run] = json.loads(done.stdout)
    text = [s for s in run["stages"] if s["stage"] == "text"]
    # text.pdfium finds no text layer; text.ocr, its fallback, reads the scan
    assert ("text.ocr", "fallback") in [(s["module"], s["outcome"]) for s in text], text

    left = sorted(str(p.relative_to(user_home)) for p in user_home.rglob("*"))
    assert left == [], f"dependencies wrote into the user's home: {left}"
    noisy = [line for line in done.stderr.splitlines() if any(c in line for c in CHATTER)]
    assert noisy == [], "\n".join(noisy)


@pytest.fixture
def _levels() -> Iterator[None]:
    kept = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    for name, level in kept.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("_levels")
def test_dependency_warnings_are_dropped_and_their_errors_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quiet_dependencies()
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("invoice2data.extract.loader").warning("no template matched")
        logging.getLogger("pdfminer.pdfpage").warning("a font guessed")
        logging.getLogger("RapidOCR").info("model loaded")
        logging.getLogger("invoice2data").error("a template is broken")
        logging.getLogger("turnout.runtime").warning("ours still shows")
    assert [r.getMessage() for r in caplog.records] == ["a template is broken", "ours still shows"]
