"""Failure isolation: a module's attempts in worker processes (`isolation: process`)."""

from turnout.runtime.isolation.module import ProcessIsolatedModule

__all__ = ["ProcessIsolatedModule"]
