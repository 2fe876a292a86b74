"""Guarded activation (`turnout.domain.guard`): arming a guard when a version is activated, then
judging the version's first runs, rolling back by itself when a limit trips, and running again
the runs that failed on the version it rolled back (`GuardService`).

A guard is armed in the transaction that activates (or queues) its version, with the baseline
of the version active until then; its window starts when the version becomes active. A guard
whose version stops being active before its window ends is `ended` (not judged).
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.errors import RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.guard import (
    MIN_BASELINE_RUNS,
    Figures,
    Guard,
    GuardSpec,
    GuardStatus,
    Verdict,
    fallback_limit,
    has_baseline,
    limits,
    runs_missing,
    verdict,
)
from turnout.domain.installation import InstallationSettings
from turnout.domain.runs import Run, RunOrigin, RunStatus
from turnout.runtime.audit import Clock, record_event, run_audited, utcnow
from turnout.runtime.authorization import require_config_changer
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.ports import UnitOfWork

if TYPE_CHECKING:
    from turnout.runtime.configurations import ConfigurationService

log = logging.getLogger(__name__)


def requested_spec(
    config: ModuleConfiguration, runs: int | None = None, minutes: float | None = None
) -> GuardSpec:
    """The guard asked for with `--guard`: the version's own `guard:` block (else the defaults),
    with the part of the window given replaced (`--guard-minutes 30` keeps the block's `runs`).
    Without a block, a window given is the whole window (`--guard-minutes 30` alone: 30 minutes,
    not the default 50 runs as well)."""
    own = own_spec(config)
    if own is None:
        if runs is None and minutes is None:
            return GuardSpec()
        return GuardSpec(runs=runs, minutes=minutes)
    given: dict[str, Any] = {}
    if runs is not None:
        given["runs"] = runs
    if minutes is not None:
        given["minutes"] = minutes
    return replace(own, **given)


def own_spec(config: ModuleConfiguration) -> GuardSpec | None:
    """The version's `guard:` block, if it has one."""
    return GuardSpec.parse(dict(config.guard))[0] if config.guard else None


def arm(
    uow: UnitOfWork,
    config: ModuleConfiguration,
    previous_version: int | None,
    spec: GuardSpec,
    actor: str,
    now: dt.datetime,
    *,
    active_now: bool,
) -> Guard:
    """Store a watching guard on `config`, its baseline the last runs of `previous_version`."""
    baseline = (
        uow.guards.figures(previous_version, last=spec.baseline_runs)
        if previous_version is not None
        else Figures()
    )
    guard = Guard(
        guard_id=str(uuid.uuid4()),
        config_id=config.config_id,
        version=config.version,
        previous_version=previous_version,
        spec=spec,
        baseline=baseline,
        armed_by=actor,
        armed_at=now,
        started_at=now if active_now else None,
    )
    uow.guards.add(guard)
    return guard


def end_watching(uow: UnitOfWork, version: int, now: dt.datetime, why: str) -> Guard | None:
    """End (unjudged) the guard still watching `version`, if any: its version stopped being
    active before the window ended."""
    guard = uow.guards.for_version(version)
    if guard is None or guard.status is not GuardStatus.WATCHING:
        return None
    guard.status = GuardStatus.ENDED
    guard.decided_at = now
    guard.message = why
    return guard if uow.guards.decide(guard) else None


# -- after arming: judging, the rollback, re-runs, the webhook -------------------------------------

GUARD_ACTOR = "guard"
# failed runs re-run per batch (a tripped guard owes re-runs until none is left)
RERUN_BATCH = 500
# how long closing waits for a webhook still being sent
WEBHOOK_CLOSE_S = 10.0


class GuardWebhook(Protocol):
    """Announces a guard's rollback over HTTP (implemented outside the runtime): sends off the
    caller's path, with a short timeout and a retry, then tells `done` None (sent) or the error."""

    def send(
        self, url: str, payload: Mapping[str, Any], done: Callable[[str | None], None]
    ) -> None: ...

    def close(self, timeout_s: float) -> builtins.list[str]:
        """Wait (at most `timeout_s`) for the sends still going; the URLs of those that did not
        finish (their `done` was not called)."""
        ...


@dataclass(frozen=True)
class GuardView:
    """A guard with where it stands: progress through its window, the figures so far (or those
    it decided on), its limits and baseline."""

    guard: Guard
    figures: Figures
    limits: dict[str, float]
    elapsed_s: float | None  # since the window started (None: its activation is pending)

    @property
    def runs_seen(self) -> int:
        return self.figures.runs

    @property
    def window(self) -> int | None:
        return self.guard.spec.runs

    @property
    def absolute(self) -> bool:
        """No baseline (too few runs before): the limits are the points alone."""
        return not has_baseline(self.guard.baseline)

    @property
    def runs_missing(self) -> int:
        """Runs a time window still needs before it may decide (0 unless it is waiting)."""
        if self.guard.status is not GuardStatus.WATCHING or self.guard.spec.minutes is None:
            return 0
        return runs_missing(self.guard.spec, self.figures)

    @property
    def share(self) -> float:
        """How far through its window (runs or time, whichever is further), 0 to 1."""
        spec = self.guard.spec
        done = [self.runs_seen / spec.runs] if spec.runs else []
        if spec.minutes and self.elapsed_s is not None:
            done.append(self.elapsed_s / (spec.minutes * 60.0))
        return max(0.0, min(1.0, max(done, default=0.0)))

    @property
    def waiting(self) -> str | None:
        """What a watching guard waits for, in words, when its window's time is up."""
        left = self.time_left_s
        if self.runs_missing and left is not None and left <= 0:
            return (
                f"waiting for {self.runs_missing} more run(s): a time window decides with at "
                f"least {self.guard.spec.min_runs} runs"
            )
        return None

    @property
    def time_left_s(self) -> float | None:
        minutes = self.guard.spec.minutes
        if minutes is None or self.guard.status is not GuardStatus.WATCHING:
            return None
        if self.elapsed_s is None:
            return minutes * 60.0
        return max(0.0, minutes * 60.0 - self.elapsed_s)

    def to_dict(self) -> dict[str, Any]:
        g = self.guard
        return {
            "guard_id": g.guard_id,
            "version": g.version,
            "previous_version": g.previous_version,
            "status": g.status.value,
            "armed_by": g.armed_by,
            "armed_at": g.armed_at.isoformat(),
            "started_at": None if g.started_at is None else g.started_at.isoformat(),
            "decided_at": None if g.decided_at is None else g.decided_at.isoformat(),
            "window": {"runs": g.spec.runs, "minutes": g.spec.minutes},
            "runs_seen": self.runs_seen,
            "elapsed_s": None if self.elapsed_s is None else round(self.elapsed_s, 1),
            "time_left_s": None if self.time_left_s is None else round(self.time_left_s, 1),
            "spec": g.spec.to_dict(),
            "baseline": g.baseline.to_dict(),
            "figures": self.figures.to_dict(),
            "limits": {k: round(v, 2) for k, v in self.limits.items()},
            "fallback_rate_limits": {
                s: round(fallback_limit(g.spec, g.baseline, s), 2)
                for s in sorted(set(g.baseline.fallback) | set(self.figures.fallback))
            },
            "baseline_kind": "absolute" if self.absolute else "relative",
            "progress": round(self.share, 3),
            "runs_missing": self.runs_missing,
            "waiting": self.waiting,
            "breaches": [b.to_dict() for b in g.breaches],
            "rollback_version": g.rollback_version,
            "message": g.message,
        }


@dataclass(frozen=True)
class BatchRollback:
    """A guard that rolled back the version some runs of a batch ran on, and what became of
    the batch's failed runs on it: each is re-run once on the restored version."""

    guard: Guard
    failed: tuple[Run, ...]  # the batch's failed runs on the guarded version
    reruns: Mapping[str, Run]  # failed run id -> the run that re-runs it

    @property
    def restored(self) -> int:
        return self.guard.rollback_version or 0

    def text(self) -> str:
        """`guard rolled back version 2 → 3 after 5 runs; 4 failed run(s) re-run on version 3:
        4 completed`."""
        g = self.guard
        runs = g.figures.runs if g.figures is not None else 0
        out = f"guard rolled back version {g.version} → {self.restored} after {runs} run(s)"
        if not self.failed:
            return out
        statuses = Counter(str(r.status) for r in self.reruns.values())
        counts = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        out += f"; {len(self.reruns)} failed run(s) re-run on version {self.restored}"
        if counts:
            out += f": {counts}"
        left = len(self.failed) - len(self.reruns)
        if left:
            out += (
                f"; {left} not re-run yet (Turnout does it on the reaper's beat, or "
                "`turnout config guard --rerun` now)"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        g = self.guard
        return {
            "version": g.version,
            "rollback_version": g.rollback_version,
            "restored_version": g.previous_version,
            "after_runs": g.figures.runs if g.figures is not None else 0,
            "failed": len(self.failed),
            "rerun": len(self.reruns),
            "rerun_statuses": dict(Counter(str(r.status) for r in self.reruns.values())),
            "message": self.text(),
        }


class GuardService:
    """What happens to a guard after it is armed.

    `after_run` is called by the runner and the queue worker right after a run's end is stored;
    for a version without a guard (or whose guard passed or ended) it costs one indexed read,
    once per version and process. While a guard watches, it judges the version's finished runs
    (`verdict`); the decision is taken once across every process: under the lifecycle lock, a
    compare-and-set on the guard (`uow.guards.decide`) and, when it trips, Turnout's own rollback
    to the previous version (actor `guard`, forced), in one transaction.

    No invoice is lost: once a guard tripped, every failed run of its version is run again, once,
    on the restored version (a new run whose `rerun_of` is the failed run, unique in the database):
    the failed runs when it trips, and every run of the version that fails afterwards (in flight
    at the time). A queued run (`turnout submit`) is queued again with a job; a local run
    (`turnout process`, `turnout serve`) is run again by the process that sees it, from its
    stored source. The periodic tick (`tick`, on the reaper's beat) decides time windows on a quiet
    system and re-runs what a process that died left behind."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        configurations: ConfigurationService,
        *,
        clock: Clock = utcnow,
        observer: RunObserver | None = None,
        webhook: GuardWebhook | None = None,
        reader_factory: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        self._uow = uow_factory
        self._reader = reader_factory or uow_factory
        self._configurations = configurations
        self._now = clock
        self._observer: RunObserver = observer or NullObserver()
        self._webhook = webhook
        # versions with nothing left to do here: no guard, or a guard that passed or ended (a
        # guard is armed before any run of its version is admitted, so this never goes stale)
        self._settled: set[int] = set()
        self._rerun_local: Callable[[Run, bytes], Run | None] | None = None
        self._gauged: int | None = None  # the version whose progress this process last showed

    def bind_runner(self, rerun: Callable[[Run, bytes], Run | None]) -> None:
        """How this process runs a local run again (`Runner.rerun`)."""
        self._rerun_local = rerun

    # -- reading ------------------------------------------------------------------------------

    def status(self) -> GuardView | None:
        """The guard watching the active (or pending) version now, else the newest one (None
        when none was ever armed). A guard left watching a version that is neither active nor
        pending is shown as ended (the tick ends it)."""
        with self._reader() as uow:
            live = _live_versions(uow)
            watching = [g for g in uow.guards.watching() if g.version in live]
            guard = watching[0] if watching else next(iter(uow.guards.list(limit=1)), None)
            if guard is None:
                return None
            return self._view(uow, guard, live)

    def watching(self, version: int) -> bool:
        """Whether a guard watches `version` now (its window started or not)."""
        with self._reader() as uow:
            guard = uow.guards.for_version(version)
        return guard is not None and guard.status is GuardStatus.WATCHING

    def rollbacks_in(self, runs: Sequence[Run]) -> builtins.list[BatchRollback]:
        """The guards that rolled back a version some of `runs` ran on (a batch's), each with
        the batch's failed runs on that version and the runs that re-ran them."""
        versions = sorted({r.config_version for r in runs if r.config_version is not None})
        found: builtins.list[BatchRollback] = []
        with self._reader() as uow:
            for version in versions:
                guard = uow.guards.for_version(version)
                if guard is None or guard.rollback_version is None:
                    continue
                failed = tuple(
                    r for r in runs if r.config_version == version and r.status is RunStatus.FAILED
                )
                reruns = uow.guards.reruns_of([r.run_id for r in failed]) if failed else {}
                found.append(BatchRollback(guard, failed, reruns))
        return found

    def list(self, limit: int = 20) -> builtins.list[GuardView]:
        """The newest guards first, each with its figures."""
        with self._reader() as uow:
            live = _live_versions(uow)
            return [self._view(uow, g, live) for g in uow.guards.list(limit=limit)]

    def _view(self, uow: UnitOfWork, guard: Guard, live: builtins.set[int]) -> GuardView:
        if guard.status is GuardStatus.WATCHING and guard.version not in live:
            guard = replace(
                guard,
                status=GuardStatus.ENDED,
                message=f"version {guard.version} is neither active nor pending activation, so "
                "this guard watches nothing any more (not judged)",
            )
        if guard.status is GuardStatus.WATCHING or guard.figures is None:
            figures = uow.guards.figures(guard.version, first=guard.spec.runs)
        else:
            figures = guard.figures
        if guard.status is GuardStatus.WATCHING and guard.message is None:
            guard = replace(guard, message=watching_text(guard))
        return GuardView(guard, figures, limits(guard.spec, guard.baseline), self._elapsed(guard))

    # -- judging ------------------------------------------------------------------------------

    def after_run(self, run: Run) -> None:
        """A run's end is stored: judge its version's guard, re-run the run if its guard tripped
        and it failed. Never raises (the run is stored whatever happens here; the tick retries)."""
        version = run.config_version
        if version is None or version in self._settled:
            return
        try:
            with self._reader() as uow:
                guard = uow.guards.for_version(version)
            if guard is None or guard.status in (GuardStatus.PASSED, GuardStatus.ENDED):
                self._settled.add(version)
                self._observer.guard_gone(version)
                return
            if guard.status is GuardStatus.WATCHING:
                guard = self._judge(guard)
            if guard.status is GuardStatus.TRIPPED and run.status is RunStatus.FAILED:
                self._rerun(guard, [run])
        except Exception as exc:  # the database is away: the periodic tick judges and re-runs
            log.warning(
                "guard on version %s: judging after run %s failed: %s", version, run.run_id, exc
            )

    def check(self, version: int) -> Guard | None:
        """Judge the guard of `version` now (deciding when its window's outcome is known); the
        guard as it stands afterwards, None when the version has none."""
        with self._reader() as uow:
            guard = uow.guards.for_version(version)
        if guard is None or guard.status is not GuardStatus.WATCHING:
            return guard
        return self._judge(guard)

    def tick(self) -> None:
        """The periodic beat (the reaper's): judge the guards watching (a time window ends on a
        quiet system too), end a guard left watching a version no longer active or pending, and
        re-run the failed runs every tripped guard still owes (however long ago it tripped).
        Never raises: the next beat tries again."""
        try:
            self._tick()
        except Exception as exc:  # the database is away
            log.warning("judging the guards failed: %s", exc)

    def _tick(self) -> None:
        with self._reader() as uow:
            watching = uow.guards.watching()
            live = _live_versions(uow)
        for guard in watching:
            if guard.version not in live:
                self._end_orphan(guard)
            else:
                self._judge(guard)
        self._sweep()
        self._read_gauges()

    def _read_gauges(self) -> None:
        """Set the gauges from the database (whichever process decided or switched): the active
        version, the guard watching now and its progress, the trips ever recorded."""
        with self._reader() as uow:
            active = uow.configurations.pointers().active
            live = _live_versions(uow)
            watching = [
                g for g in uow.guards.watching() if g.version in live and g.started_at is not None
            ]
            trips = uow.guards.tripped()
            guarded: tuple[int, float] | None = None
            if watching:
                guard = watching[0]
                figures = uow.guards.figures(guard.version, first=guard.spec.runs)
                share = GuardView(guard, figures, {}, self._elapsed(guard)).share
                guarded = (guard.version, share)
        self._gauged = None if guarded is None else guarded[0]
        self._observer.guards_read(None if active is None else active.version, guarded, trips)

    def rerun_owed(self, actor: str) -> int:
        """Re-run by hand every failed run a tripped guard owes (`turnout config guard --rerun`);
        audited (a `guard` event by `actor` per guard it re-ran runs of). The number re-run."""
        run_audited(
            self._uow,
            EventAction.GUARD,
            actor,
            lambda uow: require_config_changer(uow, actor),
            clock=self._now,
        )
        if self._rerun_local is None:
            log.info("re-running by hand in a process that cannot run local files")
        total = 0
        owing = self._owing()
        if not owing:
            with self._uow() as uow:
                record_event(
                    uow,
                    None,
                    EventAction.GUARD,
                    actor,
                    EventResult.OK,
                    "re-run by hand: no tripped guard owes a re-run",
                    self._now(),
                )
                uow.commit()
        for guard in owing:
            done = self._rerun(guard)
            total += done
            with self._uow() as uow:
                with_left = uow.guards.failed_not_rerun(guard.version, limit=1)
                left = (
                    ""
                    if not with_left
                    else (
                        "; some are left: a local run whose source file is gone, or a process "
                        "that cannot run it (run `turnout config guard --rerun` where "
                        "`turnout process` runs)"
                    )
                )
                record_event(
                    uow,
                    uow.configurations.get(guard.version),
                    EventAction.GUARD,
                    actor,
                    EventResult.OK,
                    f"re-ran {done} failed run(s) of version {guard.version} on the restored "
                    f"version (guard tripped, rollback version {guard.rollback_version}){left}",
                    self._now(),
                )
                uow.commit()
        return total

    def close(self, timeout_s: float = WEBHOOK_CLOSE_S) -> None:
        """Wait (bounded) for webhook posts still being sent; audit those that did not finish."""
        if self._webhook is None:
            return
        for url in self._webhook.close(timeout_s):
            self._audit_webhook_failure(
                None, url, f"the process ended before it was sent (waited {timeout_s:g} s)"
            )

    def _owing(self) -> builtins.list[Guard]:
        with self._reader() as uow:
            return uow.guards.owing_reruns()

    def _sweep(self) -> None:
        """Re-run what every tripped guard still owes."""
        for guard in self._owing():
            self._rerun(guard)

    def _end_orphan(self, guard: Guard) -> None:
        """End a guard left watching a version that is neither active nor pending."""
        with self._uow() as uow:
            uow.lock_lifecycle()
            if guard.version in _live_versions(uow):
                return
            ended = end_watching(
                uow,
                guard.version,
                self._now(),
                f"version {guard.version} is neither active nor pending activation any more",
            )
            uow.commit()
        if ended is not None:
            self._observer.guard_gone(guard.version)

    def _elapsed(self, guard: Guard) -> float | None:
        if guard.started_at is None:
            return None
        return (self._now() - guard.started_at).total_seconds()

    def _judge(self, guard: Guard) -> Guard:
        """Judge a watching guard; decide when `verdict` says so. The guard as it stands."""
        if guard.started_at is None:
            return guard  # its activation is pending: the window has not started
        spec = guard.spec
        elapsed = self._elapsed(guard)
        with self._reader() as uow:
            figures = uow.guards.figures(guard.version, first=spec.runs)
        view = GuardView(guard, figures, {}, elapsed)
        self._observer.guard_progress(guard.version, figures.runs, spec.runs, view.share)
        self._gauged = guard.version
        found = verdict(spec, guard.baseline, figures, elapsed)
        if found.status is None:
            return guard
        return self._decide(guard, figures, found)

    def _decide(self, guard: Guard, figures: Figures, found: Verdict) -> Guard:
        """Take the decision once across processes; after it, announce and re-run."""
        now = self._now()
        with self._uow() as uow:
            uow.lock_lifecycle()
            decided = replace(
                guard,
                status=found.status or GuardStatus.PASSED,
                decided_at=now,
                figures=figures,
                breaches=list(found.breaches),
                message=None,
            )
            won = uow.guards.decide(decided)
            if won:
                self._settle(uow, decided)
                uow.commit()
        if not won:  # another process decided first: its decision stands
            self._observer.guard_gone(guard.version)
            with self._reader() as uow:
                latest = uow.guards.get(guard.guard_id)
            return latest if latest is not None else guard
        self._observer.guard_decided(decided)
        if decided.status is GuardStatus.TRIPPED:
            self._settled.discard(guard.version)
            self._announce(decided)
            self._rerun(decided)
        else:
            self._settled.add(guard.version)
        return decided

    def _settle(self, uow: UnitOfWork, decided: Guard) -> None:
        """Complete the decision in the deciding transaction: the rollback, or the pass."""
        config = uow.configurations.get(decided.version)
        if decided.status is GuardStatus.TRIPPED:
            self._roll_back(uow, decided, config)
            return
        decided.message = (
            f"guard on version {decided.version} passed: "
            f"{_figures_text(decided.figures or Figures())}; limits: {_limits_text(decided)}"
        )
        uow.guards.record_outcome(decided.guard_id, None, decided.message)
        record_event(
            uow,
            config,
            EventAction.GUARD,
            GUARD_ACTOR,
            EventResult.OK,
            decided.message,
            decided.decided_at or self._now(),
        )

    def _roll_back(self, uow: UnitOfWork, guard: Guard, config: ModuleConfiguration | None) -> None:
        """Turnout's own rollback to the version before, in the deciding transaction."""
        now = self._now()
        tripped = (
            f"guard on version {guard.version} tripped after "
            f"{guard.figures.runs if guard.figures else 0} run(s): {'; '.join(str(b) for b in guard.breaches)}; figures: "
            f"{_figures_text(guard.figures or Figures())}; limits: {_limits_text(guard)}"
        )
        by_hand = (
            f"version {guard.version} stays active: activate a version that works by hand, "
            "`turnout config activate V --force` (`turnout config history` lists them)"
        )
        if guard.previous_version is None:
            guard.message = (
                f"{tripped}; no version was active before it, so there is nothing to roll back "
                f"to: {by_hand}"
            )
            result = EventResult.FAILED
        else:
            try:
                rolled = self._configurations.rollback_in(
                    uow, guard.previous_version, GUARD_ACTOR, system=True, note=tripped
                )
            except RequestError as exc:
                guard.message = (
                    f"{tripped}; the rollback to version {guard.previous_version} was refused "
                    f"({exc}); {by_hand}"
                )
                result = EventResult.FAILED
            else:
                if rolled.status == "active":
                    guard.rollback_version = rolled.version
                    guard.message = (
                        f"{tripped}; rolled back: version {rolled.version} restores version "
                        f"{guard.previous_version}"
                    )
                    result = EventResult.OK
                else:
                    guard.message = (
                        f"{tripped}; the rollback to version {guard.previous_version} was "
                        f"{rolled.status}: {rolled.message}; {by_hand}"
                    )
                    result = EventResult.FAILED
        uow.guards.record_outcome(guard.guard_id, guard.rollback_version, guard.message)
        record_event(uow, config, EventAction.GUARD, GUARD_ACTOR, result, guard.message, now)

    # -- after a trip -------------------------------------------------------------------------

    def _rerun(self, guard: Guard, failed: Sequence[Run] | None = None) -> int:
        """Run each failed run of a tripped guard's version again, at most once each, once its
        rollback is in force (without one, they would run on the same version again): `failed`,
        else every one it owes, in batches until none is left (or none of the rest can be re-run
        here). How many were re-run (or queued again)."""
        if guard.rollback_version is None:
            return 0
        if failed is not None:
            return self._rerun_batch(guard, failed)
        total, skip = 0, 0
        while True:
            with self._reader() as uow:
                batch = uow.guards.failed_not_rerun(guard.version, RERUN_BATCH, skip=skip)
            if not batch:
                return total
            done = self._rerun_batch(guard, batch)
            total += done
            skip += len(batch) - done  # those left (no runner here, source gone) stay behind

    def _rerun_batch(self, guard: Guard, failed: Sequence[Run]) -> int:
        done = 0
        queued = [r for r in failed if r.origin is RunOrigin.QUEUE and r.source_sha256]
        local = [r for r in failed if r.origin is RunOrigin.LOCAL and r.source_sha256]
        if queued:
            done += self._requeue(queued)
        for run in local:
            if self._rerun_local is None:
                log.info(
                    "guard on version %d: failed run %s is re-run by a process that runs files",
                    guard.version,
                    run.run_id,
                )
                continue
            with self._reader() as uow:
                data = uow.sources.get(run.source_sha256 or "")
            if data is None:
                log.warning("failed run %s cannot be re-run: its source file is gone", run.run_id)
                continue
            try:
                self._rerun_local(run, data)
            except Exception as exc:  # the tick tries again
                log.warning("re-running failed run %s failed: %s", run.run_id, exc)
            else:
                done += 1
        return done

    def _requeue(self, failed: Sequence[Run]) -> int:
        """Queue a new run (with its job) for each failed queued run no run re-runs yet."""
        now = self._now()
        with self._uow() as uow:
            uow.lock_lifecycle()  # every re-run is inserted under this lock: checked, then added
            fresh: builtins.list[str] = []
            for run in failed:
                if uow.guards.rerun_by(run.run_id) is not None:
                    continue
                again = Run(
                    run_id=str(uuid.uuid4()),
                    file_name=run.file_name,
                    config_id=None,
                    config_version=None,
                    status=RunStatus.QUEUED,
                    created_at=now,
                    source_sha256=run.source_sha256,
                    origin=RunOrigin.QUEUE,
                    rerun_of=run.run_id,
                )
                uow.runs.add(again)
                fresh.append(again.run_id)
            if fresh:
                uow.jobs.defer(fresh)
            uow.commit()
        return len(failed)  # queued again now, or by another process already

    def _announce(self, guard: Guard) -> None:
        """Post a trip to the installation's webhook, if one is set (off this path): every trip,
        saying whether it rolled back (`rolled_back`; `event` guard_rollback or, when the
        rollback was refused or impossible, guard_tripped)."""
        if self._webhook is None:
            return
        with self._reader() as uow:
            url = InstallationSettings.from_stored(uow.settings.all()).guard_webhook_url
        if not url:
            return
        rolled_back = guard.rollback_version is not None
        payload = {
            "event": "guard_rollback" if rolled_back else "guard_tripped",
            "rolled_back": rolled_back,
            "version": guard.version,
            "restored_version": guard.previous_version,
            "rollback_version": guard.rollback_version,
            "figures": (guard.figures or Figures()).to_dict(),
            "baseline": guard.baseline.to_dict(),
            "limits": {k: round(v, 2) for k, v in limits(guard.spec, guard.baseline).items()},
            "breaches": [b.to_dict() for b in guard.breaches],
            "time": (guard.decided_at or self._now()).isoformat(),
            "message": guard.message,
        }

        def done(error: str | None) -> None:
            if error is None:
                log.info("guard trip of version %d posted to %s", guard.version, url)
                return
            self._audit_webhook_failure(guard.version, url, error)

        try:
            self._webhook.send(url, payload, done)
        except Exception as exc:
            done(f"{type(exc).__name__}: {exc}")

    def _audit_webhook_failure(self, version: int | None, url: str, error: str) -> None:
        what = "a guard's trip" if version is None else f"the guard's trip of version {version}"
        message = (
            f"{what} could not be posted to {url}: {error}; check the installation setting "
            "`guard_webhook_url` (`turnout settings`) and that the receiver is up; "
            "`turnout events --action guard` has the trip itself"
        )
        log.warning(message)
        try:
            with self._uow() as uow:
                config = None if version is None else uow.configurations.get(version)
                record_event(
                    uow,
                    config,
                    EventAction.GUARD,
                    GUARD_ACTOR,
                    EventResult.FAILED,
                    message,
                    self._now(),
                )
                uow.commit()
        except Exception as exc:
            log.warning("cannot audit the failed webhook: %s", exc)


def _figures_text(figures: Figures) -> str:
    parts = [
        f"{figures.runs} run(s)",
        f"failed {figures.failed} ({figures.failure_rate:.1f} %)",
        f"review {figures.review} ({figures.review_rate:.1f} %)",
    ]
    parts += [f"fallback at {s} {figures.fallback_rate(s):.1f} %" for s in sorted(figures.fallback)]
    if figures.p95_ms is not None:
        parts.append(f"p95 {figures.p95_ms:.0f} ms")
    return ", ".join(parts)


def _limits_text(guard: Guard) -> str:
    lim = limits(guard.spec, guard.baseline)
    parts = [
        f"failure rate <= {lim['failure_rate']:.1f} %",
        f"review rate <= {lim['review_rate']:.1f} %",
        f"fallback rate per stage <= baseline + {guard.spec.fallback_rate_points:g} points",
    ]
    if "p95_ms" in lim:
        parts.append(f"p95 <= {lim['p95_ms']:.0f} ms")
    if not has_baseline(guard.baseline):
        return ", ".join(parts) + f" ({no_baseline_text(guard)})"
    return ", ".join(parts) + f" (baseline: {_figures_text(guard.baseline)})"


def no_baseline_text(guard: Guard) -> str:
    """Why a guard's limits are absolute, in words."""
    why = (
        f"version {guard.previous_version} has {guard.baseline.runs} finished run(s), fewer "
        f"than {MIN_BASELINE_RUNS}"
        if guard.previous_version is not None
        else "no version was active before"
    )
    return f"no baseline: absolute limits, the points alone ({why})"


def watching_text(guard: Guard) -> str:
    """What a watching guard compares with, in words (its message until it decides)."""
    window = " or ".join(
        w
        for w in (
            f"the first {guard.spec.runs} runs" if guard.spec.runs else "",
            f"{guard.spec.minutes:g} minutes" if guard.spec.minutes else "",
        )
        if w
    )
    if not has_baseline(guard.baseline):
        lim = limits(guard.spec, guard.baseline)
        return (
            f"watching {window}; {no_baseline_text(guard)}: failure rate at most "
            f"{lim['failure_rate']:g} %, review rate at most {lim['review_rate']:g} %, fallback "
            f"rate per stage at most {guard.spec.fallback_rate_points:g} %"
        )
    return (
        f"watching {window}, against version {guard.previous_version}'s last "
        f"{guard.baseline.runs} runs"
    )


def _live_versions(uow: UnitOfWork) -> set[int]:
    """The versions a guard may watch: the active one and the one pending activation."""
    pointers = uow.configurations.pointers()
    return {c.version for c in (pointers.active, pointers.pending) if c is not None}
