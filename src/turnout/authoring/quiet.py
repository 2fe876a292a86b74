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


# invoice2data logs an ERROR when a template's keywords match but a required field is missing:
# ordinary input, which `extract.templates` reports itself (the attempt's error names the fields)
_I2D_TEMPLATE_LOGGER = "invoice2data.extract.invoice_template"
_I2D_MISSING_FIELDS = "Unable to match all required fields"


class _NoMissingFieldsLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_I2D_MISSING_FIELDS)


def quiet_loggers(names: tuple[str, ...] = NOISY_LOGGERS) -> None:
    """Only errors of these loggers get through (and not invoice2data's missing-fields line). A
    package that sets its own level when it is imported (RapidOCR does) needs this again after
    that import."""
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)
    template_logger = logging.getLogger(_I2D_TEMPLATE_LOGGER)
    if not any(isinstance(f, _NoMissingFieldsLine) for f in template_logger.filters):
        template_logger.addFilter(_NoMissingFieldsLine())


def quiet_dependencies() -> None:
    """Both of the above: what the CLI and each worker process do first."""
    telemetry_off()
    quiet_loggers()
