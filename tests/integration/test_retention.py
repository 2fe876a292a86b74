"""Source file retention on SQLite and PostgreSQL: the sources of finished runs older than
`source_retention_days` are deleted; a run still queued, running or waiting for a person keeps
its own, and so does every source a run created within the retention uses."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

import pytest

from turnout.domain.configuration import ConfigStatus
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime import installation as installation_module
from turnout.runtime.installation import InstallationService, SourcePruning
from turnout.runtime.lifecycle import KeptSources

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=40)
RECENT = NOW - dt.timedelta(days=2)


@pytest.fixture
def store(catalog_db: Database, make_config: Any) -> Database:
    """Version 1 active; ada is an admin; retention 30 days."""
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, ConfigStatus.ACTIVE))
        uow.users.add_role("ada", Role.ADMIN)
        uow.commit()
    InstallationService(catalog_db.unit_of_work).set("source_retention_days", "30", "ada")
    return catalog_db


def service(db: Database) -> InstallationService:
    return InstallationService(db.unit_of_work, clock=lambda: NOW)


def add_run(
    db: Database,
    name: str,
    status: RunStatus,
    *,
    created: dt.datetime = OLD,
    stored: dt.datetime | None = None,
    data: bytes | None = None,
    decision: str | None = None,
    read: bool = False,
    final: bool = False,
) -> str:
    """A run of file `name` whose source was stored at `stored` (default: when the run was
    created); its SHA-256."""
    data = data if data is not None else f"%PDF {name}".encode()
    sha = hashlib.sha256(data).hexdigest()
    run_id = str(uuid.uuid4())
    queued = status is RunStatus.QUEUED
    with db.unit_of_work() as uow:
        config = uow.configurations.get(1)
        assert config is not None
        attempts = (
            [StageAttempt(run_id, "text", "text.default", 1, AttemptOutcome.OK, 3.0, created)]
            if read
            else []
        )
        uow.runs.add(
            Run(
                run_id,
                name,
                None if queued else config.config_id,
                None if queued else 1,
                status,
                created,
                source_sha256=sha,
                finished_at=created if status.finished else None,
                decision={"outcome": decision, "reasons": []} if decision else None,
                final_decision={"outcome": "approve", "by": "rita"} if final else None,
                attempts=attempts,
            )
        )
        uow.sources.put(sha, data, stored or created)
        uow.commit()
    return sha


def kept(db: Database, sha: str) -> bool:
    with db.unit_of_work() as uow:
        return uow.sources.get(sha) is not None


def retention_events(db: Database) -> list[tuple[str, str]]:
    with db.unit_of_work() as uow:
        return [(e.actor, e.message) for e in uow.events.list(action="retention", limit=10)]


def test_old_sources_of_finished_runs_are_deleted_and_audited(store: Database) -> None:
    done = add_run(store, "done.pdf", RunStatus.COMPLETED, decision="approve")
    failed = add_run(store, "junk.pdf", RunStatus.FAILED)  # failed before reading: no review
    decided = add_run(
        store, "decided.pdf", RunStatus.COMPLETED, decision="review", final=True
    )  # a person decided: nothing waits any more
    assert service(store).prune_sources() == 3
    assert not any(kept(store, sha) for sha in (done, failed, decided))
    [(actor, message)] = retention_events(store)
    assert actor == "turnout"
    assert "deleted 3 source file(s) stored before 2026-05-02 12:00 UTC" in message
    assert "source_retention_days = 30" in message
    with store.unit_of_work() as uow:  # the runs' records stay
        assert {r.file_name for r in uow.runs.list(limit=10)} >= {"done.pdf", "junk.pdf"}


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        (RunStatus.QUEUED, {}),
        (RunStatus.RUNNING, {}),
        (RunStatus.NEEDS_REVIEW, {}),
        (RunStatus.COMPLETED, {"decision": "review"}),  # the rules sent it to a person
        (RunStatus.COMPLETED_WITH_FALLBACK, {"decision": "review"}),
        (RunStatus.FAILED, {"read": True}),  # failed after its text was read: in the queue
    ],
    ids=["queued", "running", "needs_review", "review_decision", "fallback_review", "failed_read"],
)
def test_a_run_unfinished_or_waiting_for_a_person_keeps_its_old_source(
    store: Database, status: RunStatus, extra: dict[str, Any]
) -> None:
    sha = add_run(store, "waiting.pdf", status, **extra)
    other = add_run(store, "done.pdf", RunStatus.COMPLETED, decision="approve")
    assert service(store).prune_sources() == 1
    assert kept(store, sha) and not kept(store, other)


def test_a_recent_source_is_kept(store: Database) -> None:
    sha = add_run(store, "new.pdf", RunStatus.COMPLETED, created=RECENT, decision="approve")
    assert service(store).prune_sources() == 0
    assert kept(store, sha)
    assert retention_events(store) == []  # nothing deleted, nothing to record


def test_an_old_source_a_recent_run_used_again_is_kept(store: Database) -> None:
    data = b"%PDF same bytes twice"
    sha = add_run(store, "first.pdf", RunStatus.COMPLETED, data=data, decision="approve")
    add_run(store, "again.pdf", RunStatus.COMPLETED, data=data, created=RECENT, decision="approve")
    assert service(store).prune_sources() == 0
    assert kept(store, sha)


def test_without_a_retention_nothing_is_deleted(store: Database) -> None:
    InstallationService(store.unit_of_work).set("source_retention_days", "none", "ada")
    sha = add_run(store, "done.pdf", RunStatus.COMPLETED, decision="approve")
    assert service(store).prune_sources() == 0
    assert kept(store, sha)


def test_pruning_goes_batch_by_batch_until_none_is_left(
    store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(installation_module, "PRUNE_BATCH", 2)
    shas = [add_run(store, f"f{i}.pdf", RunStatus.COMPLETED) for i in range(5)]
    with store.unit_of_work() as uow:
        assert uow.sources.prune(NOW - dt.timedelta(days=30), limit=2) == 2
        uow.rollback()
    assert service(store).prune_sources("ada") == 5
    assert not any(kept(store, sha) for sha in shas)
    [(actor, message)] = retention_events(store)
    assert actor == "ada" and "deleted 5 source file(s)" in message


def test_the_kept_figures_count_files_and_bytes(store: Database) -> None:
    add_run(store, "a.pdf", RunStatus.COMPLETED, data=b"x" * 10)
    add_run(store, "b.pdf", RunStatus.COMPLETED, data=b"y" * 5, created=RECENT)
    figures = service(store).sources()
    assert (figures.files, figures.bytes, figures.oldest) == (2, 15, OLD)
    service(store).prune_sources()
    assert service(store).sources().files == 1


def test_the_pruning_thread_prunes_as_soon_as_it_starts(store: Database) -> None:
    sha = add_run(store, "done.pdf", RunStatus.COMPLETED, decision="approve")
    SourcePruning(service(store)).start().stop()  # stop() waits for the first pass
    assert not kept(store, sha)
    assert [actor for actor, _ in retention_events(store)] == ["turnout"]


def test_a_file_stored_over_an_hour_ago_is_sent_to_the_database_again() -> None:
    lately = KeptSources()
    lately.add("a" * 64)
    assert "a" * 64 in lately and "b" * 64 not in lately
    expired = KeptSources(ttl_s=0)  # past its time at once: pruning may have deleted it since
    expired.add("a" * 64)
    assert "a" * 64 not in expired
