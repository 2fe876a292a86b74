"""Failure isolation: a module's attempts in worker processes (`isolation: process`)."""

from turnout.runtime.isolation.module import ProcessIsolatedModule
from turnout.runtime.isolation.settings import (
    FRAMEWORK_SETTINGS_SCHEMA,
    RESERVED_SETTINGS,
    FrameworkSettings,
    Isolation,
    split_framework_settings,
    with_framework_settings,
)

__all__ = [
    "FRAMEWORK_SETTINGS_SCHEMA",
    "RESERVED_SETTINGS",
    "FrameworkSettings",
    "Isolation",
    "ProcessIsolatedModule",
    "split_framework_settings",
    "with_framework_settings",
]
