"""Issuer profiles on SQLite and PostgreSQL, through the real runner, review service and modules:
a reviewer's correction teaches the issuer's profile, the issuer's next invoice is read with it
(`extract.learned`), every change is a version and an audit event; import and reset need an
operator or maintainer, refusals are audited; a reset profile reads like the layout reader."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.issuer_invoices import ISSUERS, issuer_invoice
from support.issuer_letters import MOLEN, MOLEN_ELSEWHERE, letter
from turnout.bootstrap import App, bootstrap
from turnout.domain.artifacts import Source, Text
from turnout.domain.errors import NotFound, PermissionDenied, RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.profiles import ProfileAction
from turnout.domain.review import PersonDecision, ReviewRequest
from turnout.domain.runs import Run
from turnout.domain.users import Role
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.text.pdfium import PdfiumText
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.defaults import default_document
from turnout.runtime.users import UserService
from turnout.settings import Settings

ISSUER = next(i for i in ISSUERS if i.name == "de-vorgang")  # its number label is unknown
SAECO = Path(__file__).parents[2].parent / "shared/corpora/invoice2data/compare/saeco.pdf"
TEMPLATE = """
issuer: Gadget Works GmbH
keywords: [Gadget Works, DE811907980]
fields:
  invoice_number: Belegnummer\\s+(\\S+)
  amount: Zahlbetrag\\s+([\\d.,]+)
options: {currency: EUR, decimal_separator: ','}
"""


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    app = bootstrap(Settings(home=tmp_path, database_url=db_url))
    app.init("ann")
    users = UserService(app.unit_of_work)
    users.grant("rex", Role.REVIEWER, "ann")
    users.grant("olga", Role.OPERATOR, "ann")
    users.grant("max", Role.MAINTAINER, "ann")
    users.grant("vic", Role.VIEWER, "ann")
    base = default_document()
    selections = {
        **base.selections,
        "extract": SelectionDoc("extract.learned"),
        "route": SelectionDoc("route.rules", {"review_above": "0"}),  # everything to a person
    }
    doc = ConfigDocument("learned issuers", selections, dict(base.policies))
    version = app.configurations.create(doc, "ann").config.version
    report = app.configurations.validate(version, "ann")
    assert report.valid, report.problems
    app.configurations.activate(version, "ann")
    try:
        yield app
    finally:
        app.close()


def process(app: App, n: int, tmp_path: Path) -> tuple[Run, dict]:  # type: ignore[type-arg]
    printed = issuer_invoice(ISSUER, n)
    path = tmp_path / f"vorgang-{n}.pdf"
    path.write_bytes(printed.pdf)
    return app.runner.run_path(path), printed.truth


def profile_events(app: App) -> list[tuple[str, EventResult, str]]:
    with app.unit_of_work() as uow:
        events = uow.events.list(action=EventAction.PROFILE.value, limit=100)
    return [(e.actor, e.result, e.message) for e in reversed(events)]


def test_a_correction_teaches_the_issuer_and_its_next_invoice_is_read_with_it(
    app: App, tmp_path: Path
) -> None:
    first, truth = process(app, 0, tmp_path)
    assert first.invoice is not None
    assert first.invoice.get("invoice_number") != truth["invoice_number"]
    assert app.profiles.list() == []

    app.reviews.review(
        first.run_id,
        "rex",
        ReviewRequest({"invoice_number": truth["invoice_number"]}, PersonDecision.APPROVE),
    )

    (profile,) = app.profiles.list()
    assert profile.issuer_key == f"vat:{truth['seller']['vat_id']}"
    assert profile.version == 1 and profile.updated_by == "rex"
    assert "invoice_number" in profile.fields
    (version,) = app.profiles.versions(profile.issuer_key)
    assert (version.action, version.actor, version.run_id) == (
        ProfileAction.LEARN,
        "rex",
        first.run_id,
    )
    ((actor, result, message),) = profile_events(app)
    assert (actor, result) == ("rex", EventResult.OK)
    assert first.run_id in message and "invoice_number" in message

    second, truth = process(app, 1, tmp_path)
    assert second.invoice is not None
    assert second.invoice["invoice_number"] == truth["invoice_number"]
    assert second.invoice["provenance"]["invoice_number"]["module"] == "extract.learned"

    # approving it as read confirms the profile: one more version, the rule counted twice
    app.reviews.review(second.run_id, "rex", ReviewRequest({}, PersonDecision.APPROVE))
    shown = app.profiles.show(profile.issuer_key)
    assert shown.version == 2
    assert shown.data["fields"]["invoice_number"]["count"] == 2
    assert [v.version for v in app.profiles.versions(profile.issuer_key)] == [1, 2]


def test_a_reset_profile_leaves_the_issuer_to_the_layout_reader(app: App, tmp_path: Path) -> None:
    first, truth = process(app, 0, tmp_path)
    app.reviews.review(
        first.run_id,
        "rex",
        ReviewRequest({"invoice_number": truth["invoice_number"]}, PersonDecision.APPROVE),
    )
    key = f"vat:{truth['seller']['vat_id']}"
    with pytest.raises(PermissionDenied, match="operator"):
        app.profiles.reset(key, "rex")
    reset = app.profiles.reset(key, "olga")
    assert reset.version == 2 and reset.fields == ()
    assert [v.action for v in app.profiles.versions(key)] == [
        ProfileAction.LEARN,
        ProfileAction.RESET,
    ]
    second, truth = process(app, 1, tmp_path)
    assert second.invoice is not None
    assert second.invoice.get("invoice_number") != truth["invoice_number"]
    assert second.invoice["provenance"]["seller.vat_id"]["module"] == "extract.layout"
    results = [(a, r) for a, r, _ in profile_events(app)]
    assert results == [
        ("rex", EventResult.OK),
        ("rex", EventResult.REFUSED),
        ("olga", EventResult.OK),
    ]


@pytest.mark.parametrize(
    ("actor", "allowed"), [("olga", True), ("max", True), ("rex", False), ("vic", False)]
)
def test_only_operators_and_maintainers_import_templates_and_refusals_are_audited(
    app: App, actor: str, allowed: bool
) -> None:
    if not allowed:
        with pytest.raises(PermissionDenied, match="operator or maintainer"):
            app.profiles.import_template(TEMPLATE, actor)
        assert app.profiles.list() == []
        ((who, result, message),) = profile_events(app)
        assert (who, result) == (actor, EventResult.REFUSED) and "may not" in message
        return
    profile = app.profiles.import_template(TEMPLATE, actor)
    assert profile.issuer_key == "vat:DE811907980" and profile.version == 1
    assert set(profile.keys) == {"vat:DE811907980", "name:gadget works gmbh"}
    assert set(profile.fields) == {"invoice_number", "totals.payable"}
    for name in ("vat:DE811907980", "name:gadget works gmbh", "Gadget Works GmbH"):
        assert app.profiles.show(name).issuer_key == profile.issuer_key
    exported = app.profiles.export("Gadget Works GmbH")
    assert "Belegnummer" in exported and "Gadget Works" in exported
    again = app.profiles.import_template(exported, actor)
    assert (again.issuer_key, again.version) == (profile.issuer_key, 2)
    assert again.fields == profile.fields
    ((who, result, _), (_, second, _)) = profile_events(app)
    assert (who, result, second) == (actor, EventResult.OK, EventResult.OK)


def test_a_template_that_cannot_be_imported_is_refused_and_audited(app: App) -> None:
    with pytest.raises(RequestError, match="cannot be imported"):
        app.profiles.import_template("fields: [not, a, template]", "olga")
    ((who, result, message),) = profile_events(app)
    assert (who, result) == ("olga", EventResult.REFUSED) and "issuer" in message


def test_an_unknown_issuer_is_not_found_with_where_profiles_are_listed(app: App) -> None:
    for call in (
        lambda: app.profiles.show("vat:XX0"),
        lambda: app.profiles.export("nobody"),
        lambda: app.profiles.versions("nobody"),
    ):
        with pytest.raises(NotFound, match="turnout profiles list"):
            call()
    with pytest.raises(NotFound):
        app.profiles.reset("nobody", "olga")
    assert [(a, r) for a, r, _ in profile_events(app)] == [("olga", EventResult.REFUSED)]


def test_learning_never_fails_a_review(app: App, tmp_path: Path) -> None:
    run, _ = process(app, 0, tmp_path)
    assert app.profiles.learn_from_review(run, None, "rex", ()) is None  # no page text
    plain = Text(("Vorgang 1",), "test")  # no words, no geometry: nothing to learn from
    assert app.profiles.learn_from_review(run, plain, "rex", ()) is None
    assert app.profiles.learn_from_review(run, plain, "vic", ()) is None  # not a reviewer
    assert [(a, r) for a, r, _ in profile_events(app)] == [("vic", EventResult.REFUSED)]
    assert app.profiles.list() == []


def test_a_rejection_as_read_teaches_nothing(app: App, tmp_path: Path) -> None:
    run, _ = process(app, 0, tmp_path)
    app.reviews.review(run.run_id, "rex", ReviewRequest({}, PersonDecision.REJECT, "not our order"))
    assert app.profiles.list() == []
    assert profile_events(app) == []


def test_two_reviews_of_one_issuer_at_once_give_two_versions(app: App, tmp_path: Path) -> None:
    runs = [process(app, n, tmp_path) for n in (0, 1)]
    texts = [page_text(issuer_invoice(ISSUER, n).pdf) for n in (0, 1)]
    learned: list[object] = []
    barrier = threading.Barrier(2)

    def review(i: int) -> None:
        run, truth = runs[i]
        assert run.invoice is not None
        run.invoice["invoice_number"] = truth["invoice_number"]
        barrier.wait()
        learned.append(app.profiles.learn_from_review(run, texts[i], "rex", ("invoice_number",)))

    threads = [threading.Thread(target=review, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(learned) == 2 and None not in learned
    (profile,) = app.profiles.list()
    assert [v.version for v in app.profiles.versions(profile.issuer_key)] == [1, 2]
    assert profile.data["fields"]["invoice_number"]["count"] == 2
    assert [r for _, r, _ in profile_events(app)] == [EventResult.OK, EventResult.OK]


def page_text(pdf: bytes) -> Text:
    artifacts = Artifacts([Source("invoice.pdf", pdf)])
    for module in (StandardIntake(), PdfiumText()):
        context = RunContext("run-1", 1, module.spec.stage_id, module.spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts.require(Text)


def process_file(app: App, pdf: bytes, name: str, tmp_path: Path) -> Run:
    path = tmp_path / name
    path.write_bytes(pdf)
    return app.runner.run_path(path)


def seller_of(run: Run) -> tuple[str | None, str | None]:
    assert run.invoice is not None
    return run.invoice["seller"].get("name"), run.invoice["provenance"]["seller.name"]["module"]


def test_an_issuer_whose_name_a_reviewer_corrected_is_found_on_its_next_invoice(
    app: App, tmp_path: Path
) -> None:
    # a small issuer printing no VAT id nor IBAN: known by its name alone, and the reviewer
    # types its legal name, which the page does not print
    first = process_file(app, letter(MOLEN, 0)[0], "molen-0.pdf", tmp_path)
    assert seller_of(first) == ("De Molen", "extract.layout")
    legal = "Bakkerij De Molen Utrecht B.V."
    app.reviews.review(
        first.run_id, "rex", ReviewRequest({"seller.name": legal}, PersonDecision.APPROVE)
    )
    (profile,) = app.profiles.list()
    assert set(profile.keys) == {"name:bakkerij de molen utrecht b v", "read:de molen"}
    assert app.profiles.show("read:de molen").issuer_key == profile.issuer_key

    pdf, truth = letter(MOLEN, 1)
    second = process_file(app, pdf, "molen-1.pdf", tmp_path)
    assert seller_of(second) == (legal, "extract.learned")
    assert second.invoice is not None
    assert second.invoice["invoice_number"] == truth["invoice_number"]

    # another issuer of that name, its own letter: not read with the profile
    other = process_file(app, letter(MOLEN_ELSEWHERE, 0)[0], "groningen.pdf", tmp_path)
    assert seller_of(other) == ("De Molen", "extract.layout")


@pytest.mark.skipif(not SAECO.exists(), reason=f"corpora not found at {SAECO.parent}")
def test_saeco_whose_seller_is_printed_only_as_an_image_is_never_given_a_wrong_seller(
    app: App, tmp_path: Path
) -> None:
    # Saeco's company data is an image: its text names only the buyer, under the delivery
    # address. Neither that name nor a column header is taken for the seller; review asks.
    first = process_file(app, SAECO.read_bytes(), "saeco.pdf", tmp_path)
    assert first.invoice is not None and first.decision is not None
    assert first.invoice["seller"]["name"] is None
    assert first.decision["outcome"] == "review"
    assert any("seller name was not read" in reason for reason in first.decision["reasons"])
    corrections = {"invoice_number": "VF1005193039", "seller.name": "Saeco"}
    app.reviews.review(first.run_id, "rex", ReviewRequest(corrections, PersonDecision.APPROVE))
    assert app.profiles.show("Saeco").issuer_key == "name:saeco"

    # nothing on the next page names the issuer: its profile cannot be told, and the seller is
    # asked for again rather than guessed
    again = process_file(app, SAECO.read_bytes(), "saeco-again.pdf", tmp_path)
    assert again.invoice is not None and again.decision is not None
    assert again.invoice["seller"]["name"] is None
    assert again.decision["outcome"] == "review"
