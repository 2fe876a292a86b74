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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.errors import RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.guard import Figures, Guard, GuardSpec, GuardStatus, Verdict, limits, verdict
from turnout.domain.installation import InstallationSettings
from turnout.domain.runs import Run, RunOrigin, RunStatus
from turnout.runtime.audit import Clock, record_event, utcnow
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.ports import UnitOfWork

if TYPE_CHECKING:
    from turnout.runtime.configurations import ConfigurationService

log = logging.getLogger(__name__)


def requested_spec(
    config: ModuleConfiguration, runs: int | None = None, minutes: float | None = None
) -> GuardSpec:
    """The guard asked for with `--guard`: the version's own `guard:` block (else the defaults),
    with the window given, if any."""
    spec = own_spec(config) or GuardSpec()
    if runs is not None or minutes is not None:
        spec = replace(spec, runs=runs, minutes=minutes)
    return spec


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
# A guard tripped within this long is looked at by the periodic tick for failed runs not re-run
# yet (a process that decided and died before re-running them, a local run no process re-ran).
RERUN_SWEEP_S = 3600.0


class GuardWebhook(Protocol):
    """Announces a guard's rollback over HTTP (implemented outside the runtime): sends off the
    caller's path, with a short timeout and a retry, then tells `done` None (sent) or the error."""

    def send(
        self, url: str, payload: Mapping[str, Any], done: Callable[[str | None], None]
    ) -> None: ...


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
                s: round(g.baseline.fallback_rate(s) + g.spec.fallback_rate_points, 2)
                for s in sorted(set(g.baseline.fallback) | set(self.figures.fallback))
            },
            "breaches": [b.to_dict() for b in g.breaches],
            "rollback_version": g.rollback_version,
            "message": g.message,
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

    def bind_runner(self, rerun: Callable[[Run, bytes], Run | None]) -> None:
        """How this process runs a local run again (`Runner.rerun`)."""
        self._rerun_local = rerun

    # -- reading ------------------------------------------------------------------------------

    def status(self) -> GuardView | None:
        """The guard watching now, else the newest one (None when none was ever armed)."""
        with self._reader() as uow:
            watching = uow.guards.watching()
            guard = watching[0] if watching else next(iter(uow.guards.list(limit=1)), None)
            if guard is None:
                return None
            return self._view(uow, guard)

    def watching(self, version: int) -> bool:
        """Whether a guard watches `version` now (its window started or not)."""
        with self._reader() as uow:
            guard = uow.guards.for_version(version)
        return guard is not None and guard.status is GuardStatus.WATCHING

    def list(self, limit: int = 20) -> builtins.list[GuardView]:
        """The newest guards first, each with its figures."""
        with self._reader() as uow:
            return [self._view(uow, g) for g in uow.guards.list(limit=limit)]

    def _view(self, uow: UnitOfWork, guard: Guard) -> GuardView:
        if guard.status is GuardStatus.WATCHING or guard.figures is None:
            figures = uow.guards.figures(guard.version)
        else:
            figures = guard.figures
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
        quiet system too), and re-run the failed runs a recently tripped guard left behind.
        Never raises: the next beat tries again."""
        try:
            self._tick()
        except Exception as exc:  # the database is away
            log.warning("judging the guards failed: %s", exc)

    def _tick(self) -> None:
        with self._reader() as uow:
            guards = uow.guards.list(limit=5)
        now = self._now()
        for guard in guards:
            if guard.status is GuardStatus.WATCHING:
                guard = self._judge(guard)
            if (
                guard.status is GuardStatus.TRIPPED
                and guard.rollback_version is not None
                and guard.decided_at is not None
                and (now - guard.decided_at).total_seconds() < RERUN_SWEEP_S
            ):
                with self._reader() as uow:
                    left = uow.guards.failed_not_rerun(guard.version)
                if left:
                    self._rerun(guard, left)

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
        if spec.runs is None and (spec.minutes is None or (elapsed or 0.0) < spec.minutes * 60):
            return guard  # a time window decides at its end only: nothing to count before
        with self._reader() as uow:
            figures = uow.guards.figures(guard.version)
        self._observer.guard_progress(guard.version, figures.runs, spec.runs)
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
            with self._reader() as uow:
                latest = uow.guards.get(guard.guard_id)
            return latest if latest is not None else guard
        self._observer.guard_decided(decided)
        if decided.status is GuardStatus.TRIPPED:
            self._settled.discard(guard.version)
            self._announce(decided)
            with self._reader() as uow:
                failed = uow.guards.failed_not_rerun(guard.version)
            self._rerun(decided, failed)
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
        if guard.previous_version is None:
            guard.message = (
                f"{tripped}; no version was active before it, so there is nothing to roll back "
                f"to: version {guard.version} stays active; activate a fixed version "
                "(`turnout config activate V`)"
            )
            result = EventResult.FAILED
        else:
            try:
                rolled = self._configurations.rollback_in(
                    uow, guard.previous_version, GUARD_ACTOR, system=True, note=tripped
                )
            except RequestError as exc:
                guard.message = (
                    f"{tripped}; the rollback to version {guard.previous_version} was refused: "
                    f"{exc}; version {guard.version} stays active: roll back by hand "
                    f"(`turnout config rollback {guard.previous_version}`)"
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
                        f"{rolled.status}: {rolled.message}; version {guard.version} stays active"
                    )
                    result = EventResult.FAILED
        uow.guards.record_outcome(guard.guard_id, guard.rollback_version, guard.message)
        record_event(uow, config, EventAction.GUARD, GUARD_ACTOR, result, guard.message, now)

    # -- after a trip -------------------------------------------------------------------------

    def _rerun(self, guard: Guard, failed: Sequence[Run]) -> None:
        """Run each failed run of a tripped guard's version again, at most once each, once its
        rollback is in force (without one, they would run on the same version again)."""
        if guard.rollback_version is None:
            return
        queued = [r for r in failed if r.origin is RunOrigin.QUEUE and r.source_sha256]
        local = [r for r in failed if r.origin is RunOrigin.LOCAL and r.source_sha256]
        if queued:
            self._requeue(queued)
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

    def _requeue(self, failed: Sequence[Run]) -> None:
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

    def _announce(self, guard: Guard) -> None:
        """Post the rollback to the installation's webhook, if one is set (off this path)."""
        if self._webhook is None or guard.rollback_version is None:
            return
        with self._reader() as uow:
            url = InstallationSettings.from_stored(uow.settings.all()).guard_webhook_url
        if not url:
            return
        payload = {
            "event": "guard_rollback",
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
                log.info("guard rollback of version %d posted to %s", guard.version, url)
                return
            message = (
                f"the guard's rollback of version {guard.version} could not be posted to {url}: "
                f"{error}; check the installation setting `guard_webhook_url` "
                "(`turnout settings`) and that the receiver is up"
            )
            log.warning(message)
            try:
                with self._uow() as uow:
                    config = uow.configurations.get(guard.version)
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

        try:
            self._webhook.send(url, payload, done)
        except Exception as exc:
            done(f"{type(exc).__name__}: {exc}")


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
    return ", ".join(parts) + f" (baseline: {_figures_text(guard.baseline)})"
