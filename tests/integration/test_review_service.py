"""The review service on SQLite and PostgreSQL, through the real runner and modules: a person's
correction is exported, the machine's reading is kept, decisions are final, refusals audited."""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.support.pdfs import make_pdf
from tests.support.printed_invoices import printed_invoice

from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.domain.errors import PermissionDenied
from turnout.domain.events import EventAction, EventResult
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.review import (
    InvalidCorrection,
    NotReviewable,
    PersonDecision,
    ReviewAction,
    ReviewConflict,
    ReviewFilter,
    ReviewRequest,
)
from turnout.domain.runs import Run, RunStatus
from turnout.domain.users import Role
from turnout.modules.normalize.standard import StandardNormalize
from turnout.persistence.tables import sources
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.defaults import default_document
from turnout.runtime.review_fields import fields_of
from turnout.runtime.users import UserService
from turnout.settings import Settings


def example(name: str) -> Path:
    return next(p for p in bundled_examples() if p.name == name)


def activate(app: App, review_above: str, export: str = "export.json") -> int:
    """A version whose routing sends every invoice above `review_above` to review, exporting
    with the module `export`."""
    base = default_document()
    route = SelectionDoc("route.rules", {"review_above": review_above})
    chosen = {"route": route, "export": SelectionDoc(export)}
    doc = ConfigDocument(f"review above {review_above}", {**base.selections, **chosen})
    doc = ConfigDocument(doc.summary, doc.selections, dict(base.policies))
    service = app.configurations
    version = service.create(doc, "ann").config.version
    assert service.validate(version, "ann").valid
    service.activate(version, "ann")
    return version


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    app = bootstrap(Settings(home=tmp_path, database_url=db_url))
    app.init("ann")
    users = UserService(app.unit_of_work)
    users.grant("alice", Role.REVIEWER, "ann")
    users.grant("bob", Role.OPERATOR, "ann")
    users.grant("vic", Role.VIEWER, "ann")
    activate(app, "0")
    try:
        yield app
    finally:
        app.close()


def exported(app: App, run: Run) -> dict:  # type: ignore[type-arg]
    return json.loads((app.settings.home / "exports" / f"{run.run_id}.json").read_text())  # type: ignore[no-any-return]


def review_events(app: App, run_id: str) -> list[tuple[str, EventResult, str]]:
    with app.unit_of_work() as uow:
        events = uow.events.list(action=EventAction.REVIEW.value, limit=100)
    return [(e.actor, e.result, e.message) for e in reversed(events) if run_id in e.message]


def test_a_correction_is_exported_once_more_and_the_machine_reading_is_kept(app: App) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    assert run.decision is not None and run.decision["outcome"] == "review"
    assert [i.run_id for i in app.reviews.queue(ReviewFilter())] == [run.run_id]
    machine = run.invoice
    assert machine is not None

    done = app.reviews.review(
        run.run_id,
        "alice",
        ReviewRequest(
            {"invoice_number": "R-2024-1", "totals.payable": "7.826,40"},
            PersonDecision.APPROVE,
            "checked with the supplier",
        ),
    )

    assert done.review_revision == 1
    assert done.config_version == run.config_version
    assert done.invoice is not None and done.invoice["invoice_number"] == "R-2024-1"
    assert done.invoice["totals"]["payable"] == "7826.40"
    assert done.invoice["provenance"]["invoice_number"]["module"] == "review:alice"
    assert done.machine_invoice == machine  # the machine's reading, never overwritten
    assert done.decision is not None
    assert done.decision["outcome"] == "approve" and done.decision["decided_by"] == "alice"
    assert done.decision["reasons"][0] == "approved by alice: checked with the supplier"
    out = exported(app, done)
    assert out["invoice"]["invoice_number"] == "R-2024-1"
    assert out["invoice"]["totals"]["payable"] == "7826.40"
    assert out["idempotency_key"] == f"{run.run_id}:export:r1"
    exports = [a for a in done.attempts if a.stage_id == "export"]
    assert [a.summary.get("review_revision") for a in exports] == [None, 1]
    records = app.reviews.show(run.run_id).records
    assert [(r.action, r.field, r.machine_value, r.corrected_value, r.actor) for r in records] == [
        (ReviewAction.CORRECT, "invoice_number", "ACM-24-0173", "R-2024-1", "alice"),
        (ReviewAction.CORRECT, "totals.payable", "7826.38", "7826.40", "alice"),
        (ReviewAction.APPROVE, None, None, None, "alice"),
    ]
    messages = review_events(app, run.run_id)
    assert all(actor == "alice" for actor, _, _ in messages)
    assert any("corrected invoice_number" in m and "'R-2024-1'" in m for _, _, m in messages)
    assert any("corrected totals.payable" in m for _, _, m in messages)
    assert app.reviews.queue(ReviewFilter()) == []


def test_a_review_reaches_the_csv_export_once_with_the_corrected_values(app: App) -> None:
    activate(app, "0", "export.csv")
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    request = ReviewRequest(
        {"invoice_number": "INV-CSV-2", "totals.payable": "118.00"},
        PersonDecision.APPROVE,
        "csv, check",
    )

    done = app.reviews.review(run.run_id, "alice", request)

    with (app.settings.home / "exports" / "invoices.csv").open(encoding="utf-8") as fh:
        header, *table = list(csv.reader(fh))
    rows = [dict(zip(header, r, strict=True)) for r in table]
    assert [
        (r["run_id"], r["invoice_number"], r["payable"], r["decision"], r["idempotency_key"])
        for r in rows
    ] == [
        (run.run_id, "ACM-24-0173", "7826.38", "review", f"{run.run_id}:export"),
        (run.run_id, "INV-CSV-2", "118.00", "approve", f"{run.run_id}:export:r1"),
    ]
    assert rows[1]["reasons"].startswith("approved by alice: csv, check")
    assert done.status is not RunStatus.FAILED


def test_every_run_keeps_its_source_once(app: App) -> None:
    first = app.runner.run_path(example("ubl-invoice.xml"))
    again = app.runner.run_path(example("ubl-invoice.xml"))
    sha = first.source_sha256
    assert sha is not None and again.source_sha256 == sha
    with app.unit_of_work() as uow:
        assert uow.sources.get(sha) == example("ubl-invoice.xml").read_bytes()
    with app.database.reader() as reader:
        rows = reader.connection.execute(select(sources.c.sha256)).all()
    assert len(rows) == 1
    assert app.reviews.source(first.run_id) == (
        "ubl-invoice.xml",
        example("ubl-invoice.xml").read_bytes(),
    )


def test_a_rejection_needs_a_reason_and_a_decision_is_final(app: App) -> None:
    run = app.runner.run_path(example("rechnung-mueller-de.pdf"))
    with pytest.raises(InvalidCorrection, match="a rejection needs a reason"):
        app.reviews.review(run.run_id, "alice", ReviewRequest({}, PersonDecision.REJECT))

    done = app.reviews.review(
        run.run_id, "alice", ReviewRequest({}, PersonDecision.REJECT, "not our order")
    )
    assert done.status in (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_FALLBACK)
    assert done.decision is not None and done.decision["outcome"] == "reject"
    assert done.decision["decided_by"] == "alice" and done.decision["final"] is True
    assert done.final_decision is not None and done.final_decision["by"] == "alice"

    with pytest.raises(ReviewConflict, match="already has a final decision: rejected by alice"):
        app.reviews.review(run.run_id, "bob", ReviewRequest({}, PersonDecision.APPROVE))
    view = app.reviews.show(run.run_id)
    assert not view.reviewable and view.why_not is not None and "rejected by alice" in view.why_not
    refused = [(a, m) for a, r, m in review_events(app, run.run_id) if r is EventResult.REFUSED]
    assert [a for a, _ in refused] == ["alice", "bob"]
    assert "a rejection needs a reason" in refused[0][1]


def test_save_and_rerun_keeps_the_run_waiting_and_a_stale_revision_conflicts(app: App) -> None:
    run = app.runner.run_path(example("facture-dupont-fr.pdf"))
    again = app.reviews.review(
        run.run_id, "alice", ReviewRequest({"buyer_reference": "BR-7"}, None, None, 0)
    )
    assert again.review_revision == 1
    assert again.decision is not None and again.decision["outcome"] == "review"  # the rules'
    assert again.invoice is not None and again.invoice["buyer_reference"] == "BR-7"
    assert [i.run_id for i in app.reviews.queue(ReviewFilter())] == [run.run_id]

    with pytest.raises(ReviewConflict, match=r"reviewed by alice .*revision 1.*revision 0"):
        app.reviews.review(
            run.run_id, "bob", ReviewRequest({}, PersonDecision.APPROVE, expected_revision=0)
        )
    done = app.reviews.review(
        run.run_id, "bob", ReviewRequest({}, PersonDecision.APPROVE, expected_revision=1)
    )
    assert done.review_revision == 2
    assert done.invoice is not None and done.invoice["buyer_reference"] == "BR-7"
    assert exported(app, done)["idempotency_key"] == f"{run.run_id}:export:r2"
    assert [r.action for r in app.reviews.show(run.run_id).records] == [
        ReviewAction.CORRECT,
        ReviewAction.RERUN,
        ReviewAction.APPROVE,
    ]


def test_a_review_that_corrects_and_decides_nothing_is_refused_and_changes_nothing(
    app: App,
) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    same = {"invoice_number": "ACM-24-0173", "totals.payable": "7826,380"}  # as read
    for request, says in [
        (ReviewRequest({}), "nothing to correct or decide: send corrections, a decision, or both"),
        (ReviewRequest(same), "(invoice_number, totals.payable: already the value given"),
    ]:
        with pytest.raises(InvalidCorrection, match=re.escape(says)):
            app.reviews.review(run.run_id, "alice", request)

    view = app.reviews.show(run.run_id)
    assert view.run.review_revision == 0 and view.records == [] and view.reviewable
    assert view.run.invoice == run.invoice
    events = review_events(app, run.run_id)
    assert [(a, r) for a, r, _ in events] == [("alice", EventResult.REFUSED)] * 2
    assert "nothing to correct or decide" in events[0][2]

    # with a decision, a correction to the value a field has is no correction: not recorded
    done = app.reviews.review(
        run.run_id,
        "alice",
        ReviewRequest({**same, "buyer_reference": "BR-1"}, PersonDecision.APPROVE),
    )
    assert [(r.action, r.field) for r in app.reviews.show(run.run_id).records] == [
        (ReviewAction.CORRECT, "buyer_reference"),
        (ReviewAction.APPROVE, None),
    ]
    assert done.invoice is not None and done.invoice["totals"]["payable"] == "7826.38"


def test_only_a_final_approve_teaches_the_issuers_profile(app: App) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    saved = app.reviews.review(run.run_id, "alice", ReviewRequest({"invoice_number": "A-1"}))
    assert saved.review_revision == 1
    assert app.profiles.list() == []  # a save is not an approval

    app.reviews.review(
        run.run_id, "alice", ReviewRequest({"totals.payable": "7826.40"}, PersonDecision.APPROVE)
    )

    (profile,) = app.profiles.list()
    assert profile.issuer_key
    with app.unit_of_work() as uow:
        events = uow.events.list(action=EventAction.PROFILE.value, limit=10)
    [learned] = [e.message for e in events if run.run_id in e.message]
    assert "corrected fields invoice_number, totals.payable" in learned  # both reviews'


def test_a_rejection_teaches_nothing_even_with_corrections(app: App) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    app.reviews.review(
        run.run_id,
        "alice",
        ReviewRequest({"invoice_number": "A-1"}, PersonDecision.REJECT, "not ours"),
    )
    assert app.profiles.list() == []


def test_a_revision_ahead_of_the_runs_is_a_conflict_that_says_so(app: App) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    request = ReviewRequest({}, PersonDecision.APPROVE, expected_revision=999)
    with pytest.raises(ReviewConflict) as caught:
        app.reviews.review(run.run_id, "alice", request)
    assert str(caught.value) == (
        f"revision 999 of run {run.run_id} does not exist; the run is at revision 0: reload it "
        f"(`turnout review show {run.run_id}`, or GET /api/v1/runs/{run.run_id}/review)"
    )
    assert app.reviews.show(run.run_id).run.review_revision == 0


@pytest.mark.parametrize(
    ("actor", "says"),
    [
        ("vic", "user `vic` (viewer) may not review runs"),
        ("mallory", "user `mallory` is not registered"),
    ],
)
def test_viewers_and_unregistered_users_are_refused_and_audited(
    app: App, actor: str, says: str
) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    with pytest.raises(PermissionDenied, match=re.escape(says)) as caught:
        app.reviews.review(run.run_id, actor, ReviewRequest({"invoice_number": "X"}))
    assert f"turnout users add {actor} --role reviewer" in str(caught.value)
    assert (actor, EventResult.REFUSED) in [(a, r) for a, r, _ in review_events(app, run.run_id)]
    assert app.reviews.show(run.run_id).run.review_revision == 0


def test_a_reviewer_may_change_nothing_else(app: App) -> None:
    with pytest.raises(PermissionDenied, match="may not change configurations"):
        app.configurations.create(default_document(), "alice")
    with pytest.raises(PermissionDenied):
        UserService(app.unit_of_work).grant("eve", Role.REVIEWER, "alice")


def test_corrections_that_do_not_fit_are_refused_and_audited(app: App) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    with pytest.raises(InvalidCorrection, match=re.escape("`sellr.name` is not a field")):
        app.reviews.review(run.run_id, "alice", ReviewRequest({"sellr.name": "x"}))
    with pytest.raises(
        InvalidCorrection, match=re.escape("issue_date: `32.01.2024` is not a date")
    ):
        app.reviews.review(run.run_id, "alice", ReviewRequest({"issue_date": "32.01.2024"}))
    refusals = [m for _, r, m in review_events(app, run.run_id) if r is EventResult.REFUSED]
    assert len(refusals) == 2
    assert app.reviews.show(run.run_id).reviewable


def test_a_run_of_a_superseded_version_continues_on_its_version(app: App) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    newer = activate(app, "1000000")
    assert newer != run.config_version
    done = app.reviews.review(
        run.run_id, "bob", ReviewRequest({"invoice_number": "ACM-1"}, PersonDecision.APPROVE)
    )
    assert done.config_version == run.config_version
    assert done.decision is not None
    # the pinned version's routing (review above 0.00) ran again; the person decided
    assert any("review threshold 0.00" in r for r in done.decision["reasons"])
    assert exported(app, done)["config_version"] == run.config_version


def test_a_completed_run_is_not_reviewable(app: App) -> None:
    activate(app, "1000000")
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    assert run.decision is not None and run.decision["outcome"] == "approve"
    with pytest.raises(NotReviewable, match="nothing waits for a person"):
        app.reviews.review(run.run_id, "alice", ReviewRequest({}, PersonDecision.APPROVE))


def test_an_einvoice_correction_keeps_what_only_einvoices_carry(app: App) -> None:
    run = app.runner.run_path(example("ubl-invoice.xml"))
    assert run.decision is not None and run.decision["outcome"] == "review"
    assert run.invoice is not None
    done = app.reviews.review(
        run.run_id,
        "alice",
        ReviewRequest({"seller.name": "Lindenholz GmbH"}, PersonDecision.APPROVE),
    )
    assert done.invoice is not None
    assert done.invoice["seller"]["name"] == "Lindenholz GmbH"
    assert done.invoice["lines"] == run.invoice["lines"]
    assert exported(app, done)["invoice"]["seller"]["name"] == "Lindenholz GmbH"


def test_a_document_nothing_was_read_from_gets_its_invoice_from_the_person(app: App) -> None:
    pdf = make_pdf(text="Thank you for your visit, see you soon at the shop")
    run = app.runner.run_bytes("letter.pdf", pdf)
    assert run.status is RunStatus.NEEDS_REVIEW, run.reason
    assert run.run_id in [i.run_id for i in app.reviews.queue(ReviewFilter())]
    done = app.reviews.review(
        run.run_id,
        "alice",
        ReviewRequest(
            {"invoice_number": "L-1", "totals.payable": "12,50", "currency": "EUR"},
            PersonDecision.APPROVE,
        ),
    )
    assert done.invoice is not None and done.invoice["invoice_number"] == "L-1"
    assert done.invoice["totals"]["payable"] == "12.50"
    assert done.decision is not None and done.decision["decided_by"] == "alice"


def test_a_review_whose_process_died_leaves_the_run_in_the_queue_without_its_decision(
    app: App, db_url: str, tmp_path: Path
) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    dying = bootstrap(Settings(home=tmp_path, database_url=db_url, lease_s=0.3))
    try:
        dying.reviews._claim(  # the review's claim transaction, with no continuation after it
            run.run_id, "alice", ReviewRequest({"invoice_number": "X-1"}, PersonDecision.APPROVE)
        )
    finally:
        dying.close()
    time.sleep(0.4)  # its lease runs out

    [reaped] = app.reap_orphans()

    assert reaped.run_id == run.run_id and reaped.status is RunStatus.FAILED
    assert reaped.reason is not None and "the approve was not applied: review it again" in (
        reaped.reason
    )
    view = app.reviews.show(run.run_id)
    assert view.reviewable and view.run.final_decision is None
    assert run.run_id in [i.run_id for i in app.reviews.queue(ReviewFilter())]
    done = app.reviews.review(
        run.run_id, "alice", ReviewRequest({"invoice_number": "X-1"}, PersonDecision.APPROVE)
    )
    assert done.review_revision == 2 and done.status is not RunStatus.FAILED
    assert done.invoice is not None and done.invoice["invoice_number"] == "X-1"
    assert done.machine_invoice is not None
    assert done.machine_invoice["invoice_number"] == "ACM-24-0173"


def test_a_run_under_review_is_in_flight_and_holds_back_an_activation(app: App) -> None:
    run = app.runner.run_path(example("invoice-acme-en.pdf"))
    claimed = app.reviews._claim(  # the claim's transaction; the run continues below
        run.run_id, "alice", ReviewRequest({}, PersonDecision.APPROVE)
    )
    base = default_document()
    newer = app.configurations.create(base, "ann").config.version
    app.configurations.validate(newer, "ann")
    app.configurations.activate(newer, "ann")
    with app.unit_of_work() as uow:
        pointers = uow.configurations.pointers()
        assert uow.runs.in_flight() == 1
    assert pointers.pending is not None and pointers.pending.version == newer

    done = app.runner.continue_reviewed(claimed.run, claimed.data, claimed.resume)

    assert done.config_version == run.config_version  # its pinned version, not the pending one
    with app.unit_of_work() as uow:
        pointers = uow.configurations.pointers()
    assert pointers.pending is None
    assert pointers.active is not None and pointers.active.version == newer


def test_a_page_read_invoice_reads_back_the_same_from_raw_fields(app: App) -> None:
    """What a reviewed run continues from when nothing was corrected: the same invoice, every
    value's source and boxes on the page included (a line's values share the line's)."""
    files = [(p.name, p.read_bytes()) for p in bundled_examples() if p.suffix == ".pdf"]
    files += [(f"printed-{seed}.pdf", printed_invoice(seed).pdf) for seed in range(6)]
    context = RunContext("run", 1, "normalize", "normalize.standard", app.settings.home)
    for name, data in files:
        run = app.runner.run_bytes(name, data)
        assert run.invoice is not None, (name, run.reason)
        fields = fields_of(Invoice.from_dict(run.invoice))
        (again,) = StandardNormalize().process(Artifacts([fields]), context)
        assert again.invoice.to_dict() == run.invoice, name  # type: ignore[attr-defined]
