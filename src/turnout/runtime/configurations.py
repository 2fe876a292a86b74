"""The configuration lifecycle service: create, validate, activate, cancel, rollback.

Each public method is one action and leaves exactly one audit event, written in the same
transaction as the change it records. A refused action changes nothing and still leaves its event
(result `refused`). Status changes go through `turnout.domain.lifecycle` only.
"""

from __future__ import annotations

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
    Problem,
)
from turnout.domain.events import EventAction, EventResult
from turnout.domain.lifecycle import Transition, check, transition
from turnout.runtime.audit import Clock, pending_requested_at, record_event, run_audited, utcnow
from turnout.runtime.authorization import require_config_changer
from turnout.runtime.config_document import ConfigDocument
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.results import ActivationResult, ValidationReport
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

    def create(self, doc: ConfigDocument, actor: str) -> ModuleConfiguration:
        """Store `doc` as a new draft version (refused if it names unknown stages or modules)."""

        def act(uow: UnitOfWork) -> ModuleConfiguration:
            require_config_changer(uow, actor)
            problems = reference_problems(doc, self._registry)
            if problems:
                raise InvalidConfiguration(problems, headline="cannot create the configuration")
            config = self._new_version(uow, doc, actor, ConfigStatus.DRAFT)
            self._event(
                uow,
                config,
                EventAction.CREATE,
                actor,
                EventResult.OK,
                f"version {config.version} created as a draft",
            )
            return config

        return self._run(EventAction.CREATE, actor, None, act)

    def validate(self, version: int, actor: str) -> ValidationReport:
        """Draft to validated when every check passes; otherwise it stays a draft, with reasons."""

        def act(uow: UnitOfWork) -> ValidationReport:
            require_config_changer(uow, actor)
            config = self._get(uow, version)
            check(config, Transition.VALIDATE)
            problems = tuple(validate_document(document_of(config), self._registry))
            if problems:
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

    def activate(self, version: int, actor: str, *, force: bool = False) -> ActivationResult:
        """Re-validate and activate: at once when no run is in flight, else pending.

        `force` switches now even with runs in flight (they finish on the version they were
        admitted under; no run mixes versions). It also forces a version already pending."""

        def act(uow: UnitOfWork) -> ActivationResult:
            require_config_changer(uow, actor)
            config = self._get(uow, version)
            if not (force and config.status is ConfigStatus.PENDING):
                self._refuse_if_pending(uow, config)
            check(config, Transition.ACTIVATE)
            return self._activate(uow, config, actor, EventAction.ACTIVATE, forced=force)

        return self._run(EventAction.ACTIVATE, actor, version, act)

    def rollback(self, version: int, actor: str) -> ActivationResult:
        """New version n+1 copying `version`'s selections, settings and policies, activated; the
        version active now becomes rolled_back."""

        def act(uow: UnitOfWork) -> ActivationResult:
            require_config_changer(uow, actor)
            target = self._get(uow, version)
            self._refuse_if_pending(uow, None)
            current = _single(uow.configurations.with_status(ConfigStatus.ACTIVE))
            if current is None:
                raise InvalidTransition(
                    "no configuration is active, so there is nothing to roll back; "
                    f"activate one with `turnout config activate {version}`"
                )
            if target.version == current.version:
                raise InvalidTransition(f"version {version} is the active version already")
            if target.status not in (ConfigStatus.SUPERSEDED, ConfigStatus.ROLLED_BACK):
                raise InvalidTransition(
                    f"version {version} is {target.status} and was never the working configuration; "
                    "roll back only to a superseded or rolled_back version "
                    "(`turnout config history` lists them)"
                )
            doc = document_of(target)
            summary = f"rollback to version {target.version}: {target.summary}".strip()
            copy = self._new_version(
                uow,
                ConfigDocument(summary, doc.selections, doc.policies),
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
                return ActivationResult(copy.version, "rejected", message, problems)
            transition(copy, Transition.VALIDATE, self._now())
            return self._activate(uow, copy, actor, EventAction.ROLLBACK, validated=True)

        return self._run(EventAction.ROLLBACK, actor, version, act)

    def cancel(self, actor: str) -> ActivationResult:
        """Cancel the pending activation (its version goes back to validated)."""

        def act(uow: UnitOfWork) -> ActivationResult:
            require_config_changer(uow, actor)
            pending = _single(uow.configurations.with_status(ConfigStatus.PENDING))
            if pending is None:
                raise InvalidTransition("no activation is pending, so there is nothing to cancel")
            transition(pending, Transition.CANCEL, self._now())
            uow.configurations.save_status(pending)
            message = (
                f"pending activation of version {pending.version} cancelled; it is validated again"
            )
            self._event(uow, pending, EventAction.CANCEL, actor, EventResult.OK, message)
            active = uow.configurations.pointers().active
            if active is not None:  # waiting workers elsewhere admit again on the active version
                uow.jobs.announce_switch(active.version)
            return ActivationResult(pending.version, str(pending.status), message)

        return self._run(EventAction.CANCEL, actor, None, act)

    def switch_if_drained(self, actor: str = "turnout") -> ActivationResult | None:
        """Apply the pending activation when no run of the old version is in flight any more."""
        with self._uow() as uow:
            uow.lock_lifecycle()
            pointers = uow.configurations.pointers()
            if pointers.pending is None or uow.runs.in_flight() > 0:
                return None
            pending = self._get(uow, pointers.pending.version)
            requested = pending_requested_at(uow, pending.config_id)
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

    def history(self) -> list[ModuleConfiguration]:
        with self._uow() as uow:
            return uow.configurations.list()

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
            return ActivationResult(config.version, "rejected", message, problems)
        in_flight = uow.runs.in_flight()
        if in_flight and not forced:
            transition(config, Transition.QUEUE, self._now())
            uow.configurations.save_status(config)
            message = (
                f"version {config.version} is pending: it becomes active when the {in_flight} "
                "run(s) in flight finish; new runs wait until then"
            )
            self._event(uow, config, action, actor, EventResult.PENDING, message)
            return ActivationResult(config.version, "pending", message)
        previous = _single(uow.configurations.with_status(ConfigStatus.ACTIVE))
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
        if in_flight and action is EventAction.ACTIVATE:
            message += (
                f" (forced: {in_flight} run(s) in flight finish on the version they started with)"
            )
        self._event(uow, config, action, actor, EventResult.OK, message)
        uow.jobs.announce_switch(config.version)  # workers elsewhere load the plan and admit
        return ActivationResult(config.version, "active", message)

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
        )
        uow.configurations.add(config)
        return config

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
            raise ActivationPending(
                f"version {pending.version} is already pending activation"
                + (" (this version)" if same else "")
                + "; wait for it, or cancel it with `turnout config cancel`"
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
