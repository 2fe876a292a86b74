"""A skipped stage's kind is written into its attempt's reason once and read back from it, also
from an attempt stored before (a resumed run's restored stages)."""

from __future__ import annotations

import pytest

from turnout.domain.runs import SkipKind


@pytest.mark.parametrize("kind", list(SkipKind))
def test_the_reason_a_kind_writes_names_that_kind(kind: SkipKind) -> None:
    assert SkipKind.of(kind.reason("needs `text/v1`")) is kind


def test_stored_reasons_read_back_as_their_kind() -> None:
    assert SkipKind.of("no module selected (optional stage)") is SkipKind.NOT_SELECTED
    assert SkipKind.of("not applicable: not an e-invoice") is SkipKind.NOT_APPLICABLE
    assert SkipKind.of(
        "blocked: needs `text/v1`, not produced because stage `text` did not complete"
    ) is (SkipKind.BLOCKED)


@pytest.mark.parametrize("reason", [None, "", "skipped by policy after: timeout", "failed"])
def test_other_reasons_are_no_skip_kind(reason: str | None) -> None:
    assert SkipKind.of(reason) is None
