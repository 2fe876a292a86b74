"""Observability: Prometheus metrics and structlog JSON logs, fed by the runner's observer."""

from turnout.observability.logging import get_logger, make_logger
from turnout.observability.metrics import TurnoutMetrics
from turnout.observability.observer import MetricsAndLogsObserver

__all__ = [
    "MetricsAndLogsObserver",
    "TurnoutMetrics",
    "get_logger",
    "make_logger",
]
