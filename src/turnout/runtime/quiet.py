"""Third-party dependencies stay quiet and private: their log lines below ERROR are kept out of
Turnout's output (the CLI's progress display, a worker process's stderr), and their telemetry
is off. Turnout itself sends nothing anywhere; neither may what it imports."""

from __future__ import annotations

import logging
import os

# Loggers of dependencies that log warnings (or, RapidOCR's, every line down to DEBUG) on
# ordinary input: a template that does not match, a font pdfminer guesses, a model loaded.
NOISY_LOGGERS = (
    "invoice2data",
    "pdfminer",
    "onnxruntime",
    "RapidOCR",
    "OrtInferSession",
    "PIL",
    "camelot",
)

# Read when each package is imported (onnxruntime creates its telemetry queue in
# ~/.cache/Microsoft/DeveloperTools at import unless told not to), so set before any import.
TELEMETRY_OFF = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime (OneDS telemetry, its queue in $HOME)
    "HAYSTACK_TELEMETRY_ENABLED": "False",  # haystack-ai, used by a benchmark only
    "DO_NOT_TRACK": "1",  # the common convention other tools honour
}


def telemetry_off() -> None:
    """Turn off every dependency's telemetry in this process and the processes it starts."""
    os.environ.update(TELEMETRY_OFF)


def quiet_loggers(names: tuple[str, ...] = NOISY_LOGGERS) -> None:
    """Only errors of these loggers get through. A package that sets its own level when it is
    imported (RapidOCR does) needs this again after that import."""
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)


def quiet_dependencies() -> None:
    """Both of the above: what the CLI and each worker process do first."""
    telemetry_off()
    quiet_loggers()
