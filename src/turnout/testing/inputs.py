"""Inputs for a module's tests, made as the pipeline makes them."""

from __future__ import annotations

from pathlib import Path

from turnout.domain.artifacts import Document, Source
from turnout.modules.intake.standard import StandardIntake


def document_of(path: str | Path) -> Document:
    """The `Document` intake makes of the file at `path` (its kind, pages, text layer, embedded
    e-invoice), the input of a text or e-invoice module."""
    file = Path(path)
    return StandardIntake().identify(Source(file.name, file.read_bytes()))
