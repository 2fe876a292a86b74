"""Every admission says who drains a pending activation while it waits (the lifecycle, or None
for nobody): a caller cannot forget it and leave the switch to others."""

from __future__ import annotations

import inspect

import pytest

from turnout.runtime.lifecycle import AdmissionGate


@pytest.mark.parametrize("method", ["admit", "admit_rerun", "admit_queued"])
def test_drain_is_a_required_keyword(method: str) -> None:
    drain = inspect.signature(getattr(AdmissionGate, method)).parameters["drain"]
    assert drain.kind is inspect.Parameter.KEYWORD_ONLY
    assert drain.default is inspect.Parameter.empty
