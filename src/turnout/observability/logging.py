"""Structured logs: one JSON line per event, bound to run_id, config_version, stage, module and
attempt.

Nothing is configured at import time. Each app makes its own logger with `make_logger()`, which
leaves structlog's global settings alone; an observer given no logger uses structlog's global one
(`get_logger()`). `make_logger()` builds a filtering logger: a call below the level returns at
once, before any processor runs or any line is formatted.
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
