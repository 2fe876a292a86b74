"""The review queue's text searches on SQLite and PostgreSQL take `%` and `_` literally: a seller
search for `%` finds only sellers whose name holds a `%`, an invoice number search for `4_1`
finds `4_1`, not `471102`."""

from __future__ import annotations

import datetime as dt
import uuid

from turnout.domain.review import ReviewFilter
from turnout.domain.runs import Run, RunStatus
from turnout.persistence.database import Database


def _waiting(db: Database, seller: str, number: str) -> str:
    run = Run(
        str(uuid.uuid4()),
        f"{number}.pdf",
        None,
        None,
        RunStatus.NEEDS_REVIEW,
        dt.datetime.now(dt.UTC),
        reason="the amount due was not read",
        invoice={"invoice_number": number, "seller": {"name": seller}},
    )
    with db.unit_of_work() as uow:
        uow.runs.add(run)
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
