"""The configuration lifecycle service: create, validate, activate, cancel, rollback.

Each public method is one action and leaves exactly one audit event, written in the same
transaction as the change it records. A refused action changes nothing and still leaves its event
(result `refused`). Status changes go through `turnout.domain.lifecycle` only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TypeVar

from turnout.domain.configuration import (
    ConfigStatus,
    FallbackPolicy,
    ModuleConfiguration,
    ModuleSelection,
)
from turnout.domain.errors import (
    ActivationPending,
    InvalidConfiguration,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Problem,
)
from turnout.domain.events import EventAction, EventResult
from turnout.domain.guard import GuardSpec, GuardStatus, has_baseline, limits
from turnout.domain.installation import InstallationSettings
from turnout.domain.lifecycle import Transition, check, how_to_use, transition
from turnout.runtime.audit import Clock, record_event, run_audited, utcnow
from turnout.runtime.authorization import (
    counted_approvers,
    may_approve,
    require_approver,
    require_config_changer,
)
from turnout.runtime.catalog import register_selected
from turnout.runtime.config_document import ConfigDocument
from turnout.runtime.guard import arm, end_watching, no_baseline_text, own_spec
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.results import (
    ActivationResult,
    ActivationStatus,
    ApprovalResult,
    CreateResult,
    ValidationReport,
)
from turnout.runtime.validation import document_of, reference_problems, validate_document

T = TypeVar("T")


class ConfigurationService:
    """Carries out lifecycle actions for an actor; the one place their rules live."""

    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], registry: ModuleRegistry, clock: Clock = utcnow
    ) -> None:
        self._uow = uow_factory
        self._registry = registry
        self._now = clock

    # -- actions -------------------------------------------------------------------------------

    def create(self, doc: ConfigDocument, actor: str) -> CreateResult:
        """Store `doc` as a new version and validate it at once: validated when every check
        passes, else a draft with all its problems listed. Refused (with every problem, in one
        answer) only when it names stages or modules that do not exist, which cannot be stored."""

        def act(uow: UnitOfWork) -> CreateResult:
            require_config_changer(uow, actor)
            problems = tuple(validate_document(doc, self._registry))
            if reference_problems(doc, self._registry):
                raise InvalidConfiguration(
                    list(problems), headline="cannot create the configuration"
                )
            register_selected(uow, self._registry, doc.module_ids())
            config = self._new_version(uow, doc, actor, ConfigStatus.DRAFT)
            if problems:
                message = _problem_text(
                    f"version {config.version} created as a draft with {len(problems)} "
                    "problem(s) to fix before it can be activated",
                    problems,
                )
            else:
                transition(config, Transition.VALIDATE, self._now())
                uow.configurations.save_status(config)
                message = f"version {config.version} created and validated"
            self._event(uow, config, EventAction.CREATE, actor, EventResult.OK, message)
            return CreateResult(config, problems)

        return self._run(EventAction.CREATE, actor, None, act)

    def delete(self, version: int, actor: str) -> ModuleConfiguration:
        """Archive a draft, validated or rejected version: hidden from lists, kept in the trail."""

        def act(uow: UnitOfWork) -> ModuleConfiguration:
            require_config_changer(uow, actor)
            config = self._get(uow, version)
            transition(config, Transition.ARCHIVE, self._now())
            uow.configurations.save_status(config)
            self._event(
                uow,
                config,
                EventAction.DELETE,
                actor,
                EventResult.OK,
                f"version {version} deleted (archived: hidden from lists, kept in the audit trail)",
            )
            return config

        return self._run(EventAction.DELETE, actor, version, act)

    def approve(self, version: int, actor: str) -> ApprovalResult:
        """Four eyes: approve a version for activation, as a maintainer who is not its author
        (an operator may not approve; refusals are audited)."""

        def act(uow: UnitOfWork) -> ApprovalResult:
            require_approver(uow, actor)
            config = self._get(uow, version)
            if config.status not in (ConfigStatus.DRAFT, ConfigStatus.VALIDATED):
                raise InvalidTransition(
                    f"version {version} is {config.status}; only a draft or validated version "
                    f"waits for approval: {how_to_use(config)}"
                )
            if actor == config.created_by:
                raise PermissionDenied(
                    f"`{actor}` wrote version {version}, so may not approve it: four eyes need "
                    "a second maintainer; ask another maintainer to run "
                    f"`turnout config approve {version}`"
                )
            again = not uow.configurations.approve(config.config_id, actor, self._now())
            message = (
                f"version {version} approved by {actor}"
                + (" (approved by them before)" if again else "")
                + f"; activate it: `turnout config activate {version}`"
            )
            self._event(uow, config, EventAction.APPROVE, actor, EventResult.OK, message)
            approvers = tuple(by for by, _ in uow.configurations.approvals(config.config_id))
            return ApprovalResult(version, approvers, message, again)

        return self._run(EventAction.APPROVE, actor, version, act)

    def validate(self, version: int, actor: str) -> ValidationReport:
        """Draft to validated when every check passes; otherwise it stays a draft, with reasons."""

        def act(uow: UnitOfWork) -> ValidationReport:
            require_config_changer(uow, actor)
            config = self._get(uow, version)
            again = config.status is ConfigStatus.VALIDATED  # checked again: still valid?
            if not again:
                check(config, Transition.VALIDATE)
            problems = tuple(validate_document(document_of(config), self._registry))
            if again:
                message = (
                    _problem_text(
                        f"version {version} was validated but no longer fits the installed "
                        "modules; activating it would reject it",
                        problems,
                    )
                    if problems
                    else f"version {version} is still valid"
                )
                result = EventResult.FAILED if problems else EventResult.OK
                self._event(uow, config, EventAction.VALIDATE, actor, result, message)
            elif problems:
                self._event(
                    uow,
                    config,
                    EventAction.VALIDATE,
                    actor,
                    EventResult.FAILED,
                    _problem_text(f"version {version} stays a draft", problems),
                )
            else:
                transition(config, Transition.VALIDATE, self._now())
                uow.configurations.save_status(config)
                self._event(
                    uow,
                    config,
                    EventAction.VALIDATE,
                    actor,
                    EventResult.OK,
                    f"version {version} is valid",
                )
            return ValidationReport(config.version, config.status, problems)

        return self._run(EventAction.VALIDATE, actor, version, act)

    def activate(
        self,
        version: int,
        actor: str,
        *,
        force: bool = False,
        guard: GuardSpec | None = None,
    ) -> ActivationResult:
        """Re-validate and activate: at once when no run is in flight, else pending.

        `force` switches now even with runs in flight (they finish on the version they were
        admitted under; no run mixes versions). It also forces a version already pending.
        `guard` (or the version's own `guard:` block) arms a guard on it. With four eyes on, a
        version no other maintainer approved is not activated: the request is recorded and the
        result is `awaiting_approval`."""

        def act(uow: UnitOfWork) -> ActivationResult:
            require_config_changer(uow, actor)
            config = self._get(uow, version)
            if not (force and config.status is ConfigStatus.PENDING):
                self._refuse_if_pending(uow, config)
            check(config, Transition.ACTIVATE)
            waiting = self._awaiting_approval(uow, config, actor)
            if waiting is not None:
                return waiting
            spec = guard or own_spec(config)
            return self._activate(
                uow, config, actor, EventAction.ACTIVATE, forced=force, guard=spec
            )

        return self._run(EventAction.ACTIVATE, actor, version, act)

    def rollback(
        self, version: int, actor: str, *, system: bool = False, note: str = ""
    ) -> ActivationResult:
        """New version n+1 copying `version`'s selections, settings and policies, activated; the
        version active now becomes rolled_back. A rollback needs no approval under four eyes
        (its event says so). `system` is for Turnout's own rollbacks (actor `guard`): no user
        role is checked, and the rollback switches at once (runs in flight finish on the version
        they started with), cancelling an activation pending behind it (audited: a `cancel` event
        by the same actor saying why). `note` is added to the event (a guard's measured figures).
        The copy does not carry `version`'s `guard:` block: a rollback arms no guard, and a
        block on it would show a guard that never watched (activate the copy with `--guard` to
        watch it)."""
        return self._run(
            EventAction.ROLLBACK,
            actor,
            version,
            lambda uow: self.rollback_in(uow, version, actor, system=system, note=note),
        )

    def rollback_in(
        self, uow: UnitOfWork, version: int, actor: str, *, system: bool = False, note: str = ""
    ) -> ActivationResult:
        """`rollback` inside a unit of work the caller holds (with the lifecycle lock taken) and
        commits: a guard decides and rolls back in one transaction. A refusal is raised
        (`RequestError`) and is the caller's to audit."""
        if not system:
            require_config_changer(uow, actor)
        target = self._get(uow, version)
        if not system:
            self._refuse_if_pending(uow, None)
        current = _single(uow.configurations.with_status(ConfigStatus.ACTIVE))
        if current is None:
            raise InvalidTransition(
                "no configuration is active, so there is nothing to roll back; activate a "
                "validated version with `turnout config activate <version>` "
                "(`turnout config history` lists them)"
            )
        if target.version == current.version:
            raise InvalidTransition(f"version {version} is the active version already")
        if target.status not in (ConfigStatus.SUPERSEDED, ConfigStatus.ROLLED_BACK):
            raise InvalidTransition(
                f"version {version} is {target.status} and was never the working configuration, "
                "so there is nothing to roll back to (a rollback goes back to a superseded or "
                f"rolled_back version); {how_to_use(target)}"
            )
        doc = document_of(target)
        summary = f"rollback to version {target.version}"
        copy = self._new_version(
            uow,
            ConfigDocument(summary, doc.selections, doc.policies, None),
            actor,
            ConfigStatus.DRAFT,
            rolled_back_from=target.version,
        )
        problems = tuple(validate_document(doc, self._registry))
        if problems:
            message = _problem_text(
                f"rollback to version {version} refused: version {copy.version} (its copy) is not valid "
                f"with today's modules; version {current.version} stays active",
                problems,
            )
            self._event(uow, copy, EventAction.ROLLBACK, actor, EventResult.REJECTED, message)
            return ActivationResult(copy.version, ActivationStatus.REJECTED, message, problems)
        transition(copy, Transition.VALIDATE, self._now())
        if system:
            self._cancel_pending(
                uow,
                actor,
                f"Turnout's own rollback to version {version} (by `{actor}`) takes over: "
                f"version {current.version} is rolled back",
            )
        extra = [note] if note else []
        if self._settings(uow).four_eyes:
            extra.append("four eyes: a rollback needs no approval")
        return self._activate(
            uow,
            copy,
            actor,
            EventAction.ROLLBACK,
            validated=True,
            forced=system,
            note="; ".join(extra),
        )

    def cancel(self, actor: str) -> ActivationResult:
        """Cancel the pending activation (its version goes back to validated)."""

        def act(uow: UnitOfWork) -> ActivationResult:
            require_config_changer(uow, actor)
            pending = _single(uow.configurations.with_status(ConfigStatus.PENDING))
            if pending is None:
                raise InvalidTransition("no activation is pending, so there is nothing to cancel")
            return self._cancel(uow, pending, actor, "")

        return self._run(EventAction.CANCEL, actor, None, act)

    def _cancel(
        self, uow: UnitOfWork, pending: ModuleConfiguration, actor: str, why: str
    ) -> ActivationResult:
        """Cancel `pending`'s activation in `uow`: validated again, the guard armed with it
        ended, one `cancel` event (saying `why`, if given)."""
        transition(pending, Transition.CANCEL, self._now())
        uow.configurations.save_status(pending)
        message = f"pending activation of version {pending.version} cancelled"
        message += f" ({why})" if why else ""
        message += "; it is validated again"
        if end_watching(uow, pending.version, self._now(), "its activation was cancelled"):
            message += "; the guard armed with it is ended"
        self._event(uow, pending, EventAction.CANCEL, actor, EventResult.OK, message)
        active = uow.configurations.pointers().active
        if active is not None:  # waiting workers elsewhere admit again on the active version
            uow.jobs.announce_switch(active.version)
        return ActivationResult(pending.version, ActivationStatus.VALIDATED, message)

    def _cancel_pending(self, uow: UnitOfWork, actor: str, why: str) -> None:
        pending = _single(uow.configurations.with_status(ConfigStatus.PENDING))
        if pending is not None:
            self._cancel(uow, pending, actor, why)

    def switch_if_drained(self, actor: str = "turnout") -> ActivationResult | None:
        """Apply the pending activation when no run of the old version is in flight any more."""
        with self._uow() as uow:
            uow.lock_lifecycle()
            pointers = uow.configurations.pointers()
            if pointers.pending is None or uow.runs.in_flight() > 0:
                return None
            pending = self._get(uow, pointers.pending.version)
            requested = pending.activation_requested_at
            result = self._activate(
                uow, pending, actor, EventAction.SWITCH, validated=True, forced=True
            )
            uow.commit()
        if requested is not None:
            waited = (self._now() - requested).total_seconds()
            result = ActivationResult(
                result.version, result.status, result.message, result.problems, waited
            )
        return result

    # -- reading -------------------------------------------------------------------------------

    def get(self, version: int | None = None) -> ModuleConfiguration:
        """A version, or the active one when `version` is None."""
        with self._uow() as uow:
            if version is None:
                active = _single(uow.configurations.with_status(ConfigStatus.ACTIVE))
                if active is None:
                    raise NotFound("no configuration is active; run `turnout init`")
                return active
            return self._get(uow, version)

    def history(self, *, archived: bool = False) -> list[ModuleConfiguration]:
        """Every version, newest first; archived (deleted) ones only when asked."""
        with self._uow() as uow:
            found = uow.configurations.list()
        if archived:
            return found
        return [c for c in found if c.status is not ConfigStatus.ARCHIVED]

    def approvals(self, version: int) -> list[tuple[str, dt.datetime]]:
        """Who approved a version (four eyes), and when."""
        with self._uow() as uow:
            return uow.configurations.approvals(self._get(uow, version).config_id)

    def installation(self) -> InstallationSettings:
        """The installation's settings (four eyes, retention, trial share, guard webhook)."""
        with self._uow() as uow:
            return self._settings(uow)

    def pending(self) -> ModuleConfiguration | None:
        with self._uow() as uow:
            return _single(uow.configurations.with_status(ConfigStatus.PENDING))

    # -- internals -----------------------------------------------------------------------------

    def _activate(
        self,
        uow: UnitOfWork,
        config: ModuleConfiguration,
        actor: str,
        action: EventAction,
        *,
        validated: bool = False,
        forced: bool = False,
        guard: GuardSpec | None = None,
        note: str = "",
    ) -> ActivationResult:
        problems = (
            () if validated else tuple(validate_document(document_of(config), self._registry))
        )
        if problems:
            transition(config, Transition.REJECT, self._now())
            uow.configurations.save_status(config)
            message = _problem_text(
                f"version {config.version} rejected; the active configuration is unchanged",
                problems,
            )
            self._event(uow, config, action, actor, EventResult.REJECTED, message)
            return ActivationResult(config.version, ActivationStatus.REJECTED, message, problems)
        in_flight = uow.runs.in_flight()
        if in_flight and not forced:
            transition(config, Transition.QUEUE, self._now())
            uow.configurations.save_status(config)
            message = (
                f"version {config.version} is pending: it becomes active when the {in_flight} "
                "run(s) in flight finish; new runs wait until then"
            )
            message += self._arm(uow, config, actor, guard, active_now=False)
            message += f"; {note}" if note else ""
            self._event(uow, config, action, actor, EventResult.PENDING, message)
            return ActivationResult(config.version, ActivationStatus.PENDING, message)
        previous = _single(uow.configurations.with_status(ConfigStatus.ACTIVE))
        if previous is not None:
            end_watching(
                uow,
                previous.version,
                self._now(),
                f"version {config.version} replaced it before the guard's window ended",
            )
        if previous is not None:
            how = (
                Transition.ROLL_BACK
                if config.rolled_back_from is not None
                else Transition.SUPERSEDE
            )
            transition(previous, how, self._now())
            uow.configurations.save_status(previous)
        transition(config, Transition.ACTIVATE, self._now())
        uow.configurations.save_status(config)
        message = f"version {config.version} is active"
        if previous is not None:
            message += f"; version {previous.version} is {previous.status}"
        if in_flight and action is not EventAction.SWITCH:
            message += (
                f" (forced: {in_flight} run(s) in flight finish on the version they started with)"
            )
        armed = uow.guards.for_version(config.version)  # armed when it was queued, if it was
        if armed is not None and armed.status is GuardStatus.WATCHING and guard is not None:
            end_watching(uow, config.version, self._now(), "replaced by the guard armed now")
            armed = None
        if armed is not None and armed.status is GuardStatus.WATCHING:
            uow.guards.start(armed.guard_id, self._now())  # a pending activation took effect
        elif action is not EventAction.SWITCH:  # the baseline, the rollback: the version before
            message += self._arm(
                uow,
                config,
                actor,
                guard,
                active_now=True,
                previous=previous.version if previous is not None else None,
            )
        message += f"; {note}" if note else ""
        self._event(uow, config, action, actor, EventResult.OK, message)
        uow.jobs.announce_switch(config.version)  # workers elsewhere load the plan and admit
        return ActivationResult(config.version, ActivationStatus.ACTIVE, message)

    def _new_version(
        self,
        uow: UnitOfWork,
        doc: ConfigDocument,
        actor: str,
        status: ConfigStatus,
        rolled_back_from: int | None = None,
    ) -> ModuleConfiguration:
        config_id = str(uuid.uuid4())
        config = ModuleConfiguration(
            config_id=config_id,
            version=uow.configurations.next_version(),
            status=status,
            created_by=actor,
            created_at=self._now(),
            summary=doc.summary,
            rolled_back_from=rolled_back_from,
            selections={
                stage: ModuleSelection(
                    str(uuid.uuid4()), config_id, stage, sel.module, dict(sel.settings)
                )
                for stage, sel in doc.selections.items()
            },
            policies={
                stage: FallbackPolicy(
                    str(uuid.uuid4()),
                    config_id,
                    stage,
                    pol.fallback,
                    tuple(pol.triggers),
                    dict(pol.actions),
                )
                for stage, pol in doc.policies.items()
            },
            guard=doc.guard.to_dict() if doc.guard else None,
        )
        uow.configurations.add(config)
        return config

    def _arm(
        self,
        uow: UnitOfWork,
        config: ModuleConfiguration,
        actor: str,
        spec: GuardSpec | None,
        *,
        active_now: bool,
        previous: int | None = None,
    ) -> str:
        """Arm a guard on `config` when `spec` is given; the words the event adds about it.
        Its baseline and rollback are `previous` (active now: the version `config` replaced),
        else the version active now (a pending activation)."""
        if spec is None:
            return ""
        if not active_now:
            current = uow.configurations.pointers().active
            previous = current.version if current is not None else None
        armed = arm(
            uow,
            config,
            previous,
            spec,
            actor,
            self._now(),
            active_now=active_now,
        )
        window = " or ".join(
            w
            for w in (
                f"the first {spec.runs} runs" if spec.runs else "",
                f"{spec.minutes:g} minutes" if spec.minutes else "",
            )
            if w
        )
        if not has_baseline(armed.baseline):
            lim = limits(spec, armed.baseline)
            return (
                f"; guarded: {window}; {no_baseline_text(armed)}: failure rate at most "
                f"{lim['failure_rate']:g} %, review rate at most {lim['review_rate']:g} %, "
                f"fallback rate per stage at most {spec.fallback_rate_points:g} %"
            )
        return (
            f"; guarded: {window}, against version {armed.previous_version}'s last "
            f"{armed.baseline.runs} runs"
        )

    def _settings(self, uow: UnitOfWork) -> InstallationSettings:
        return InstallationSettings.from_stored(uow.settings.all())

    def _awaiting_approval(
        self, uow: UnitOfWork, config: ModuleConfiguration, actor: str
    ) -> ActivationResult | None:
        """With four eyes on, a version that no maintainer other than its author approved is not
        activated: the request is recorded (action `request`) and returned as such."""
        if config.status is ConfigStatus.PENDING or not self._settings(uow).four_eyes:
            return None  # a pending version passed this gate when its activation was asked
        approvers = [by for by, _ in uow.configurations.approvals(config.config_id)]
        if counted_approvers(uow, config.created_by, approvers):
            return None
        lapsed = [by for by in approvers if by != config.created_by]
        message = (
            f"version {config.version} needs the approval of a maintainer other than its author "
            f"`{config.created_by}` (four eyes are on)"
            + (
                f"; the approval by {', '.join(f'`{by}`' for by in lapsed)} no longer counts "
                "(no maintainer any more)"
                if lapsed
                else ""
            )
            + f"; the request is recorded: {self._who_approves(uow, config, actor)} "
            f"`turnout config approve {config.version}`, then "
            f"`turnout config activate {config.version}` activates it"
        )
        self._event(uow, config, EventAction.REQUEST, actor, EventResult.PENDING, message)
        return ActivationResult(config.version, ActivationStatus.AWAITING_APPROVAL, message)

    @staticmethod
    def _who_approves(uow: UnitOfWork, config: ModuleConfiguration, actor: str) -> str:
        """Who may approve `config`, told to `actor`: themselves when they are a maintainer who
        did not write it."""
        if actor == config.created_by:
            return "another maintainer approves it with"
        if may_approve(uow.users.get(actor)):
            return "you are a maintainer who did not write it: approve it yourself with"
        return f"a maintainer other than `{config.created_by}` approves it with"

    def _get(self, uow: UnitOfWork, version: int) -> ModuleConfiguration:
        config = uow.configurations.get(version)
        if config is None:
            raise NotFound(
                f"configuration version {version} does not exist; "
                "`turnout config history` lists the versions"
            )
        return config

    def _refuse_if_pending(self, uow: UnitOfWork, config: ModuleConfiguration | None) -> None:
        pending = _single(uow.configurations.with_status(ConfigStatus.PENDING))
        if pending is not None:
            same = config is not None and pending.version == config.version
            fix = (
                "wait for it (it switches when the runs in flight finish), or cancel it with "
                "`turnout config cancel`"
                if same
                else "wait for it, or cancel it with `turnout config cancel` and try again"
            )
            raise ActivationPending(
                f"version {pending.version} is already pending activation"
                + (" (this version)" if same else "")
                + f"; {fix}"
            )

    def _event(
        self,
        uow: UnitOfWork,
        config: ModuleConfiguration | None,
        action: EventAction,
        actor: str,
        result: EventResult,
        message: str,
    ) -> None:
        record_event(uow, config, action, actor, result, message, self._now())

    def _run(
        self, action: EventAction, actor: str, version: int | None, act: Callable[[UnitOfWork], T]
    ) -> T:
        return run_audited(self._uow, action, actor, act, version=version, clock=self._now)


def _single(items: list[ModuleConfiguration]) -> ModuleConfiguration | None:
    return items[0] if items else None


def _problem_text(headline: str, problems: tuple[Problem, ...]) -> str:
    return headline + ":\n" + "\n".join(f"  - {p}" for p in problems)
