"""The vendor master table on SQLite and PostgreSQL: the repository's upsert and list, the
`SqlVendorDirectory` lookups, the import service's roles and audit, and the envelope handing the
directory to `match.vendors`."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
from sqlalchemy import inspect

from turnout.authoring.identifiers import read_vendor_csv
from turnout.domain.artifacts import InvoiceArtifact, Match
from turnout.domain.errors import PermissionDenied, RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.invoice import Invoice, Party, Payment
from turnout.domain.modules import Artifacts
from turnout.domain.runs import Run, RunStatus
from turnout.domain.stages import STAGES_BY_ID
from turnout.domain.users import Role
from turnout.domain.vendors import Vendor
from turnout.modules.match.vendors import VendorMatch
from turnout.persistence import Database
from turnout.persistence.vendors import SqlVendorDirectory
from turnout.runtime.plan import InlineCall, PlannedStage, Slot
from turnout.runtime.ports import VendorChanges
from turnout.runtime.resilience.breaker import BreakerBoard
from turnout.runtime.resilience.envelope import StageEnvelope
from turnout.runtime.resilience.policy import read_policy
from turnout.runtime.vendors import VendorService

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=1)
ACME = Vendor("V-1001", "ACME Office Supplies GmbH", "DE 136 695 976", None)
NORDWIND = Vendor("V-1002", "Nordwind Logistik AG", None, "de89 3704 0044 0532 0130 00")
LINDEN = Vendor("V-1003", "Lindenholz Werkstätten GmbH")


def upsert(db: Database, vendors: list[Vendor], when: dt.datetime = T0) -> VendorChanges:
    with db.unit_of_work() as uow:
        changes = uow.vendors.upsert(vendors, when)
        uow.commit()
    return changes


def test_the_migration_indexes_the_compact_vat_id_and_iban(db: Database) -> None:
    indexes = {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("vendors")}
    assert indexes["ix_vendors_vat_id_key"] == ["vat_id_key"]
    assert indexes["ix_vendors_iban_key"] == ["iban_key"]


def test_upsert_creates_updates_and_keeps_vendors_by_vendor_id(db: Database) -> None:
    assert upsert(db, [NORDWIND, ACME]) == VendorChanges(created=2, updated=0, unchanged=0)
    renamed = Vendor("V-1002", "Nordwind Logistik SE", None, NORDWIND.iban)
    assert upsert(db, [ACME, renamed, LINDEN], T1) == VendorChanges(1, 1, 1)
    with db.unit_of_work() as uow:
        stored = uow.vendors.list()
    assert [s.vendor for s in stored] == [ACME, renamed, LINDEN]  # by vendor_id
    times = {s.vendor.vendor_id: (s.created_at, s.updated_at) for s in stored}
    assert times == {"V-1001": (T0, T0), "V-1002": (T0, T1), "V-1003": (T1, T1)}


def test_the_directory_finds_vendors_by_compact_vat_id_and_iban_only(db: Database) -> None:
    upsert(db, [ACME, NORDWIND, LINDEN])
    directory = SqlVendorDirectory(db)
    assert directory.by_vat_id("DE136695976") == ACME
    assert directory.by_iban("DE89370400440532013000") == NORDWIND
    assert directory.by_vat_id("DE 136 695 976") is None  # callers pass the compact key
    assert directory.by_iban("DE89370400440532013000X") is None
    assert directory.by_vat_id("NL000099998B57") is None


def test_name_candidates_are_loaded_again_when_the_table_changes(db: Database) -> None:
    directory = SqlVendorDirectory(db)
    assert list(directory.name_candidates()) == []
    upsert(db, [LINDEN, ACME])
    first = directory.name_candidates()
    assert [v.vendor_id for v in first] == ["V-1001", "V-1003"]
    assert directory.name_candidates() is first  # unchanged table: the cached tuple
    upsert(db, [Vendor("V-1003", "Lindenholz AG")], T1)
    assert [v.name for v in directory.name_candidates()] == [ACME.name, "Lindenholz AG"]


def test_the_directory_travels_to_a_worker_process_by_its_url(db: Database) -> None:
    upsert(db, [ACME])
    copy = pickle.loads(pickle.dumps(SqlVendorDirectory(db)))
    assert isinstance(copy, SqlVendorDirectory) and copy.by_vat_id("DE136695976") == ACME


def test_the_envelope_gives_match_vendors_the_directory(db: Database, tmp_path: Path) -> None:
    upsert(db, [ACME, NORDWIND])
    stage = STAGES_BY_ID["match"]
    planned = PlannedStage(
        stage,
        Slot("match.vendors", InlineCall(VendorMatch({"vendors": "table"}))),
        None,
        read_policy(None),
    )
    run = Run(
        run_id="run-1",
        file_name="a.xml",
        config_id="c1",
        config_version=1,
        status=RunStatus.RUNNING,
        created_at=T0,
    )
    invoice = Invoice(seller=Party(name="NW"), payment=Payment(iban="DE89370400440532013000"))
    envelope = StageEnvelope(BreakerBoard(), tmp_path, lambda: T0, vendors=SqlVendorDirectory(db))
    result = envelope.run(run, planned, Artifacts([InvoiceArtifact(invoice)]))
    assert result.outputs == [Match("V-1002", NORDWIND.name, "iban", 1.0)]

    without = StageEnvelope(BreakerBoard(), tmp_path, lambda: T0)
    failed = without.run(run, planned, Artifacts([InvoiceArtifact(invoice)]))
    assert failed.outputs is None and failed.failure is not None
    assert "ModuleUnavailable" in failed.failure and "no vendor directory" in failed.failure


def write_csv(tmp_path: Path, text: str, name: str = "vendors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_maintainer_imports_a_csv_and_the_import_is_audited(db: Database, tmp_path: Path) -> None:
    with db.unit_of_work() as uow:
        uow.users.add_role("mia", Role.MAINTAINER)
        uow.commit()
    service = VendorService(db.unit_of_work, read_vendor_csv, clock=lambda: T0)
    path = write_csv(tmp_path, "vendor_id,name,vat_id\nV-1,Acme GmbH,DE136695976\nV-2,Beta AG,\n")
    assert service.import_csv(path, "mia") == VendorChanges(2, 0, 0)
    assert [s.vendor for s in service.list()] == [
        Vendor("V-1", "Acme GmbH", "DE136695976"),
        Vendor("V-2", "Beta AG"),
    ]
    with db.unit_of_work() as uow:
        (event,) = uow.events.list(action=EventAction.VENDOR_IMPORT)
    assert (event.actor, event.result) == ("mia", EventResult.OK)
    assert "2 created, 0 updated, 0 unchanged" in event.message


@pytest.mark.parametrize("role", [None, Role.VIEWER, Role.OPERATOR])
def test_only_maintainers_and_admins_may_import_and_refusals_are_audited(
    db: Database, tmp_path: Path, role: Role | None
) -> None:
    if role is not None:
        with db.unit_of_work() as uow:
            uow.users.add_role("vic", role)
            uow.commit()
    path = write_csv(tmp_path, "vendor_id,name\nV-1,Acme GmbH\n")
    with pytest.raises(PermissionDenied, match="--role maintainer"):
        VendorService(db.unit_of_work, read_vendor_csv).import_csv(path, "vic")
    with db.unit_of_work() as uow:
        (event,) = uow.events.list(action=EventAction.VENDOR_IMPORT)
        assert uow.vendors.list() == []
    assert (event.actor, event.result) == ("vic", EventResult.REFUSED)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("vendor_id,name\nV-1,Acme\nV-1,Acme again\n", "names vendor_id V-1 more than once"),
        ("id,title\n1,Acme\n", "no column vendor_id, name"),
        (None, "cannot be read"),
    ],
)
def test_a_bad_file_changes_nothing_and_says_why(
    db: Database, tmp_path: Path, content: str | None, message: str
) -> None:
    with db.unit_of_work() as uow:
        uow.users.add_role("ann", Role.ADMIN)
        uow.commit()
    path = write_csv(tmp_path, content) if content is not None else tmp_path / "missing.csv"
    with pytest.raises(RequestError, match=message):
        VendorService(db.unit_of_work, read_vendor_csv).import_csv(path, "ann")
    with db.unit_of_work() as uow:
        assert uow.vendors.list() == []
        (event,) = uow.events.list(action=EventAction.VENDOR_IMPORT)
    assert event.result is EventResult.REFUSED
