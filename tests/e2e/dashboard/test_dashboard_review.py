"""The dashboard's review pages: the queue, the review screen, its checks, and a review submitted
through its form by a reviewer (and refused for a viewer, without a reason, or when stale)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from e2e.dashboard.dashboard_support import Dashboard, example
from support.api import ADMIN
from support.printed_invoices import PrintedInvoice, printed_invoice
from turnout.domain.events import EventAction, EventResult
from turnout.domain.users import Role
from turnout.runtime.config_document import parse_document
from turnout.runtime.tokens import TokenService
from turnout.runtime.users import UserService

REVIEWER = "rita"


def _reviewer(dash: Dashboard) -> TestClient:
    """A signed-in session of a user holding only the reviewer role."""
    if "reviewer" not in dash.tokens:
        UserService(dash.app.unit_of_work).grant(REVIEWER, Role.REVIEWER, ADMIN)
        dash.tokens["reviewer"] = TokenService(dash.app.unit_of_work).create(REVIEWER, ADMIN).token
    return dash.session("reviewer")


def _review_everything(dash: Dashboard) -> None:
    """Activate a version whose route sends every invoice to a person (review_above 0)."""
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "every invoice to a person"
    doc["selections"]["route"]["settings"] = {"review_above": "0"}
    version = dash.app.configurations.create(parse_document(doc), ADMIN).config.version
    dash.app.configurations.validate(version, ADMIN)
    dash.app.configurations.activate(version, ADMIN)


def _waiting(dash: Dashboard, seed: int) -> tuple[str, PrintedInvoice]:
    printed = printed_invoice(seed, language="en", layout="blocks")
    run = dash.app.runner.run_bytes(f"printed-{seed}.pdf", printed.pdf)
    assert run.decision is not None and run.decision["outcome"] == "review", run.decision
    return run.run_id, printed


def _form(page: str) -> dict[str, str]:
    """The review form's hidden and field values, as a browser would send them untouched."""
    form = page[page.index('id="review-form"') :]
    values = dict(re.findall(r'name="(csrf|revision)" value="([^"]*)"', form))
    for name, value in re.findall(r'name="(f\.[^"]+)" value="([^"]*)"', form):
        values[name] = value.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
    return values


@pytest.fixture
def waiting(dash: Dashboard) -> tuple[Dashboard, str, PrintedInvoice]:
    _review_everything(dash)
    run_id, printed = _waiting(dash, 3)
    return dash, run_id, printed


def test_the_queue_lists_the_runs_waiting_with_their_reasons_and_the_navigation_counts_them(
    dash: Dashboard,
) -> None:
    _review_everything(dash)
    first, one = _waiting(dash, 3)
    second, two = _waiting(dash, 4)
    client = dash.session("viewer")
    page = client.get("/review")
    assert page.status_code == 200
    assert f'href="/review/{first}"' in page.text and f'href="/review/{second}"' in page.text
    assert "above the review threshold" in page.text
    assert re.search(r'id="nav-review"[^>]*>Review <span class="count"[^>]*>2</span>', page.text)
    seller = one.truth["seller"]["name"]
    assert seller != two.truth["seller"]["name"]
    found = client.get("/review", params={"seller": seller.split()[0].lower()}).text
    assert f"/review/{first}" in found and f"/review/{second}" not in found
    number = two.truth["invoice_number"]
    found = client.get("/review", params={"invoice_number": number}).text
    assert f"/review/{second}" in found and f"/review/{first}" not in found
    nothing = client.get("/review", params={"amount_min": "99999999"}).text
    assert "No run waiting for a person matches" in nothing
    refused = client.get("/review", params={"amount_max": "lots"})
    assert refused.status_code == 400 and "is not an amount" in refused.text
    refused = client.get("/review", params={"date_from": "yesterday"})
    assert refused.status_code == 400 and "YYYY-MM-DD" in refused.text


def test_the_review_screen_shows_each_field_where_it_was_read_and_the_pages_to_signed_in_users(
    waiting: tuple[Dashboard, str, PrintedInvoice],
) -> None:
    dash, run_id, printed = waiting
    client = dash.session("viewer")
    page = client.get(f"/review/{run_id}").text
    number = printed.truth["invoice_number"]
    field = re.search(r'<input id="f-invoice_number"[^>]*>', page, re.S)
    assert field and f'value="{number}"' in field.group(0)
    boxes = re.search(r'data-boxes="([^"]*)"', field.group(0))
    assert boxes and json.loads(boxes.group(1).replace("&#34;", '"'))[0][0] == 1
    assert "not read from the page" in page  # a field the reader did not place says so
    assert 'src="/review/' + run_id + "/pages/1?width=" in page
    assert "Approve" not in page and "readonly" in field.group(0)  # a viewer only looks

    image = client.get(f"/review/{run_id}/pages/1?width=600")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG") and "private" in image.headers["cache-control"]
    assert client.get(f"/review/{run_id}/pages/9").status_code == 404
    stranger = dash.client()
    assert stranger.get(f"/review/{run_id}/pages/1").headers["location"] == "/signin"
    assert stranger.get(f"/review/{run_id}").headers["location"] == "/signin"


def test_values_are_checked_as_typed_with_the_pipelines_parsers(
    waiting: tuple[Dashboard, str, PrintedInvoice],
) -> None:
    dash, run_id, printed = waiting
    client = dash.session("viewer")

    def check(field: str, value: str) -> dict[str, object]:
        response = client.get(f"/review/{run_id}/check", params={"field": field, "value": value})
        assert response.status_code == 200
        verdict: dict[str, object] = response.json()
        return verdict

    assert check("issue_date", "05.03.2024") == {
        "field": "issue_date",
        "ok": True,
        "message": "read as 2024-03-05",
        "value": "2024-03-05",
    }
    assert check("due_date", "31.02.2024")["ok"] is False
    assert check("totals.payable", "1.234,56")["value"] == "1234.56"
    assert check("lines.0.net_amount", "12,3x")["ok"] is False
    # the screen reads as the review service stores: an ambiguous `1.500` is refused by both,
    # never shown as 1500 and stored as 1.5
    ambiguous = check("totals.payable", "1.500")
    assert ambiguous["ok"] is False and "1500 or 1.50" in str(ambiguous["message"])
    assert check("seller.vat_id", "DE 136 695 976")["value"] == "DE136695976"
    verdict = check("seller.vat_id", "DE136695977")
    assert verdict["ok"] is False and "check digit" in str(verdict["message"])
    iban = printed.truth["payment"]["iban"]
    assert check("payment.iban", iban)["ok"] is True
    assert check("payment.iban", iban[:-1] + str((int(iban[-1]) + 1) % 10))["ok"] is False
    assert check("currency", "€")["value"] == "EUR"


def test_a_reviewer_corrects_and_approves_through_the_form_and_the_export_holds_it(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    _review_everything(dash)
    run_id, printed = _waiting(dash, 3)
    client = _reviewer(dash)
    screen = client.get(f"/review/{run_id}").text
    assert 'value="approve"' in screen and 'value="reject"' in screen and "rerun" in screen
    form = _form(screen)
    form["f.invoice_number"] = "R-2024-0815"
    payable = Decimal(printed.truth["totals"]["payable"])
    form["f.totals.payable"] = f"{payable:,.2f}".replace(",", " ").replace(".", ",")  # same value
    response = client.post(
        f"/review/{run_id}", data={**form, "action": "approve", "comment": "number fixed"}
    )
    assert response.status_code == 303 and response.headers["location"] == f"/runs/{run_id}"
    run_page = client.get(f"/runs/{run_id}").text
    assert f"approved by {REVIEWER} with 1 correction" in run_page
    assert "decided by <strong>rita</strong>" in run_page

    with dash.app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
        records = uow.reviews.for_run(run_id)
        events = uow.events.list(action=str(EventAction.REVIEW), actor=REVIEWER)
    assert run is not None and run.invoice is not None and run.machine_invoice is not None
    assert run.invoice["invoice_number"] == "R-2024-0815"
    assert run.machine_invoice["invoice_number"] == printed.truth["invoice_number"]
    assert [(r.action, r.field) for r in records] == [
        ("correct", "invoice_number"),
        ("approve", None),
    ]
    assert run.decision is not None and run.decision["decided_by"] == REVIEWER
    assert any("invoice_number" in e.message for e in events)
    exported = json.loads((dash.app.settings.home / "exports" / f"{run_id}.json").read_text())
    assert exported["invoice"]["invoice_number"] == "R-2024-0815"
    assert exported["source_file"] == "printed-3.pdf"

    again = client.post(f"/review/{run_id}", data={**form, "action": "approve"})
    assert again.status_code == 409
    assert 'id="reload"' in again.text and f'href="/review/{run_id}"' in again.text
    done = client.get(f"/review/{run_id}").text
    assert 'id="not-reviewable"' in done and 'value="approve"' not in done


def test_a_rejection_needs_a_reason_and_changes_nothing_without_one(
    waiting: tuple[Dashboard, str, PrintedInvoice],
) -> None:
    dash, run_id, _ = waiting
    client = _reviewer(dash)
    form = _form(client.get(f"/review/{run_id}").text)
    form["f.invoice_number"] = "kept in the form"
    response = client.post(f"/review/{run_id}", data={**form, "action": "reject", "comment": ""})
    assert response.status_code == 422
    assert "a rejection needs a reason" in response.text
    assert 'value="kept in the form"' in response.text  # what was typed is not lost
    with dash.app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
        assert run is not None and run.review_revision == 0 and not uow.reviews.for_run(run_id)
        # the refusal is an audit event, like every refusal
        refused = [
            e
            for e in uow.events.list(action=EventAction.REVIEW.value)
            if e.result is EventResult.REFUSED and run_id in e.message
        ]
    assert refused and "a rejection needs a reason" in refused[0].message
    response = client.post(
        f"/review/{run_id}", data={**form, "action": "reject", "comment": "not ours"}
    )
    assert response.status_code == 303
    with dash.app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    assert run is not None and run.decision is not None
    assert run.decision["outcome"] == "reject" and run.decision["decided_by"] == REVIEWER


def test_an_unreadable_correction_is_shown_on_the_screen_with_what_was_typed(
    waiting: tuple[Dashboard, str, PrintedInvoice],
) -> None:
    dash, run_id, _ = waiting
    client = _reviewer(dash)
    form = _form(client.get(f"/review/{run_id}").text)
    form["f.issue_date"] = "the thirty-first of Smarch"
    response = client.post(f"/review/{run_id}", data={**form, "action": "rerun"})
    assert response.status_code == 422
    assert 'id="review-error"' in response.text and "issue_date" in response.text
    assert 'value="the thirty-first of Smarch"' in response.text


@pytest.mark.parametrize("role", ["viewer", "maintainer", "admin"])
def test_roles_that_may_not_review_see_no_actions_and_their_review_is_refused_and_audited(
    waiting: tuple[Dashboard, str, PrintedInvoice], role: str
) -> None:
    dash, run_id, _ = waiting
    client = dash.session(role)
    page = client.get(f"/review/{run_id}").text
    assert 'value="approve"' not in page and "need the reviewer or operator role" in page
    response = client.post(
        f"/review/{run_id}",
        data={"csrf": dash.csrf(client, "/review"), "revision": "0", "action": "approve"},
    )
    assert response.status_code == 403
    with dash.app.unit_of_work() as uow:
        refused = uow.events.list(action=str(EventAction.REVIEW))
    assert any(e.result == EventResult.REFUSED and e.actor != REVIEWER for e in refused)
    with dash.app.unit_of_work() as uow:
        assert not uow.reviews.for_run(run_id)


def test_an_operator_may_review_and_a_form_without_its_token_is_refused(
    waiting: tuple[Dashboard, str, PrintedInvoice],
) -> None:
    dash, run_id, _ = waiting
    client = dash.session("operator")
    form = _form(client.get(f"/review/{run_id}").text)
    forged = client.post(f"/review/{run_id}", data={**form, "csrf": "0" * 32, "action": "approve"})
    assert forged.status_code == 403 and "security token" in forged.text
    form["f.invoice_number"] = "OP-2024-1"  # a save and re-run needs something to save
    response = client.post(f"/review/{run_id}", data={**form, "action": "rerun"})
    assert response.status_code == 303 and response.headers["location"] == f"/review/{run_id}"
    with dash.app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    assert run is not None and run.review_revision == 1 and run.final_decision is None


def test_run_lists_show_the_decision_invoice_seller_and_total_and_the_run_page_why(
    waiting: tuple[Dashboard, str, PrintedInvoice],
) -> None:
    dash, run_id, printed = waiting
    client = dash.session("viewer")
    for path in ("/runs", "/"):
        page = client.get(path).text
        row = re.search(rf'<tr data-run="{run_id}">.*?</tr>', page, re.S)
        assert row, path
        cells = row.group(0)
        assert f"<code>{run_id[:8]}</code>" in cells
        assert "badge-decision-review" in cells
        assert printed.truth["invoice_number"] in cells
        assert printed.truth["seller"]["name"] in cells
        assert printed.truth["totals"]["payable"] in cells
        assert "above the review threshold" in cells
    page = client.get(f"/runs/{run_id}").text
    assert f'href="/review/{run_id}"' in page and "above the review threshold" in page


def test_an_e_invoice_has_no_page_to_show_and_its_fields_no_box(dash: Dashboard) -> None:
    _review_everything(dash)
    name, data = example("ubl-invoice.xml")
    run = dash.app.runner.run_bytes(name, data)
    page = dash.session("viewer").get(f"/review/{run.run_id}")
    assert page.status_code == 200
    assert "no page to show: an XML e-invoice" in page.text
    field = re.search(r'<input id="f-invoice_number"[^>]*>', page.text, re.S)
    assert field and 'data-boxes="[]"' in field.group(0)
    assert 'data-origin="einvoice"' in field.group(0)  # the highlight says so too, calmly
    assert dash.session("viewer").get(f"/review/{run.run_id}/pages/1").status_code == 404
    # its values come from the XML: said so in a neutral style, not warned about as unplaced
    assert "not read from the page" not in page.text
    note = re.search(r'<span class="note" id="n-invoice_number">.*?</span>', page.text, re.S)
    assert note and 'class="from-einvoice"' in note.group(0)
    assert "from the e-invoice (no page)" in note.group(0)


def test_after_a_decision_the_next_run_waiting_is_one_click_away(dash: Dashboard) -> None:
    _review_everything(dash)
    first, _ = _waiting(dash, 3)
    second, _ = _waiting(dash, 4)
    client = _reviewer(dash)
    form = _form(client.get(f"/review/{first}").text)
    assert client.post(f"/review/{first}", data={**form, "action": "approve"}).status_code == 303
    page = client.get(f"/runs/{first}").text
    assert f'href="/review/next?after={first}"' in page
    following = client.get(f"/review/next?after={first}")
    assert following.headers["location"] == f"/review/{second}"
    form = _form(client.get(f"/review/{second}").text)
    assert client.post(f"/review/{second}", data={**form, "action": "approve"}).status_code == 303
    assert "next-waiting" not in client.get(f"/runs/{second}").text
    assert client.get(f"/review/next?after={second}").headers["location"] == "/review"


def _nav(page: str) -> list[str]:
    """The navigation's links, in order."""
    nav = re.search(r"<nav>(.*?)</nav>", page, re.S)
    assert nav, page[:500]
    return re.findall(r'<a href="([^"]+)"', nav.group(1))


def test_an_error_page_has_the_same_navigation_and_an_unknown_page_is_an_html_page(
    waiting: tuple[Dashboard, str, PrintedInvoice],
) -> None:
    dash, run_id, _ = waiting
    client = dash.session("viewer")
    usual = _nav(client.get("/review").text)
    assert usual == ["/", "/review", "/runs", "/configurations", "/events"]
    refused = client.post(
        f"/review/{run_id}",
        data={"csrf": dash.csrf(client, "/review"), "revision": "0", "action": "approve"},
    )
    assert refused.status_code == 403 and "Not allowed" in refused.text
    assert _nav(refused.text) == usual

    for path in (
        "/review/..%2F..%2Fetc%2Fpasswd/pages/1",
        f"/review/{run_id}/pages/1/more",
        f"/runs/{run_id}/nothing",
        "/configurations/1/nothing/here",
    ):
        missing = client.get(path)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith("text/html"), path
        assert "Not found" in missing.text and "no page at" in missing.text, path
        assert _nav(missing.text) == usual, path
    assert client.get("/review/").headers.get("location") in ("/review", "http://testserver/review")
    assert client.get("/api/v1/nothing").headers["content-type"].startswith("application/json")
