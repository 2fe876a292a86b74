"""JSON log lines: one per event, parseable, carrying run_id, config_version, stage, module,
attempt, outcome, duration_ms and error; skips at debug; warnings where an operator must look."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.observability import MetricsAndLogsObserver, TurnoutMetrics, get_logger, make_logger
from turnout.observability.logging import processors

T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _restore_structlog() -> Iterator[None]:
    yield
    structlog.reset_defaults()


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def logged(level: str = "INFO") -> tuple[MetricsAndLogsObserver, io.StringIO]:
    stream = io.StringIO()
    return MetricsAndLogsObserver(TurnoutMetrics(), make_logger(level, stream)), stream


def new_run(status: RunStatus = RunStatus.RUNNING) -> Run:
    return Run(
        run_id="5d0c",
        file_name="acme.pdf",
        config_id="c7",
        config_version=7,
        status=status,
        created_at=T0,
        started_at=T0,
        finished_at=T0 + dt.timedelta(milliseconds=125),
    )


def test_an_attempt_is_one_json_line_with_every_bound_field() -> None:
    obs, stream = logged()
    run = new_run()
    failed = StageAttempt(
        run.run_id, "text", "text.pdfium", 2, AttemptOutcome.FAILED, 12.3456, T0, "PdfiumError: x"
    )
    obs.attempt_finished(run, failed)
    [line] = lines(stream)
    assert line["event"] == "stage attempt"
    assert line["level"] == "info"
    assert {k: line[k] for k in ("run_id", "config_version", "stage", "module", "attempt")} == {
        "run_id": "5d0c",
        "config_version": 7,
        "stage": "text",
        "module": "text.pdfium",
        "attempt": 2,
    }
    assert line["outcome"] == "failed"
    assert line["duration_ms"] == 12.346
    assert line["error"] == "PdfiumError: x"
    assert dt.datetime.fromisoformat(line["timestamp"]).tzinfo is not None


def test_skipped_attempts_are_logged_at_debug_only() -> None:
    run = new_run()
    skip = StageAttempt(
        run.run_id, "einvoice", "einvoice.xml", 0, AttemptOutcome.SKIPPED, 0.0, T0, None,
        {"reason": "not applicable: no XML"},
    )  # fmt: skip
    quiet, quiet_stream = logged("INFO")
    quiet.attempt_finished(run, skip)
    assert quiet_stream.getvalue() == ""

    chatty, chatty_stream = logged("DEBUG")
    chatty.attempt_finished(run, skip)
    [line] = lines(chatty_stream)
    assert (line["level"], line["outcome"], line["stage"]) == ("debug", "skipped", "einvoice")
    assert line["reason"] == "not applicable: no XML"


def test_a_failed_run_is_a_warning_with_its_reason_and_a_completed_one_is_info() -> None:
    obs, stream = logged()
    failed = new_run(RunStatus.FAILED)
    failed.reason = "stage `intake` failed: encrypted PDF"
    obs.run_admitted(failed, 0.002)
    obs.run_finished(failed)
    obs.run_finished(new_run(RunStatus.COMPLETED))
    admitted, finished, completed = lines(stream)
    assert (admitted["event"], admitted["waited_ms"], admitted["file"]) == (
        "run admitted",
        2.0,
        "acme.pdf",
    )
    assert finished["level"] == "warning"
    assert finished["status"] == "failed"
    assert finished["error"] == "stage `intake` failed: encrypted PDF"
    assert finished["duration_ms"] == 125.0
    assert (completed["level"], completed["status"]) == ("info", "completed")


def test_breaker_opening_and_module_substitution_are_warnings() -> None:
    obs, stream = logged()
    obs.breaker_changed("text", "text.pdfium", "open")
    obs.breaker_changed("text", "text.pdfium", "closed")
    obs.module_substituted("text", "text.tesseract", "text.ocr", "tesseract is not installed")
    obs.gate_changed(True, 8)
    obs.activation_switched(8, 0.5)
    opened, closed, substituted, paused, switched = lines(stream)
    assert (opened["level"], opened["state"], opened["module"]) == (
        "warning",
        "open",
        "text.pdfium",
    )
    assert closed["level"] == "info"
    assert substituted["level"] == "warning"
    assert substituted["replacement"] == "text.ocr"
    assert substituted["error"] == "tesseract is not installed"
    assert paused["event"].startswith("admission paused: new runs wait")
    assert (paused["level"], paused["pending_version"]) == ("warning", 8)
    assert (switched["config_version"], switched["waited_ms"]) == (8, 500.0)


def test_an_observer_given_no_logger_writes_to_structlogs_global_logger() -> None:
    stream = io.StringIO()
    structlog.configure(
        processors=processors(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.WriteLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    get_logger(component="runner").debug("hidden")
    MetricsAndLogsObserver(TurnoutMetrics()).gate_changed(False, None)
    (line,) = lines(stream)
    assert (line["event"], line["level"]) == ("admission resumed", "info")


def test_console_format_is_available_for_people_at_a_terminal() -> None:
    stream = io.StringIO()
    make_logger("INFO", stream, json=False).info("run finished", run_id="r1")
    assert "run finished" in stream.getvalue() and "run_id=r1" in stream.getvalue()


def test_an_unknown_level_is_refused_with_the_levels_to_use() -> None:
    with pytest.raises(ValueError, match="use one of debug, info, warning"):
        make_logger(level="loud")


def test_importing_observability_configures_nothing() -> None:
    code = "import structlog, turnout.observability;print(structlog.is_configured())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
