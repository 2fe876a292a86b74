"""Issuer profiles: listed, shown, exported as invoice2data templates, imported, reset, learned.

Anyone may read them. A review teaches the issuer's profile (`learn_from_review`, which the
review service calls after a person corrected or approved a run: reviewers, operators and
maintainers); importing an invoice2data template and resetting a wrong profile need the operator
or maintainer role. Every change is a new version of the profile and an audit event
(`EventAction.PROFILE`), refusals included.

What a profile's rules are is the `ProfileLearner`'s business (`extract.learned` provides it;
bootstrap wires it in): this service stores, finds, versions and audits.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from turnout.domain.artifacts import Text
from turnout.domain.errors import NotFound, PermissionDenied, RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.profiles import (
    EMPTY_DATA,
    IssuerProfile,
    ProfileAction,
    ProfileLearner,
    ProfileVersion,
    normalised_name,
    read_key,
    same_issuer,
)
from turnout.domain.runs import Run
from turnout.domain.users import CONFIG_CHANGERS, Role, User
from turnout.runtime.audit import Clock, record_event, run_audited, utcnow
from turnout.runtime.ports import UnitOfWork

log = logging.getLogger(__name__)

KEEPERS = CONFIG_CHANGERS  # operators and maintainers import and reset profiles
TEACHERS = frozenset({Role.REVIEWER, Role.OPERATOR, Role.MAINTAINER})
_LISTED = "`turnout profiles list` lists them"


class ProfileService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        learner: ProfileLearner,
        clock: Clock = utcnow,
    ) -> None:
        self._uow = uow_factory
        self._learner = learner
        self._now = clock

    # --- reading ---------------------------------------------------------------------------

    def list(self) -> list[IssuerProfile]:
        """Every profile, by issuer key."""
        with self._uow() as uow:
            return uow.profiles.list()

    def show(self, issuer: str) -> IssuerProfile:
        """The profile named by its issuer key, any key it knows, or its name (NotFound)."""
        with self._uow() as uow:
            return _find(uow, issuer)

    def versions(self, issuer: str) -> builtins.list[ProfileVersion]:
        """Every version of the profile, oldest first (NotFound)."""
        with self._uow() as uow:
            return uow.profiles.versions(_find(uow, issuer).issuer_key)

    def export(self, issuer: str) -> str:
        """The profile as an invoice2data YAML template (NotFound)."""
        return self._learner.to_invoice2data(self.show(issuer))

    # --- changing --------------------------------------------------------------------------

    def import_template(self, text: str, actor: str) -> IssuerProfile:
        """An invoice2data template (YAML or JSON) as the next version of its issuer's profile
        (operators and maintainers): its regex fields become rules over those the profile had;
        its keywords name the issuer. Audited, refusals too."""

        def act(uow: UnitOfWork) -> IssuerProfile:
            _require(uow, actor, KEEPERS, "import issuer profiles")
            try:
                imported = self._learner.from_invoice2data(text, actor, self._now())
            except ValueError as exc:
                raise RequestError(f"the invoice2data template cannot be imported: {exc}") from exc
            existing = uow.profiles.find([imported.issuer_key, *imported.keys])
            profile = imported if existing is None else _merged(existing, imported)
            saved = uow.profiles.save(profile, ProfileAction.IMPORT)
            record_event(
                uow,
                None,
                EventAction.PROFILE,
                actor,
                EventResult.OK,
                f"issuer profile {saved.issuer_key} version {saved.version} imported from an "
                f"invoice2data template ({len(imported.fields)} rule(s): "
                f"{', '.join(imported.fields)})",
                self._now(),
            )
            return saved

        return run_audited(self._uow, EventAction.PROFILE, actor, act, clock=self._now)

    def reset(self, issuer: str, actor: str) -> IssuerProfile:
        """Empty a wrong profile (operators and maintainers): a new version without rules, so
        the issuer's next invoices are read by the layout reader alone until reviews teach it
        again. The versions before stay. Audited, refusals too."""

        def act(uow: UnitOfWork) -> IssuerProfile:
            _require(uow, actor, KEEPERS, "reset issuer profiles")
            found = _find(uow, issuer)
            emptied = replace(
                found, data=dict(EMPTY_DATA), updated_at=self._now(), updated_by=actor
            )
            saved = uow.profiles.save(emptied, ProfileAction.RESET)
            record_event(
                uow,
                None,
                EventAction.PROFILE,
                actor,
                EventResult.OK,
                f"issuer profile {saved.issuer_key} reset to version {saved.version} (no rules; "
                f"version {found.version} had {len(found.fields)}: {', '.join(found.fields)})",
                self._now(),
            )
            return saved

        return run_audited(self._uow, EventAction.PROFILE, actor, act, clock=self._now)

    def learn_from_review(
        self, run: Run, text: Text | None, actor: str, corrected: Sequence[str]
    ) -> IssuerProfile | None:
        """Teach the issuer's profile what a review confirmed: the run's invoice as the person
        left it, read off the page `text`, with the fields they `corrected` (a rejection without
        corrections teaches nothing). The review service
        calls it after the review was committed; it never raises (a failure is logged and, when
        refused, audited) and returns the new version, or None when nothing was learned."""
        try:
            return self._learn(run, text, actor, corrected)
        except RequestError as exc:  # audited by run_audited
            log.warning("issuer profile not learned from run %s: %s", run.run_id, exc)
        except Exception:
            log.exception("issuer profile not learned from run %s", run.run_id)
        return None

    def _learn(
        self, run: Run, text: Text | None, actor: str, corrected: Sequence[str]
    ) -> IssuerProfile | None:
        invoice = run.invoice
        if text is None or not invoice:
            return None
        final = run.final_decision or {}
        if final.get("outcome") == "reject" and not corrected:
            return None  # rejected as read: nobody vouched for what the machine read
        keys = self._learner.issuer_keys(invoice)
        if not keys:
            return None

        def act(uow: UnitOfWork) -> IssuerProfile | None:
            _require(uow, actor, TEACHERS, "teach issuer profiles")
            existing = uow.profiles.find(keys)
            if existing is not None and not same_issuer(existing.keys, keys):
                existing = None  # another issuer of the same name: a profile of its own
            learned = self._learner.learn(existing, text, invoice, corrected, actor, self._now())
            if learned is None:
                return None
            misread = _misread_key(run)
            if misread is not None and misread not in learned.keys:
                learned = replace(learned, keys=(*learned.keys, misread))
            saved = uow.profiles.save(learned, ProfileAction.LEARN, run_id=run.run_id)
            fixed = ", ".join(corrected) if corrected else "none (approved as read)"
            record_event(
                uow,
                None,
                EventAction.PROFILE,
                actor,
                EventResult.OK,
                f"issuer profile {saved.issuer_key} version {saved.version} learned from run "
                f"{run.run_id} ({run.file_name}): corrected fields {fixed}; "
                f"{len(saved.fields)} rule(s)",
                self._now(),
            )
            return saved

        return run_audited(self._uow, EventAction.PROFILE, actor, act, clock=self._now)


def _misread_key(run: Run) -> str | None:
    """The `read:` key of the seller's name as the machine read it, when a person corrected it:
    the issuer's next invoice is read the same (the profile is found by it, on a page like
    this one only)."""
    machine = (run.machine_invoice or {}).get("seller")
    final = (run.invoice or {}).get("seller")
    read = machine.get("name") if isinstance(machine, dict) else None
    meant = final.get("name") if isinstance(final, dict) else None
    if not isinstance(read, str) or not read.strip():
        return None
    if isinstance(meant, str) and normalised_name(meant) == normalised_name(read):
        return None
    return read_key(read)


def _find(uow: UnitOfWork, issuer: str) -> IssuerProfile:
    wanted = issuer.strip()
    found = uow.profiles.get(wanted) or uow.profiles.find([wanted])
    if found is None and wanted:
        name = normalised_name(wanted)
        found = uow.profiles.find([f"name:{name}"]) or next(
            (p for p in uow.profiles.list() if p.name and normalised_name(p.name) == name), None
        )
    if found is None:
        raise NotFound(
            f"no issuer profile `{issuer}`: name it by its issuer key (`vat:DE123456789`), any "
            f"key it knows (`iban:…`, `name:…`) or the issuer's name; {_LISTED} (profiles are "
            "learned when a reviewer corrects or approves an invoice, or imported with "
            "`turnout profiles import`)"
        )
    return found


_NEEDED = {
    KEEPERS: ("operator or maintainer", "operator"),
    TEACHERS: ("reviewer, operator or maintainer", "reviewer"),
}


def _require(uow: UnitOfWork, actor: str, roles: frozenset[Role], what: str) -> User:
    user = uow.users.get(actor)
    if user is None or not user.roles & roles:
        held = ", ".join(sorted(user.roles)) if user and user.roles else "no role"
        needed, suggested = _NEEDED[roles]
        raise PermissionDenied(
            f"user `{actor}` ({held}) may not {what}; it needs the {needed} role: "
            f"`turnout users add {actor} --role {suggested}` (by an admin)"
        )
    return user


def _merged(existing: IssuerProfile, imported: IssuerProfile) -> IssuerProfile:
    """The imported rules over the existing profile's, its options over theirs, keys joined."""
    old: dict[str, Any] = dict(existing.data)
    new: dict[str, Any] = dict(imported.data)
    data = {
        **new,
        "fields": {**dict(old.get("fields") or {}), **dict(new.get("fields") or {})},
        "options": {**dict(old.get("options") or {}), **dict(new.get("options") or {})},
    }
    return replace(
        imported,
        issuer_key=existing.issuer_key,
        data=data,
        keys=tuple(dict.fromkeys([*existing.keys, *imported.keys])),
    )
