"""The review queue's text searches on SQLite and PostgreSQL take `%` and `_` literally: a seller
search for `%` finds only sellers whose name holds a `%`, an invoice number search for `4_1`
finds `4_1`, not `471102`."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from turnout.domain.review import ReviewFilter
from turnout.domain.runs import Run, RunStatus, StageResult
from turnout.persistence.database import Database


def _waiting(db: Database, seller: str, number: str, *, kept: bool = True) -> str:
    sha = hashlib.sha256(b"%PDF-1.7 " + number.encode()).hexdigest()
    run = Run(
        str(uuid.uuid4()),
        f"{number}.pdf",
        None,
        None,
        RunStatus.NEEDS_REVIEW,
        dt.datetime.now(dt.UTC),
        reason="the amount due was not read",
        invoice={"invoice_number": number, "seller": {"name": seller}},
        source_sha256=sha if kept else None,
    )
    with db.unit_of_work() as uow:
        uow.runs.add(run)
        if kept:  # what a review continues from: the source file and the reading stages' results
            uow.sources.put(sha, b"%PDF-1.7 " + number.encode(), run.created_at)
            uow.stage_results.put(StageResult(run.run_id, "text", 2, [], []), run.created_at)
        uow.commit()
    return run.run_id


def _found(db: Database, **criteria: str) -> set[str]:
    with db.unit_of_work() as uow:
        return {item.run_id for item in uow.reviews.queue(ReviewFilter(**criteria))}  # type: ignore[arg-type]


def test_seller_and_number_searches_treat_percent_and_underscore_as_characters(
    db: Database,
) -> None:
    plain = _waiting(db, "Acme Robotics", "471102")
    percent = _waiting(db, "100% Cotton Ltd", "4_1-A")

    assert _found(db, seller="%") == {percent}
    assert _found(db, seller="_") == set()
    assert _found(db, invoice_number="4_1") == {percent}
    assert _found(db, invoice_number="71") == {plain}
    assert _found(db, seller="acme") == {plain}
    assert _found(db, seller="0% cot") == {percent}


def test_a_run_whose_source_was_not_kept_is_not_listed(db: Database) -> None:
    # a run from before Turnout kept source files cannot be reviewed (`review show` says to
    # process the file again), so the queue and its count do not hold it for ever
    listed = _waiting(db, "Acme Robotics", "R-1")
    _waiting(db, "Acme Robotics", "R-0", kept=False)
    assert _found(db, seller="acme") == {listed}
    with db.unit_of_work() as uow:
        assert uow.reviews.count() == 1
