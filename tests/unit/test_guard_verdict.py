"""`verdict`, the guard's one decision: edge cases of windows and limits."""

from __future__ import annotations

from turnout.domain.guard import (
    MIN_BASELINE_RUNS,
    Breach,
    Figures,
    GuardSpec,
    GuardStatus,
    limits,
    runs_missing,
    verdict,
)

CLEAN = Figures(runs=200, failed=2, review=20, fallback={"text": 10}, p95_ms=100.0)  # 1 %, 10 %


def test_a_runs_window_trips_as_soon_as_the_breach_is_certain() -> None:
    spec = GuardSpec(runs=50)  # failure limit 1 % + 2 = 3 % of 50 runs: at most 1 failure
    assert verdict(spec, CLEAN, Figures(runs=5, failed=1), None).status is None
    early = verdict(spec, CLEAN, Figures(runs=2, failed=2), None)
    assert early.status is GuardStatus.TRIPPED and not early.window_done
    assert [b.what for b in early.breaches] == ["failure_rate"]
    assert early.breaches[0].measured == 4.0  # 2 failures over the whole window of 50


def test_a_runs_window_within_the_limits_passes_at_its_last_run_only() -> None:
    spec = GuardSpec(runs=50)
    assert verdict(spec, CLEAN, Figures(runs=49, failed=1), None).status is None
    done = verdict(spec, CLEAN, Figures(runs=50, failed=1), None)
    assert done.status is GuardStatus.PASSED and done.window_done and not done.breaches


def test_a_time_window_with_too_few_runs_keeps_watching_until_it_has_min_runs() -> None:
    """Never passed with nothing to judge: a version failing every run must not slip through."""
    spec = GuardSpec(runs=None, minutes=5, min_runs=10)
    assert verdict(spec, CLEAN, Figures(runs=3, failed=3), 299.0).status is None
    assert verdict(spec, CLEAN, Figures(runs=3, failed=3), 300.0).status is None
    assert verdict(spec, CLEAN, Figures(), 6000.0).status is None
    assert runs_missing(spec, Figures(runs=3)) == 7
    late = verdict(spec, CLEAN, Figures(runs=10, failed=10), 9000.0)
    assert late.status is GuardStatus.TRIPPED and late.window_done
    ok = verdict(spec, CLEAN, Figures(runs=10), 9000.0)
    assert ok.status is GuardStatus.PASSED


def test_a_time_window_judges_its_runs_when_it_ends() -> None:
    spec = GuardSpec(runs=None, minutes=5, min_runs=10)
    bad = verdict(spec, CLEAN, Figures(runs=10, failed=1), 300.0)  # 10 % > 3 %
    assert bad.status is GuardStatus.TRIPPED and [b.what for b in bad.breaches] == ["failure_rate"]
    # before it ends, a time window trips on the rates observed once it has min_runs runs
    assert verdict(spec, CLEAN, Figures(runs=9, failed=9), 10.0).status is None
    early = verdict(spec, CLEAN, Figures(runs=10, failed=10), 10.0)
    assert early.status is GuardStatus.TRIPPED and not early.window_done
    assert [(b.what, b.measured) for b in early.breaches] == [("failure_rate", 100.0)]
    assert verdict(spec, CLEAN, Figures(runs=10, failed=0), 10.0).status is None


def test_the_first_of_runs_or_minutes_ends_the_window() -> None:
    spec = GuardSpec(runs=100, minutes=1, min_runs=5)
    assert verdict(spec, CLEAN, Figures(runs=20), 61.0).status is GuardStatus.PASSED


def test_p95_is_judged_at_the_window_end_as_a_ratio_of_the_baseline() -> None:
    spec = GuardSpec(runs=20, p95_ratio=2.0, p95_floor_ms=0)
    slow = Figures(runs=20, p95_ms=250.0)
    assert verdict(spec, CLEAN, Figures(runs=19, p95_ms=900.0), None).status is None
    found = verdict(spec, CLEAN, slow, None)
    assert found.status is GuardStatus.TRIPPED
    assert [(b.what, b.limit, b.measured) for b in found.breaches] == [("p95_ms", 200.0, 250.0)]
    assert verdict(spec, CLEAN, Figures(runs=20, p95_ms=200.0), None).status is GuardStatus.PASSED
    # no baseline p95 (no earlier runs): no p95 limit
    assert verdict(spec, Figures(), slow, None).status is GuardStatus.PASSED


def test_the_p95_limit_is_never_below_the_baseline_plus_its_floor() -> None:
    """Fast runs vary by milliseconds: twice 100 ms is no regression anyone feels."""
    spec = GuardSpec(runs=20, p95_ratio=2.0)  # the default floor: 1000 ms
    assert verdict(spec, CLEAN, Figures(runs=20, p95_ms=1000.0), None).status is GuardStatus.PASSED
    found = verdict(spec, CLEAN, Figures(runs=20, p95_ms=1200.0), None)
    assert [(b.what, b.limit) for b in found.breaches] == [("p95_ms", 1100.0)]
    slow_base = Figures(runs=100, p95_ms=5000.0)  # then the ratio is the larger limit
    assert verdict(spec, slow_base, Figures(runs=20, p95_ms=9000.0), None).status is (
        GuardStatus.PASSED
    )
    assert GuardSpec.parse({"runs": 5, "p95_floor_ms": 0})[0] == GuardSpec(runs=5, p95_floor_ms=0)
    assert GuardSpec.parse({"runs": 5, "p95_floor_ms": -1})[0] is None
    assert GuardSpec.parse({"runs": float("inf")})[0] is None


def test_fallback_rates_are_limited_per_stage_against_that_stage_baseline() -> None:
    spec = GuardSpec(runs=20, fallback_rate_points=10)  # text: 5 % + 10; extract: 0 % + 10
    ok = Figures(runs=20, fallback={"text": 3, "extract": 2})  # 15 %, 10 %: at the limits
    assert verdict(spec, CLEAN, ok, None).status is GuardStatus.PASSED
    over = Figures(runs=20, fallback={"text": 3, "extract": 3})  # extract 15 % > 10 %
    found = verdict(spec, CLEAN, over, None)
    assert [b.what for b in found.breaches] == ["fallback_rate:extract"]


def test_review_rate_breach_and_an_empty_baseline() -> None:
    spec = GuardSpec(runs=10)
    found = verdict(spec, Figures(), Figures(runs=2, review=2), None)  # 20 % of 10 > 0 % + 10
    assert found.status is GuardStatus.TRIPPED
    assert [b.what for b in found.breaches] == ["review_rate"]


def test_a_baseline_of_too_few_runs_gives_absolute_limits() -> None:
    """A previous version that hardly ran is no reference: the points alone are the limits."""
    spec = GuardSpec(runs=20, p95_floor_ms=0)
    thin = Figures(
        runs=MIN_BASELINE_RUNS - 1, failed=10, review=10, fallback={"text": 10}, p95_ms=5.0
    )
    assert limits(spec, thin) == {"failure_rate": 2.0, "review_rate": 10.0}  # no p95 limit
    # 10 of 19 failed before (53 %): relative to that, 5 failures of 20 would pass
    found = verdict(
        spec, thin, Figures(runs=20, failed=5, fallback={"text": 5}, p95_ms=900.0), None
    )
    assert found.status is GuardStatus.TRIPPED
    assert [(b.what, b.baseline, b.limit) for b in found.breaches] == [
        ("failure_rate", 0.0, 2.0),
        ("fallback_rate:text", 0.0, 10.0),
    ]
    enough = Figures(runs=MIN_BASELINE_RUNS, failed=10)  # 50 %: relative limits again
    assert limits(spec, enough)["failure_rate"] == 52.0


def test_a_breach_says_in_words_what_its_figures_say() -> None:
    """Early, the bad runs so far over the whole window (not beside 100 % of the runs seen);
    at the window's end, the measured rate."""
    spec = GuardSpec(runs=20)
    early = verdict(spec, Figures(), Figures(runs=3, failed=3), None)
    assert early.status is GuardStatus.TRIPPED and not early.window_done
    assert str(early.breaches[0]) == (
        "failure_rate: 3 of the window's 20 runs failed already: at least 15.0 % of the "
        "window, over its limit 2.0 % (baseline 0.0 %)"
    )
    review = verdict(spec, Figures(), Figures(runs=3, review=3), None).breaches[0]
    assert "3 of the window's 20 runs went to review already" in str(review)
    ended = verdict(spec, Figures(), Figures(runs=20, failed=3), None)
    assert ended.window_done and str(ended.breaches[0]) == (
        "failure_rate: 15.0 % (3 of 20 run(s) failed), over its limit 2.0 % (baseline 0.0 %)"
    )
    stored = early.breaches[0].to_dict()
    assert stored["text"] == str(early.breaches[0])
    assert Breach.from_dict(stored) == early.breaches[0]
    old = {"what": "failure_rate", "baseline": 0.0, "limit": 2.0, "measured": 15.0}
    assert str(Breach.from_dict(old)).startswith("failure_rate: 15.0 %, over its limit 2.0 %")
