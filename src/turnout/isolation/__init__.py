"""Failure isolation: a module's attempts in worker processes (`isolation: process`).

The adapter behind the runtime's `ProcessIsolation` port: subprocess plumbing (launch, pipes,
resource limits, kill on timeout) that the service layer does not hold."""

from turnout.isolation.call import IsolatedCall
from turnout.isolation.module import ProcessIsolatedModule

__all__ = ["IsolatedCall", "ProcessIsolatedModule"]
