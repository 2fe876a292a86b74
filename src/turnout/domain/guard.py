"""Guarded activation: watch the first runs of a newly active version and roll back by itself
when they do clearly worse than the version before.

A guard has a window (the first `runs` runs on the version, or `minutes` after it became active,
whichever ends first) and limits relative to a baseline: the figures of the previous version's
last `baseline_runs` runs. Rates are compared in percentage points (`failure_rate_points: 2` lets
the failure rate rise from 1 % to 3 %, not more), the p95 run time as a ratio.

`verdict` is the one decision, pure: it trips as soon as the window's outcome is certain to break
a limit (a runs window: even if every run still to come went well; a time window: the rates
observed over at least `min_runs` runs), and otherwise decides when the window has ended. A time
window never passes with fewer than `min_runs` runs: it keeps watching until it has them.

A baseline of fewer than `MIN_BASELINE_RUNS` runs says nothing (a previous version that hardly
ran is no 0 % reference): the limits are then absolute, the points alone (failure rate at most
2 %), with no p95 limit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from turnout.domain.errors import Problem

GUARD_KEYS = {
    "runs": "the window: the first N runs on the version (default 50)",
    "minutes": "the window: T minutes after the version became active (optional)",
    "baseline_runs": "how many of the previous version's last runs make the baseline (default 200)",
    "failure_rate_points": "how many percentage points the failure rate may rise (default 2)",
    "review_rate_points": "how many percentage points the review rate may rise (default 10)",
    "fallback_rate_points": "how many points any stage's fallback rate may rise (default 10)",
    "p95_ratio": "how many times the baseline's p95 run time the p95 may be (default 2.0)",
    "p95_floor_ms": "the p95 limit is never below the baseline's p95 plus this (default 1000 ms)",
    "min_runs": "runs needed before a time window may decide (default 10)",
}

# a baseline of fewer runs than this is no baseline: the limits are absolute (the points alone)
MIN_BASELINE_RUNS = 20


@dataclass(frozen=True)
class GuardSpec:
    """The window and limits of a guard (a configuration's `guard:` block, or `--guard`)."""

    runs: int | None = 50
    minutes: float | None = None
    baseline_runs: int = 200
    failure_rate_points: float = 2.0
    review_rate_points: float = 10.0
    fallback_rate_points: float = 10.0
    p95_ratio: float = 2.0
    min_runs: int = 10
    # fast runs vary by milliseconds: a p95 twice as long as 20 ms is no regression anyone feels
    p95_floor_ms: float = 1000.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "minutes": self.minutes,
            "baseline_runs": self.baseline_runs,
            "failure_rate_points": self.failure_rate_points,
            "review_rate_points": self.review_rate_points,
            "fallback_rate_points": self.fallback_rate_points,
            "p95_ratio": self.p95_ratio,
            "min_runs": self.min_runs,
            "p95_floor_ms": self.p95_floor_ms,
        }

    @classmethod
    def parse(cls, data: Any, where: str = "guard") -> tuple[GuardSpec | None, list[Problem]]:
        """A spec from a `guard:` block (a mapping, or `true` for the defaults), with every
        problem found; (None, problems) when there are any."""
        if data is True:
            return cls(), []
        if not isinstance(data, Mapping):
            return None, [
                Problem(
                    None,
                    None,
                    f"`{where}` must be a mapping or `true`",
                    "e.g. `guard: {runs: 50, failure_rate_points: 2}`",
                )
            ]
        problems: list[Problem] = []
        unknown = sorted(str(k) for k in data if k not in GUARD_KEYS)  # YAML keys may be numbers
        for key in unknown:
            close = difflib.get_close_matches(key, list(GUARD_KEYS), n=1, cutoff=0.6)
            problems.append(
                Problem(
                    None,
                    None,
                    f"unknown key `{where}.{key}`"
                    + (f"; did you mean `{close[0]}`?" if close else ""),
                    "a guard has " + "; ".join(f"`{k}`: {v}" for k, v in GUARD_KEYS.items()),
                )
            )
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in GUARD_KEYS:
                continue
            integer = key in ("runs", "baseline_runs", "min_runs")
            zero_ok = key == "p95_floor_ms"
            if value is None and key in ("runs", "minutes"):
                values[key] = None
                continue
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(float(value))
                and (value >= 0 if zero_ok else value > 0)
                and (not integer or value == int(value))
            )
            if not ok:
                kind = "a whole number above 0" if integer else "a number above 0"
                kind = "a number of 0 or more" if zero_ok else kind
                problems.append(
                    Problem(None, None, f"`{where}.{key}` is {value!r}", f"give {kind}")
                )
                continue
            values[key] = int(value) if integer else float(value)
        spec = cls(**values)
        if spec.runs is None and spec.minutes is None:
            problems.append(
                Problem(
                    None,
                    None,
                    f"`{where}` has no window",
                    "give `runs` (the first N runs) or `minutes`, or both",
                )
            )
        return (None, problems) if problems else (spec, [])


@dataclass(frozen=True)
class Figures:
    """What a set of finished runs looked like: counts, and per stage how often a fallback ran."""

    runs: int = 0
    failed: int = 0
    review: int = 0  # went to a person: the review queue's runs (see the repository)
    fallback: Mapping[str, int] = field(default_factory=dict)  # stage_id -> runs using a fallback
    p95_ms: float | None = None  # the 95th percentile of the runs' duration (admitted to end)

    def rate(self, count: int) -> float:
        """`count` in percent of the runs (0 with no runs)."""
        return 100.0 * count / self.runs if self.runs else 0.0

    @property
    def failure_rate(self) -> float:
        return self.rate(self.failed)

    @property
    def review_rate(self) -> float:
        return self.rate(self.review)

    def fallback_rate(self, stage_id: str) -> float:
        return self.rate(self.fallback.get(stage_id, 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "failed": self.failed,
            "review": self.review,
            "failure_rate": round(self.failure_rate, 2),
            "review_rate": round(self.review_rate, 2),
            "fallback_rate": {s: round(self.fallback_rate(s), 2) for s in sorted(self.fallback)},
            "p95_ms": None if self.p95_ms is None else round(self.p95_ms, 1),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figures:
        runs = int(data.get("runs") or 0)
        rates = data.get("fallback_rate") or {}
        return cls(
            runs=runs,
            failed=int(data.get("failed") or 0),
            review=int(data.get("review") or 0),
            fallback={s: round(float(r) * runs / 100) for s, r in rates.items()},
            p95_ms=data.get("p95_ms"),
        )


def p95(durations_ms: Sequence[float]) -> float | None:
    """The 95th percentile (nearest rank) of `durations_ms`; None when empty."""
    if not durations_ms:
        return None
    ordered = sorted(durations_ms)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class GuardStatus(StrEnum):
    WATCHING = "watching"  # armed: counting the version's runs
    PASSED = "passed"  # the window ended within the limits
    TRIPPED = "tripped"  # a limit broke: the guard rolled back
    ENDED = "ended"  # the version stopped being active before the window ended (not judged)


# what a bad run of each rate did, in words ("3 of 20 runs failed")
_DID = {"failure_rate": "failed", "review_rate": "went to review"}


@dataclass(frozen=True)
class Breach:
    """One limit broken: what, the baseline, the limit, the measured value; for a rate, the bad
    runs (`count`) of the runs seen (`runs`), and `window` when the breach was certain before
    the window ended (the bad runs so far, counted over the whole window: `measured` is then
    the least the window's rate can be)."""

    what: str  # failure_rate | review_rate | fallback_rate:<stage> | p95_ms
    baseline: float
    limit: float
    measured: float
    count: int | None = None
    runs: int | None = None
    window: int | None = None

    @property
    def early(self) -> bool:
        """Certain before the window ended (a runs window whose runs are not all in yet)."""
        return self.window is not None and self.runs is not None and self.runs < self.window

    def _did(self) -> str:
        if self.what.startswith("fallback_rate:"):
            return f"used a fallback at {self.what.split(':', 1)[1]}"
        return _DID.get(self.what, "broke it")

    def __str__(self) -> str:
        unit = " ms" if self.what == "p95_ms" else " %"
        limit = f"over its limit {self.limit:.1f}{unit} (baseline {self.baseline:.1f}{unit})"
        if self.count is None or self.runs is None:
            return f"{self.what}: {self.measured:.1f}{unit}, {limit}"
        if self.early:
            return (
                f"{self.what}: {self.count} of the window's {self.window} runs {self._did()} "
                f"already: at least {self.measured:.1f} % of the window, {limit}"
            )
        return (
            f"{self.what}: {self.measured:.1f} % ({self.count} of {self.runs} run(s) "
            f"{self._did()}), {limit}"
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "what": self.what,
            "baseline": round(self.baseline, 2),
            "limit": round(self.limit, 2),
            "measured": round(self.measured, 2),
        }
        if self.count is not None:
            out.update(count=self.count, runs=self.runs, window=self.window)
        out["text"] = str(self)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Breach:
        return cls(
            what=str(data["what"]),
            baseline=float(data["baseline"]),
            limit=float(data["limit"]),
            measured=float(data["measured"]),
            count=data.get("count"),
            runs=data.get("runs"),
            window=data.get("window"),
        )


@dataclass
class Guard:
    """A guard on one version: armed at activation, decided once (passed, tripped or ended)."""

    guard_id: str
    config_id: str
    version: int
    previous_version: int | None  # the version active before: the baseline, and the rollback
    spec: GuardSpec
    baseline: Figures
    armed_by: str
    armed_at: dt.datetime
    status: GuardStatus = GuardStatus.WATCHING
    started_at: dt.datetime | None = None  # when the version became active (the window's start)
    decided_at: dt.datetime | None = None
    figures: Figures | None = None  # the window's figures when decided
    breaches: list[Breach] = field(default_factory=list)
    rollback_version: int | None = None  # the version the guard's rollback made
    message: str | None = None


@dataclass(frozen=True)
class Verdict:
    """What the guard decides now: None (keep watching), PASSED or TRIPPED, and why."""

    status: GuardStatus | None
    breaches: tuple[Breach, ...] = ()
    window_done: bool = False


def runs_missing(spec: GuardSpec, figures: Figures) -> int:
    """How many more runs a time window needs before it may decide (0: enough)."""
    return max(0, spec.min_runs - figures.runs)


def has_baseline(baseline: Figures) -> bool:
    """Whether `baseline` has enough runs to compare with (else the limits are absolute)."""
    return baseline.runs >= MIN_BASELINE_RUNS


def effective_baseline(baseline: Figures) -> Figures:
    """What the limits are relative to: `baseline`, or nothing (0 %) when it has too few runs."""
    return baseline if has_baseline(baseline) else Figures()


def fallback_limit(spec: GuardSpec, baseline: Figures, stage_id: str) -> float:
    """The limit of a stage's fallback rate, in percent."""
    return effective_baseline(baseline).fallback_rate(stage_id) + spec.fallback_rate_points


def limits(spec: GuardSpec, baseline: Figures) -> dict[str, float]:
    """The limit of each figure (rates in percent, p95 in ms) given the baseline (absolute limits
    when the baseline has fewer than `MIN_BASELINE_RUNS` runs)."""
    baseline = effective_baseline(baseline)
    out = {
        "failure_rate": baseline.failure_rate + spec.failure_rate_points,
        "review_rate": baseline.review_rate + spec.review_rate_points,
    }
    if baseline.p95_ms is not None:
        out["p95_ms"] = max(baseline.p95_ms * spec.p95_ratio, baseline.p95_ms + spec.p95_floor_ms)
    return out


def verdict(
    spec: GuardSpec, baseline: Figures, now_figures: Figures, elapsed_s: float | None
) -> Verdict:
    """Trip, pass or keep watching, from the runs finished on the version so far (with a runs
    window: its first `runs` finished runs).

    With a runs window, a rate limit trips as soon as it is certain: the bad runs so far, over the
    whole window, already exceed it. With a time window alone, the rates observed trip once at
    least `min_runs` runs finished. Otherwise the window's figures are judged when it ends (the
    N-th run, or `minutes` elapsed); a time window that ends with fewer than `min_runs` runs keeps
    watching until it has them (`runs_missing`)."""
    baseline = effective_baseline(baseline)
    window = spec.runs
    done_by_runs = window is not None and now_figures.runs >= window
    done_by_time = (
        spec.minutes is not None and elapsed_s is not None and elapsed_s >= spec.minutes * 60
    )
    lim = limits(spec, baseline)
    enough = now_figures.runs >= spec.min_runs
    if window is not None and not done_by_runs:
        certain = _rate_breaches(spec, baseline, now_figures, lim, over=window)
        if certain:
            return Verdict(GuardStatus.TRIPPED, tuple(certain))
    elif window is None and enough and not done_by_time:
        observed = _rate_breaches(spec, baseline, now_figures, lim, over=now_figures.runs)
        if observed:
            return Verdict(GuardStatus.TRIPPED, tuple(observed))
    if not (done_by_runs or done_by_time):
        return Verdict(None)
    if done_by_time and not done_by_runs and not enough:
        return Verdict(None)  # too few runs to judge: keep watching until there are min_runs
    breaches = _rate_breaches(spec, baseline, now_figures, lim, over=now_figures.runs)
    if "p95_ms" in lim and now_figures.p95_ms is not None and now_figures.p95_ms > lim["p95_ms"]:
        breaches.append(Breach("p95_ms", baseline.p95_ms or 0.0, lim["p95_ms"], now_figures.p95_ms))
    return Verdict(GuardStatus.TRIPPED if breaches else GuardStatus.PASSED, tuple(breaches), True)


def _rate_breaches(
    spec: GuardSpec, baseline: Figures, figures: Figures, lim: Mapping[str, float], over: int
) -> list[Breach]:
    """The rate limits broken when `figures`' bad runs are counted over `over` runs (the whole
    window, for a breach certain before it ends)."""

    def pct(count: int) -> float:
        return 100.0 * count / over if over else 0.0

    window = over if over != figures.runs else None

    def breach(what: str, base: float, limit: float, count: int) -> Breach:
        return Breach(what, base, limit, pct(count), count, figures.runs, window)

    out: list[Breach] = []
    for what, count, base in (
        ("failure_rate", figures.failed, baseline.failure_rate),
        ("review_rate", figures.review, baseline.review_rate),
    ):
        if pct(count) > lim[what]:
            out.append(breach(what, base, lim[what], count))
    for stage_id, count in sorted(figures.fallback.items()):
        base = baseline.fallback_rate(stage_id)
        limit = fallback_limit(spec, baseline, stage_id)
        if pct(count) > limit:
            out.append(breach(f"fallback_rate:{stage_id}", base, limit, count))
    return out
