"""Structured logs: one JSON line per event, bound to run_id, config_version, stage, module and
attempt (PRODUCT.md section 7).

Nothing is configured at import time. An entry point calls `configure_logging()` once (calling it
again simply reconfigures); code that wants a private logger, such as a test capturing a stream or
a second app in the same process, uses `make_logger()`, which leaves structlog's global settings
alone. Both build a filtering logger: a call below the level returns at once, before any
processor runs or any line is formatted.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import FilteringBoundLogger, Processor

LOGGER_NAME = "turnout"


def level_number(level: str | int) -> int:
    """`"info"`, `"INFO"` or `logging.INFO` as the number structlog filters on."""
    if isinstance(level, int):
        return level
    number = logging.getLevelNamesMapping().get(level.upper())
    if number is None:
        raise ValueError(
            f"log level `{level}` is unknown; use one of debug, info, warning, error, critical"
        )
    return number


def processors(json: bool = True) -> list[Processor]:
    """The processor chain: context variables, level, UTC timestamp, then JSON (or console)."""
    chain: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if json:
        chain += [structlog.processors.dict_tracebacks, structlog.processors.JSONRenderer()]
    else:
        chain += [structlog.dev.ConsoleRenderer(colors=False)]
    return chain


def configure_logging(
    level: str | int = "INFO", stream: TextIO | None = None, json: bool = True
) -> None:
    """Send structlog's loggers to `stream` (default: `sys.stderr` at call time) as JSON lines
    (or readable console lines with `json=False`), dropping events below `level`."""
    structlog.configure(
        processors=processors(json),
        wrapper_class=structlog.make_filtering_bound_logger(level_number(level)),
        logger_factory=structlog.WriteLoggerFactory(file=stream or sys.stderr),
        # Not cached, so that configuring again takes effect; the observer binds its logger once.
        cache_logger_on_first_use=False,
    )


def make_logger(
    level: str | int = "INFO", stream: TextIO | None = None, json: bool = True
) -> FilteringBoundLogger:
    """A logger writing to `stream` with the same format, without touching global settings."""
    logger: FilteringBoundLogger = structlog.wrap_logger(
        structlog.WriteLogger(stream or sys.stderr),
        processors=processors(json),
        wrapper_class=structlog.make_filtering_bound_logger(level_number(level)),
    )
    return logger


def get_logger(**bound: Any) -> FilteringBoundLogger:
    """The `turnout` logger of the global configuration, with `bound` fields on every line."""
    logger: FilteringBoundLogger = structlog.get_logger(LOGGER_NAME)
    return logger.bind(**bound)


def run_logger(
    logger: FilteringBoundLogger,
    run_id: str,
    config_version: int,
    stage: str | None = None,
    module: str | None = None,
    attempt: int | None = None,
) -> FilteringBoundLogger:
    """`logger` bound to a run and, when given, the stage, module and attempt within it."""
    fields: dict[str, Any] = {"run_id": run_id, "config_version": config_version}
    if stage is not None:
        fields["stage"] = stage
    if module is not None:
        fields["module"] = module
    if attempt is not None:
        fields["attempt"] = attempt
    return logger.bind(**fields)
