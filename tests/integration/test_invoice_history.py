"""The invoice history on SQLite and PostgreSQL: keys stored by `finish`, `SqlInvoiceHistory`
queries, migration 0002, and a duplicate caught end to end through the real runner."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select

from turnout.bootstrap import bootstrap, bundled_examples
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.history import PriorInvoice
from turnout.domain.runs import Run, RunStatus
from turnout.persistence import Database
from turnout.persistence.history import SqlInvoiceHistory
from turnout.persistence.tables import runs
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.defaults import default_document
from turnout.settings import Settings

ConfigFactory = Callable[..., ModuleConfiguration]
T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)
HASH = "ab" * 32
INVOICE = {
    "invoice_number": "Inv 2024-7",
    "issue_date": "2024-05-31",
    "seller": {"name": "Acme GmbH", "vat_id": "DE 136 695 976"},
    "totals": {"payable": "1190.00"},
}


@pytest.fixture
def history_db(catalog_db: Database, make_config: ConfigFactory) -> Database:
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, ConfigStatus.ACTIVE, config_id="c1"))
        uow.commit()
    return catalog_db


def store(db: Database, run_id: str, status: RunStatus, minute: int = 0, **changes: object) -> Run:
    run = Run(run_id, f"{run_id}.pdf", "c1", 1, RunStatus.RUNNING, T0)
    with db.unit_of_work() as uow:
        uow.runs.add(run)
        run.status = status
        run.created_at = T0 + dt.timedelta(minutes=minute)
        run.source_sha256 = HASH
        run.invoice = dict(INVOICE)
        for name, value in changes.items():
            setattr(run, name, value)
        uow.runs.finish(run)
        uow.commit()
    return run


def ask(history: SqlInvoiceHistory, exclude: str = "now", **keys: object) -> list[PriorInvoice]:
    asked: dict[str, object] = {
        "sha256": None,
        "seller_key": None,
        "invoice_number_key": None,
        "issue_date": None,
        "payable": None,
    }
    asked.update(keys)
    return history.find(exclude_run=exclude, **asked)  # type: ignore[arg-type]


def test_finish_stores_the_duplicate_keys_of_the_invoice(history_db: Database) -> None:
    store(history_db, "r1", RunStatus.COMPLETED)
    store(history_db, "r2", RunStatus.FAILED, invoice={"totals": {"payable": "1e30"}})
    with history_db.reader() as uow:
        rows = {
            row.run_id: row
            for row in uow.connection.execute(
                select(
                    runs.c.run_id,
                    runs.c.seller_key,
                    runs.c.invoice_number_key,
                    runs.c.issue_date,
                    runs.c.payable,
                    runs.c.source_sha256,
                )
            )
        }
    r1 = rows["r1"]
    assert (r1.seller_key, r1.invoice_number_key) == ("vat:DE136695976", "inv2024-7")
    assert (r1.issue_date, Decimal(r1.payable), r1.source_sha256) == (
        dt.date(2024, 5, 31),
        Decimal("1190"),
        HASH,
    )
    r2 = rows["r2"]
    assert (r2.seller_key, r2.invoice_number_key, r2.issue_date, r2.payable) == (None,) * 4


def test_history_finds_each_check_and_ignores_failed_unfinished_and_own_runs(
    history_db: Database,
) -> None:
    store(history_db, "old", RunStatus.NEEDS_REVIEW, minute=1)
    store(history_db, "older", RunStatus.COMPLETED_WITH_FALLBACK, minute=0)
    store(history_db, "broken", RunStatus.FAILED)
    store(history_db, "busy", RunStatus.RUNNING)
    history = SqlInvoiceHistory(history_db)
    by_hash = ask(history, sha256=HASH)
    assert [(p.run_id, p.matched_on, p.file_name) for p in by_hash] == [
        ("older", "file_hash", "older.pdf"),
        ("old", "file_hash", "old.pdf"),
    ]
    assert by_hash[0].created_at == T0
    number = ask(
        history, exclude="old", seller_key="vat:DE136695976", invoice_number_key="inv2024-7"
    )
    assert [(p.run_id, p.matched_on) for p in number] == [("older", "seller_number")]
    dated = ask(
        history,
        seller_key="vat:DE136695976",
        issue_date=dt.date(2024, 5, 31),
        payable=Decimal("1190.0"),
    )
    assert {p.matched_on for p in dated} == {"seller_date_amount"} and len(dated) == 2
    assert ask(history, seller_key="vat:DE136695976", payable=Decimal("1190")) == []
    assert ask(history, sha256="cd" * 32, seller_key="vat:FR1", invoice_number_key="x") == []


def test_history_travels_to_a_worker_process_by_its_url(history_db: Database) -> None:
    store(history_db, "old", RunStatus.COMPLETED)
    copy = pickle.loads(pickle.dumps(SqlInvoiceHistory(history_db)))
    assert [p.run_id for p in ask(copy, sha256=HASH)] == ["old"]


def test_migration_0002_upgrades_from_0001_and_downgrades_back_to_it(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        config = db._alembic_config()
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        assert "seller_key" not in {c["name"] for c in inspect(db.engine).get_columns("runs")}
        assert db.upgrade() == db.head_revision()  # through 0002 and any later revision
        added = {"seller_key", "invoice_number_key", "issue_date", "payable"}
        assert added <= {c["name"] for c in inspect(db.engine).get_columns("runs")}
        indexed = {i["name"] for i in inspect(db.engine).get_indexes("runs")}
        assert {"ix_runs_source_sha256", "ix_runs_seller_number"} <= indexed
        assert "ix_runs_seller_key" not in indexed  # covered by the composites (0007)
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        inspector = inspect(db.engine)
        assert not added & {c["name"] for c in inspector.get_columns("runs")}
        assert "ix_runs_source_sha256" not in {i["name"] for i in inspector.get_indexes("runs")}
        assert db.upgrade() == db.head_revision()
    finally:
        db.dispose()


def test_the_same_example_processed_twice_is_a_duplicate_sent_to_review(
    db_url: str, tmp_path: Path
) -> None:
    (example,) = [p for p in bundled_examples() if p.name == "ubl-invoice.xml"]
    (tmp_path / "vendors.csv").write_text(
        "vendor_id,name,vat_id,iban\nV-7,Lindenholz Werkstätten GmbH,DE268491730,\n",
        encoding="utf-8",
    )
    app = bootstrap(Settings(home=tmp_path, database_url=db_url))
    try:
        app.init("ann")
        base = default_document()
        doc = ConfigDocument(
            "dedupe and vendor match",
            {
                **base.selections,
                "dedupe": SelectionDoc("dedupe.fingerprint"),
                "match": SelectionDoc("match.vendors", {"vendors_csv": "vendors.csv"}),
            },
        )
        service = app.configurations
        version = service.create(doc, "ann").config.version
        assert service.validate(version, "ann").valid
        service.activate(version, "ann")
        first = app.runner.run_path(example)
        second = app.runner.run_path(example)
    finally:
        app.close()
    assert first.status is not RunStatus.FAILED, first.reason
    assert first.source_sha256 is not None and first.source_sha256 == second.source_sha256
    assert first.decision is not None and second.decision is not None
    assert not any("duplicate" in r for r in first.decision["reasons"])
    assert not any("vendor master" in r for r in first.decision["reasons"])
    assert second.decision["outcome"] == "review"
    (reason,) = [r for r in second.decision["reasons"] if r.startswith("duplicate")]
    assert reason.startswith(f"duplicate of run {first.run_id} (file_hash: the same file as ")
    assert second.status is RunStatus.COMPLETED
