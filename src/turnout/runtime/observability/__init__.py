"""Observability: Prometheus metrics and structlog JSON logs, fed by the runner's observer."""

from turnout.runtime.observability.logging import (
    configure_logging,
    get_logger,
    make_logger,
    run_logger,
)
from turnout.runtime.observability.metrics import TurnoutMetrics
from turnout.runtime.observability.observer import MetricsAndLogsObserver

__all__ = [
    "MetricsAndLogsObserver",
    "TurnoutMetrics",
    "configure_logging",
    "get_logger",
    "make_logger",
    "run_logger",
]
