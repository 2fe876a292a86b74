"""Trial runs (`turnout config try V`): a configuration version run in shadow over the stored
source files of recent runs (or given files), compared invoice by invoice with what was recorded.

How a trial runs:
- on version V's own plan (`build_plan`), executed by a `PlanExecutor` of its own, with its own
  circuit breakers (a trial never opens production's), in the real workspace ($TURNOUT_HOME, so
  that a relative path such as `match.vendors`' `vendors_csv` reads the same file as in
  production), and with `RunContext.trial` set for every module: export modules build what they
  would deliver and deliver nothing (no file, no CSV row, no webhook request, not even a
  directory), and no built-in module writes anything else;
- with the invoice history as it was when the recorded run's dedupe stage looked (`HistoryAsOf`:
  only runs that had finished, without failing, before then are seen), so duplicate detection
  judges the same invoice the same way; vendors and issuer profiles are only read (nothing learns in a trial);
- nothing is stored as a run: no statistics, no duplicate-detection history. What is stored is
  the `Trial` (its progress every few runs, so a dashboard can poll it, then its report) and one
  audit event (action `trial`);
- a recorded run whose source file is no longer stored (deleted after `source_retention_days`,
  even while the trial runs) is skipped, and the report lists it under `skipped`.

A process runs one trial at a time, with a share of its run slots, and holds a lease on each
trial it holds; see `turnout.runtime.trial_capacity`.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import logging
import math
import re
import statistics
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import Source
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.errors import InvalidConfiguration, InvalidTransition, NotFound, RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.history import InvoiceHistory, PriorInvoice
from turnout.domain.installation import InstallationSettings
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.domain.stages import STAGES
from turnout.domain.trial import Trial, TrialScope, TrialStatus
from turnout.runtime.audit import record_event, run_audited, utcnow
from turnout.runtime.authorization import require_trier
from turnout.runtime.execution import DECIDING_STAGE, Executors, PlanExecutor, execute_or_fail
from turnout.runtime.leases import DEFAULT_LEASE_S, LeaseKeeper, holder_name
from turnout.runtime.plan import Plan, build_plan
from turnout.runtime.ports import ProcessIsolation, UnitOfWork
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.trial_capacity import RunSlots, TrialTurns, renew_trials
from turnout.runtime.validation import document_of, validate_document

log = logging.getLogger(__name__)

DEFAULT_LAST = 50  # runs a trial takes when told neither `last`, `since` nor files
MAX_RUNS = 5_000  # the most recorded runs one trial runs on (`last`, and `since` at most)
NAMED_FILES = 20  # given files named in a trial's event (then "and N more")
SETTLE_S = 2.0  # a run that ended this long before a lookup had surely been stored
SAVE_EVERY = 10  # progress is stored every this many runs (and at the end)
DELETED_MEANWHILE = (
    "its source file was deleted (source retention) after the trial chose the run; not tried"
)
INTAKE_MODULE = "intake.standard"
DEDUPE_STAGE = "dedupe"
DEFAULT_MAX_FILE_BYTES = 20_000_000  # intake.standard's default `max_bytes`
_SKIPPED_KEYS = frozenset({"provenance", "confidence", "boxes"})
_FAILED = (
    AttemptOutcome.FAILED,
    AttemptOutcome.REJECTED,
    AttemptOutcome.TIMEOUT,
    AttemptOutcome.CONTRACT_VIOLATION,
)
_DONE = (AttemptOutcome.OK, AttemptOutcome.FALLBACK)
_SINCE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """`24h`, `90m`, `7d`, `2w` before `now`, or an ISO time (`2024-10-15T08:00`, UTC when it
    names no zone). RequestError naming the accepted forms otherwise."""
    now = now or utcnow()
    match = _SINCE.fullmatch(text)
    if match is not None:
        amount = float(match.group(1))
        if amount <= 0:
            raise RequestError(f"since {text!r} is no time ago; give e.g. '24h', '90m' or '7d'")
        return now - dt.timedelta(seconds=amount * _UNIT_S[match.group(2).lower()])
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise RequestError(
            f"since {text!r} is neither a duration nor a time; give a duration such as '24h', "
            "'90m' or '7d', or an ISO time such as '2024-10-15T08:00'"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if when > now:
        raise RequestError(f"since {text!r} is in the future; give a time before now")
    return when


def trial_scope(
    last: int | None = None,
    since: str | None = None,
    files: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> TrialScope:
    """What a trial runs on, from what the CLI or the API was given: the last N runs (default
    50), the runs since a time, or given files; one of them only."""
    given = [name for name, value in (("last", last), ("since", since)) if value is not None]
    if files:
        given.append("files")
    if len(given) > 1:
        raise RequestError(
            f"give one of last, since or files, not {' and '.join(given)}; for example the "
            "last 50 runs alone"
        )
    if last is not None and last < 1:
        raise RequestError(
            f"last must be from 1 to {MAX_RUNS:,}, not {last}; for example the last 50 runs"
        )
    if last is not None and last > MAX_RUNS:
        raise RequestError(
            f"last {last:,} is more runs than a trial runs on ({MAX_RUNS:,} at most); give "
            f"last {MAX_RUNS} or fewer, or since for the runs of a time range (their newest "
            f"{MAX_RUNS:,})"
        )
    if files:
        return TrialScope(files=tuple(str(f) for f in files))
    if since is not None:
        return TrialScope(since=parse_since(since, now))
    return TrialScope(last=last if last is not None else DEFAULT_LAST)


class HistoryAsOf:
    """The invoice history as each recorded run saw it: for a trial run that replays a recorded
    run (same run id), only the runs that had finished (without failing) before that run's
    dedupe stage looked are seen (`looked_at`): not the run itself, not a run created after it,
    and not a sibling that was still running when it looked (two copies of one invoice run at
    the same time do not see each other). `cut` maps the replayed run ids to when they looked;
    other runs (given files never run) see the whole history.

    A run is stored a moment after it ends, and a lookup sees only stored runs: a run that
    ended less than `SETTLE_S` before the look may not have been seen. Such a run is seen only
    when the recorded run named it (`named`: the recorded run's decision, findings and reason
    as text, which name the run it was a duplicate of)."""

    def __init__(
        self,
        inner: InvoiceHistory,
        cut: dict[str, dt.datetime],
        named: dict[str, str] | None = None,
    ) -> None:
        self._inner = inner
        self._cut = cut
        self._named = named or {}

    def find(
        self,
        *,
        sha256: str | None,
        seller_key: str | None,
        invoice_number_key: str | None,
        issue_date: dt.date | None,
        payable: Decimal | None,
        exclude_run: str,
    ) -> list[PriorInvoice]:
        found = self._inner.find(
            sha256=sha256,
            seller_key=seller_key,
            invoice_number_key=invoice_number_key,
            issue_date=issue_date,
            payable=payable,
            exclude_run=exclude_run,
        )
        cut = self._cut.get(exclude_run)
        if cut is None:
            return found
        named = self._named.get(exclude_run, "")
        return [p for p in found if _seen(p, _aware(cut), p.run_id in named)]


def looked_at(run: Run) -> dt.datetime:
    """When a recorded run asked the invoice history: the start of its (first) dedupe attempt,
    else the run's start, else its creation."""
    for attempt in run.attempts:
        if attempt.stage_id == DEDUPE_STAGE and not attempt.summary.get("review_revision"):
            return attempt.started_at
    return run.started_at or run.created_at


def _seen(prior: PriorInvoice, cut: dt.datetime, named: bool) -> bool:
    """Whether a run looking at `cut` saw `prior`: created before, ended before (surely stored
    if it ended `SETTLE_S` before, else only if the looking run named it)."""
    if _aware(prior.created_at) >= cut:
        return False
    if prior.finished_at is None:  # an older store without the end: as created
        return True
    ended = _aware(prior.finished_at)
    return ended < cut and (named or ended < cut - dt.timedelta(seconds=SETTLE_S))


def outcome_text(run: Run) -> str:
    """A recorded run's decision, findings and reason as text (the runs they name)."""
    return json.dumps([run.decision, run.findings, run.reason], default=str)


@dataclass
class _Item:
    """One run of a trial: the recorded run it replays (None for a given file never run), the
    bytes, and what came of it."""

    file_name: str
    data: bytes | None  # a given file's bytes; a recorded run's are read when it runs
    recorded: Run | None
    refused: str | None = None  # a given file over intake's size limit: failed unread
    skipped: str | None = None  # why it was not tried (its source file was deleted meanwhile)
    after: Run | None = None


@dataclass
class _Prepared:
    trial: Trial
    config: ModuleConfiguration
    items: list[_Item] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {run_id, file, reason}


class TrialService:
    """Trials of configuration versions (see the module's docstring), one service per process.
    `concurrency` is the process's run slots (`Settings.workers`); `runner_holder` tells who
    holds this process's production runs (None while it has no runner), whose runs in flight
    the trial leaves their slots to (`turnout.runtime.trial_capacity`)."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        registry: ModuleRegistry,
        executors: Executors,
        *,
        concurrency: int,
        runner_holder: Callable[[], str | None] = lambda: None,
        lease_s: float = DEFAULT_LEASE_S,
        isolation: ProcessIsolation | None,
    ) -> None:
        self._uow = uow_factory
        self._registry = registry
        self._isolation = isolation  # starts `isolation: process` selections
        self._executors = executors
        self._history = executors.history
        self._now = executors.clock
        self._runner_holder = runner_holder
        self._turns = TrialTurns()
        self._slots = RunSlots(concurrency, self._production_in_flight)
        self._leases = LeaseKeeper(uow_factory, holder_name(), lease_s, renew_trials, noun="trial")
        self._threads: list[threading.Thread] = []

    # -- the interface -----------------------------------------------------------------------

    def run(
        self,
        version: int,
        scope: TrialScope,
        actor: str,
        on_progress: Callable[[Trial], None] | None = None,
    ) -> Trial:
        """Try `version` on `scope` in this thread and return the trial, done (or failed); it
        waits its turn behind a trial this process runs already."""
        prepared = self._prepare(version, scope, actor)
        return self._execute(prepared, on_progress)

    def start(self, version: int, scope: TrialScope, actor: str) -> Trial:
        """Check and store the trial, then run it on a background thread of this process;
        returns at once with the trial running (poll `get`). TrialsBusy when this process has
        as many trials waiting as it keeps."""
        prepared = self._prepare(version, scope, actor)
        thread = threading.Thread(
            target=self._execute,
            args=(prepared, None),
            name=f"turnout-trial-{prepared.trial.trial_id[:8]}",
            daemon=True,
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return _copy(prepared.trial)

    def get(self, trial_id: str) -> Trial:
        with self._uow() as uow:
            trial = uow.trials.get(trial_id)
        if trial is None:
            raise NotFound(f"trial {trial_id} does not exist; `GET /api/v1/trials` lists them")
        return trial

    def list(self, limit: int = 20) -> builtins.list[Trial]:
        """The newest trials first."""
        with self._uow() as uow:
            return uow.trials.list(limit)

    def wait(self, timeout_s: float | None = None) -> None:
        """Wait for the trials started in the background by this service (tests, shutdown)."""
        for thread in list(self._threads):
            thread.join(timeout_s)

    def slots(self) -> int:
        """How many trial runs this process runs at once at most: max(1, floor(share x slots))."""
        with self._uow() as uow:
            share = InstallationSettings.from_stored(uow.settings.all()).trial_share
        return max(1, math.floor(share * self._slots.slots))

    def reap(self) -> builtins.list[Trial]:
        """End `failed` the running trials whose process stopped (their lease expired), each
        with a failed `trial` event; what was ended. Called with the reaping of orphaned runs;
        it never raises (the next reap tries again)."""
        try:
            with self._uow() as uow:
                ended = uow.trials.reap(self._now())
                for trial in ended:
                    record_event(
                        uow,
                        uow.configurations.get(trial.version),
                        EventAction.TRIAL,
                        trial.actor,
                        EventResult.FAILED,
                        _event_message(trial),
                        self._now(),
                    )
                uow.commit()
        except Exception as exc:  # the database is away: the next reap tries again
            log.warning("reaping stopped trials failed: %s", exc)
            return []
        for trial in ended:
            log.warning(
                "reaped trial %s of version %s: %s", trial.trial_id, trial.version, trial.error
            )
        return ended

    def close(self) -> None:
        """Stop the heartbeat (trials still held keep their lease until it expires)."""
        self._leases.close()

    def _production_in_flight(self) -> int:
        holder = self._runner_holder()
        if holder is None:
            return 0
        with self._uow() as uow:
            return uow.trials.in_flight(holder)

    # -- preparing -----------------------------------------------------------------------------

    def _prepare(self, version: int, scope: TrialScope, actor: str) -> _Prepared:
        """Check who asks and what is tried, gather the runs, store the trial (running). A
        refusal is audited (action `trial`) and raised. The trial takes its place in this
        process's line of trials and its lease (the caller runs it, then both are let go)."""
        files = [(Path(f), _read_bounded(Path(f))) for f in scope.files]
        trial_id = str(uuid.uuid4())

        def act(uow: UnitOfWork) -> _Prepared:
            require_trier(uow, actor)
            config = _triable(uow, version, self._registry)
            self._turns.join(trial_id)
            try:
                prepared = self._gather(uow, config, trial_id, version, actor, scope, files)
            except BaseException:
                self._turns.leave(trial_id)
                raise
            self._leases.hold(trial_id)
            return prepared

        try:
            return run_audited(self._uow, EventAction.TRIAL, actor, act, version=version)
        except BaseException:
            self._leases.release(trial_id)
            self._turns.leave(trial_id)
            raise

    def _gather(
        self,
        uow: UnitOfWork,
        config: ModuleConfiguration,
        trial_id: str,
        version: int,
        actor: str,
        scope: TrialScope,
        files: builtins.list[tuple[Path, bytes | int]],
    ) -> _Prepared:
        """The runs to try, gathered and stored with the trial (running, held by this
        process)."""
        trial = Trial(
            trial_id=trial_id,
            version=version,
            actor=actor,
            scope=TrialScope(
                last=scope.last, since=scope.since, files=tuple(p.name for p, _ in files)
            ),
            created_at=self._now(),
        )
        prepared = _Prepared(trial, config)
        if files:
            prepared.items = self._given(uow, config, files)
        else:
            # the bytes of the runs are read one at a time as each runs, so a trial of
            # thousands of PDFs does not hold them all
            why = _pruned_reason(InstallationSettings.from_stored(uow.settings.all()))
            for run in uow.trials.recorded(scope, MAX_RUNS):
                if run.source_sha256 is None:
                    prepared.skipped.append(_skip(run.run_id, run.file_name, why))
                else:
                    prepared.items.append(_Item(run.file_name, None, run))
        trial.total = len(prepared.items)
        uow.trials.add(trial, holder=self._leases.holder, lease_s=self._leases.lease_s)
        return prepared

    def _given(
        self,
        uow: UnitOfWork,
        config: ModuleConfiguration,
        files: builtins.list[tuple[Path, bytes | int]],
    ) -> builtins.list[_Item]:
        limit = self._max_file_bytes(config)
        shas = {p: hashlib.sha256(d).hexdigest() for p, d in files if isinstance(d, bytes)}
        newest = uow.trials.newest_of_sources(sorted(set(shas.values())))
        items = []
        for path, data in files:
            size = data if isinstance(data, int) else len(data)
            recorded = newest.get(shas[path]) if path in shas else None
            if limit is not None and size > limit:
                why = (
                    f"stage `intake` failed: the file is {size:,} bytes, over the limit of "
                    f"{limit:,} (refused from its size, not read); raise the {INTAKE_MODULE} "
                    "setting `max_bytes` if such files are expected"
                )
                items.append(_Item(path.name, None, recorded, refused=why))
            else:
                assert isinstance(data, bytes)
                items.append(_Item(path.name, data, recorded))
        return items

    def _max_file_bytes(self, config: ModuleConfiguration) -> int | None:
        """The largest file the version's intake accepts, when it is the standard intake."""
        selection = config.selections.get("intake")
        if selection is None or selection.module_id != INTAKE_MODULE:
            return None
        if "max_bytes" in selection.settings:
            return int(selection.settings["max_bytes"])
        entry = self._registry.get(INTAKE_MODULE)
        schema = entry.cls.spec.settings_schema if entry is not None and entry.cls else {}
        default = schema.get("properties", {}).get("max_bytes", {}).get("default")
        return int(default) if default is not None else DEFAULT_MAX_FILE_BYTES

    # -- running -------------------------------------------------------------------------------

    def _execute(self, prepared: _Prepared, on_progress: Callable[[Trial], None] | None) -> Trial:
        """Wait for this trial's turn, run it, store its end and its event; let go of its place
        in line and its lease."""
        trial = prepared.trial
        turned = False
        try:
            with self._turns.turn(trial.trial_id):
                turned = True  # its turn lets go of the lease itself, before its end is stored
                return self._execute_turn(prepared, on_progress)
        finally:
            if not turned:
                self._leases.release(trial.trial_id)

    def _execute_turn(
        self, prepared: _Prepared, on_progress: Callable[[Trial], None] | None
    ) -> Trial:
        trial = prepared.trial
        try:
            try:
                self._run_items(prepared, on_progress)
                trial.report = build_report(trial.version, prepared.items, prepared.skipped)
                trial.status = TrialStatus.DONE
            except Exception as exc:  # the trial could not run: said on the trial and the trail
                log.exception("trial %s of version %s failed", trial.trial_id, trial.version)
                trial.status = TrialStatus.FAILED
                trial.error = f"{type(exc).__name__}: {exc}"
            trial.finished_at = self._now()
        finally:
            # no more heartbeats once it ends: storing its end clears its lease, and a beat
            # between the two would take a trial that ended for one whose lease was lost (the
            # save itself checks that this process still holds it)
            self._leases.release(trial.trial_id)
        with self._uow() as uow:
            if not uow.trials.save(trial, held_by=self._leases.holder):
                # reaped while this process was stalled past its lease: the reaper's end holds
                stored = uow.trials.get(trial.trial_id)
                uow.rollback()
                log.warning(
                    "trial %s was ended by a reaper before it finished here (this process "
                    "stalled longer than its lease); its report is not stored",
                    trial.trial_id,
                )
                return stored or trial
            record_event(
                uow,
                prepared.config,
                EventAction.TRIAL,
                trial.actor,
                EventResult.OK if trial.status is TrialStatus.DONE else EventResult.FAILED,
                _event_message(trial),
                self._now(),
            )
            uow.commit()
        if on_progress is not None:
            on_progress(_copy(trial))
        return trial

    def _run_items(self, prepared: _Prepared, on_progress: Callable[[Trial], None] | None) -> None:
        trial = prepared.trial
        recorded = [item.recorded for item in prepared.items if item.recorded is not None]
        cut = {run.run_id: looked_at(run) for run in recorded}
        named = {run.run_id: outcome_text(run) for run in recorded}
        history = HistoryAsOf(self._history, cut, named) if self._history is not None else None
        limit = self.slots()
        lock = threading.Lock()
        last_saved = [0]
        plan = build_plan(prepared.config, self._registry, isolation=self._isolation)
        try:
            # the real workspace: relative paths read what production reads; nothing is written
            # in it (RunContext.trial: exports build and deliver nothing)
            executor = self._executors.trial(history)

            def one(item: _Item) -> None:
                with self._slots.held(limit):
                    item.after = self._run_one(executor, plan, prepared.config, item)
                with lock:
                    trial.done += 1
                    if trial.done - last_saved[0] >= SAVE_EVERY:
                        last_saved[0] = trial.done
                        self._save_progress(trial)
                    if on_progress is not None:
                        on_progress(_copy(trial))

            with ThreadPoolExecutor(limit, thread_name_prefix="turnout-trial") as pool:
                list(pool.map(one, prepared.items))
        finally:
            plan.close()

    def _run_one(
        self, executor: PlanExecutor, plan: Plan, config: ModuleConfiguration, item: _Item
    ) -> Run:
        recorded = item.recorded
        run = Run(
            run_id=recorded.run_id if recorded is not None else f"trial-{uuid.uuid4().hex}",
            file_name=item.file_name,
            config_id=config.config_id,
            config_version=config.version,
            status=RunStatus.RUNNING,
            created_at=recorded.created_at if recorded is not None else self._now(),
            started_at=self._now(),
        )
        data = item.data
        if data is None and item.refused is None and recorded is not None:
            with self._uow() as uow:
                data = uow.sources.get(recorded.source_sha256 or "")
            if data is None:  # pruned after the trial chose the run: skipped, not a failure
                item.skipped = DELETED_MEANWHILE
        item.data = None  # not kept once run
        if item.refused is not None or item.skipped is not None or data is None:
            run.status = RunStatus.FAILED
            run.reason = item.refused
            run.finished_at = self._now()
            return run
        # as production's runs: a bug of ours fails the run, not the trial
        execute_or_fail(executor, run, plan, Source(filename=item.file_name, data=data), self._now)
        return run

    def _save_progress(self, trial: Trial) -> None:
        with self._uow() as uow:
            uow.trials.save(trial, held_by=self._leases.holder)
            uow.commit()


# -- the report --------------------------------------------------------------------------------


def build_report(
    version: int, items: Sequence[_Item], skipped: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The `config try --json` report: every run compared with its recorded run, and the
    recorded runs skipped (`skipped`: `[{run_id, file, reason}]`, their source file deleted)."""
    skipped = [
        *skipped,
        *(
            _skip(i.recorded.run_id if i.recorded else None, i.file_name, i.skipped)
            for i in items
            if i.skipped is not None
        ),
    ]
    items = [i for i in items if i.skipped is None]
    details: list[dict[str, Any]] = []
    status_changes: Counter[str] = Counter()
    decision_changes: Counter[str] = Counter()
    field_changes: Counter[str] = Counter()
    for item in items:
        after = item.after
        assert after is not None
        before = item.recorded
        status_before, decision_before = machine_outcome(before) if before else (None, None)
        status_after = str(after.status)
        decision_after = _outcome(after.decision)
        changes: list[dict[str, Any]] = []
        if before is not None:
            changes = field_differences(machine_invoice(before), after.invoice)
            if status_before != status_after:
                status_changes[f"{status_before}->{status_after}"] += 1
            if decision_before != decision_after:
                decision_changes[f"{decision_before}->{decision_after}"] += 1
            for change in changes:
                field_changes[change["field"]] += 1
        changed = before is not None and (
            bool(changes) or status_before != status_after or decision_before != decision_after
        )
        details.append(
            {
                "run_id": before.run_id if before is not None else None,
                "file": item.file_name,
                "changed": changed,
                "status_before": status_before,
                "status_after": status_after,
                "decision_before": decision_before,
                "decision_after": decision_after,
                "reasons_before": machine_reasons(before) if before is not None else [],
                "reasons_after": _reasons(after.decision)
                or ([after.reason] if after.reason else []),
                "reason_after": after.reason or "; ".join(_reasons(after.decision)) or None,
                "changes": changes,
            }
        )
    return {
        "version": version,
        "compared_with": "recorded",
        "runs": len(items),
        "changed_runs": sum(1 for d in details if d["changed"]),
        "status_changes": dict(status_changes.most_common()),
        "decision_changes": dict(decision_changes.most_common()),
        "field_changes": dict(field_changes.most_common()),
        "runs_detail": details,
        "skipped": skipped,
        "stages": stage_figures(
            [i.recorded for i in items if i.recorded is not None],
            [i.after for i in items if i.after is not None and i.refused is None],
        ),
    }


def machine_invoice(run: Run) -> dict[str, Any] | None:
    """The machine's reading of a recorded run: as first read when a person corrected it."""
    return run.machine_invoice if run.machine_invoice is not None else run.invoice


def machine_outcome(run: Run) -> tuple[str, str | None]:
    """The recorded run's status and the `route` stage's decision, as the machine left them. A
    run a person reviewed had waited for them: its machine status was needs_review, unless the
    route stage sent it there with a `review` decision (then it had completed)."""
    if not run.final_decision and not run.review_revision:
        return str(run.status), _outcome(run.decision)
    first = [a for a in run.attempts if not a.summary.get("review_revision")]
    routed = any(a.stage_id == DECIDING_STAGE and a.outcome in _DONE for a in first)
    if not routed:
        return str(RunStatus.NEEDS_REVIEW), None
    fallback = any(a.outcome is AttemptOutcome.FALLBACK for a in first)
    status = RunStatus.COMPLETED_WITH_FALLBACK if fallback else RunStatus.COMPLETED
    return str(status), "review"


def machine_reasons(run: Run) -> list[str]:
    """The reasons of the recorded run's decision as the rules gave them (a person's decision
    puts its own reason first: left out), else why the run waited for a person or failed."""
    decision = run.decision or {}
    reasons = _reasons(decision)
    if decision.get("decided_by") is not None:
        reasons = reasons[1:]
    if not reasons and run.reason and not run.final_decision:
        reasons = [run.reason]
    return reasons


def _reasons(decision: dict[str, Any] | None) -> list[str]:
    return [str(r) for r in (decision or {}).get("reasons") or ()]


def _outcome(decision: dict[str, Any] | None) -> str | None:
    return None if not decision else str(decision.get("outcome") or "") or None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """An invoice's values by dotted path (`seller.name`, `lines[2].net_amount`), leaves only,
    without provenance, confidence or boxes; empty lists and nulls are left out."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _SKIPPED_KEYS:
                continue
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{i}]"))
    elif value is not None and value != "":
        out[prefix] = value
    return out


def field_differences(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """`[{field, before, after}]` for every value that differs, in the invoice's order."""
    old, new = flatten(before or {}), flatten(after or {})
    paths = list(old) + [p for p in new if p not in old]
    return [
        {"field": p, "before": old.get(p), "after": new.get(p)}
        for p in paths
        if old.get(p) != new.get(p)
    ]


def stage_figures(before: Sequence[Run], after: Sequence[Run]) -> dict[str, dict[str, Any]]:
    """Per stage (pipeline order), before and after: the fallback rate and the failure rate in
    percent of the runs the stage ran in (not skipped), and the median time it took (ms)."""
    old = _per_stage(before, first_pass=True)
    new = _per_stage(after, first_pass=False)
    figures: dict[str, dict[str, Any]] = {}
    for stage in STAGES:
        sid = stage.stage_id
        if sid not in old and sid not in new:
            continue
        b, a = old.get(sid, _Figures()), new.get(sid, _Figures())
        figures[sid] = {
            "fallback_rate_before": b.rate(b.fallback),
            "fallback_rate_after": a.rate(a.fallback),
            "failure_rate_before": b.rate(b.failed),
            "failure_rate_after": a.rate(a.failed),
            "p50_ms_before": b.p50(),
            "p50_ms_after": a.p50(),
            "runs_before": b.runs,
            "runs_after": a.runs,
        }
    return figures


@dataclass
class _Figures:
    runs: int = 0
    fallback: int = 0
    failed: int = 0
    times: list[float] = field(default_factory=list)

    def rate(self, count: int) -> float | None:
        return None if not self.runs else round(100.0 * count / self.runs, 2)

    def p50(self) -> float | None:
        return None if not self.times else round(statistics.median(self.times), 3)


def _per_stage(runs: Sequence[Run], *, first_pass: bool) -> dict[str, _Figures]:
    figures: dict[str, _Figures] = {}
    for run in runs:
        by_stage: dict[str, list[StageAttempt]] = {}
        for attempt in run.attempts:
            if first_pass and attempt.summary.get("review_revision"):
                continue  # a review's continuation is not the machine's first reading
            by_stage.setdefault(attempt.stage_id, []).append(attempt)
        for sid, attempts in by_stage.items():
            if all(a.outcome is AttemptOutcome.SKIPPED for a in attempts):
                continue
            f = figures.setdefault(sid, _Figures())
            f.runs += 1
            f.fallback += any(a.outcome is AttemptOutcome.FALLBACK for a in attempts)
            f.failed += not any(a.outcome in _DONE for a in attempts) and any(
                a.outcome in _FAILED for a in attempts
            )
            f.times.append(sum(a.duration_ms for a in attempts))
    return figures


# -- helpers -----------------------------------------------------------------------------------


def _triable(uow: UnitOfWork, version: int, registry: ModuleRegistry) -> ModuleConfiguration:
    """The version to try: it exists, is not archived, and (a draft) has no problems."""
    config = uow.configurations.get(version)
    if config is None:
        raise NotFound(
            f"configuration version {version} does not exist; `turnout config history` lists "
            "the versions"
        )
    if config.status is ConfigStatus.ARCHIVED:
        raise InvalidTransition(
            f"version {version} is archived and cannot be tried; create it again "
            "(`turnout config export` then `turnout config create -f FILE`) to try it"
        )
    problems = validate_document(document_of(config), registry)
    if problems:
        raise InvalidConfiguration(
            problems,
            f"version {version} cannot be tried until its {len(problems)} problem(s) are fixed "
            "(fix them in the file, then `turnout config create -f FILE` again)",
        )
    return config


def _pruned_reason(settings: InstallationSettings) -> str:
    """Why a recorded run without a stored source file is skipped."""
    days = settings.source_retention_days
    if days is None:
        return "its source file is no longer stored; not tried"
    return (
        f"its source file was deleted after the retention (source_retention_days = {days}); "
        "not tried"
    )


def _skip(run_id: str | None, file_name: str, reason: str) -> dict[str, Any]:
    return {"run_id": run_id, "file": file_name, "reason": reason}


def _read_bounded(path: Path) -> bytes | int:
    """The file's bytes, or its size when it is over the largest file any trial reads (it is
    then refused from its size, unread, as intake refuses it)."""
    try:
        size = path.stat().st_size
        if size > DEFAULT_MAX_FILE_BYTES * 16:
            return size
        return path.read_bytes()
    except OSError as exc:
        raise RequestError(f"cannot read {path}: {exc.strerror or exc}; check the path") from exc


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _copy(trial: Trial) -> Trial:
    return Trial(
        trial_id=trial.trial_id,
        version=trial.version,
        actor=trial.actor,
        scope=trial.scope,
        created_at=trial.created_at,
        status=trial.status,
        finished_at=trial.finished_at,
        done=trial.done,
        total=trial.total,
        report=trial.report,
        error=trial.error,
    )


def _event_message(trial: Trial) -> str:
    what = f"tried version {trial.version} on {_ran_on(trial.scope)} (trial {trial.trial_id})"
    if trial.status is not TrialStatus.DONE or trial.report is None:
        return f"{what}: the trial failed: {trial.error}"
    r = trial.report
    skipped = len(r.get("skipped") or ())
    return (
        f"{what}: {r['runs']} run(s), {r['changed_runs']} changed, "
        f"{sum(r['status_changes'].values())} status change(s), "
        f"{sum(r['decision_changes'].values())} decision change(s), "
        f"{len(r['field_changes'])} field(s) changed"
        + (f", {skipped} skipped (source file deleted)" if skipped else "")
        + "; nothing was delivered or stored as a run"
    )


def _ran_on(scope: TrialScope) -> str:
    """What a trial ran on, for its event: the given files by name (the first
    `NAMED_FILES`, then how many more), else the runs it took."""
    if not scope.files:
        return scope.describe()
    names = ", ".join(scope.files[:NAMED_FILES])
    more = len(scope.files) - NAMED_FILES
    return f"{len(scope.files)} given file(s): {names}" + (f" and {more} more" if more > 0 else "")
