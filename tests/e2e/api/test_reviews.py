"""/api/v1/reviews and /api/v1/runs/{id}/review: the queue, one run's review, corrections,
approve and reject, page images, every role (refusals audited), on SQLite and PostgreSQL.

The runs are real: the bundled printed invoice `invoice-acme-en.pdf` uploaded under a
configuration whose routing sends every invoice with an amount due to review (`review_above: 0`);
runs that need no person are the bundled e-invoices under the default configuration.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import httpx
import pytest

from support.api import ADMIN, USERS, Api
from turnout.bootstrap import bundled_examples
from turnout.domain.users import Role
from turnout.runtime.tokens import TokenService
from turnout.runtime.users import UserService

REVIEWER = "rex"
ROLES = ("viewer", "reviewer", "operator", "maintainer", "admin")
NAMES = {**USERS, "reviewer": REVIEWER}
MAY_REVIEW = {"reviewer", "operator"}
PRINTED = "invoice-acme-en.pdf"
EVERYTHING_TO_REVIEW = "every invoice with an amount due to review"


@pytest.fixture
def api(api: Api) -> Api:
    """The API with a reviewer too."""
    UserService(api.app.unit_of_work).grant(REVIEWER, Role.REVIEWER, ADMIN)
    api.tokens["reviewer"] = TokenService(api.app.unit_of_work).create(REVIEWER, ADMIN).token
    return api


def route_everything_to_review(api: Api) -> None:
    """Unless done already, create, validate and activate a copy of the active configuration
    whose `route.rules` asks for review of any amount due above 0."""
    active = api.get("/api/v1/configurations/active").json()
    if active["summary"] == EVERYTHING_TO_REVIEW:
        return
    selections = active["selections"]
    selections["route"] = {"module": "route.rules", "settings": {"review_above": "0"}}
    document = {
        "summary": EVERYTHING_TO_REVIEW,
        "selections": selections,
        "policies": active["policies"],
    }
    created = api.post("/api/v1/configurations", role="maintainer", json=document)
    assert created.status_code == 201, created.text
    version = created.json()["version"]
    checked = api.post(
        "/api/v1/configurations/validate", role="maintainer", json={"version": version}
    )
    assert checked.json()["valid"], checked.text
    activated = api.post(f"/api/v1/configurations/{version}/activate", role="maintainer")
    assert activated.status_code == 200, activated.text


def example(name: str) -> tuple[str, bytes]:
    path = next(p for p in bundled_examples() if p.name == name)
    return path.name, path.read_bytes()


def upload(api: Api, name: str = PRINTED) -> dict[str, Any]:
    response = api.post("/api/v1/runs", role="operator", files=[("files", example(name))])
    assert response.status_code == 201, response.text
    (run,) = response.json()
    return dict(run)


def waiting_run(api: Api) -> dict[str, Any]:
    """A run of the printed invoice, waiting for a person (decision `review`)."""
    route_everything_to_review(api)
    run = upload(api)
    assert run["decision"]["outcome"] == "review", run
    return run


def review_events(api: Api) -> list[tuple[str, str, str]]:
    events = api.get("/api/v1/events", params={"action": "review", "limit": 1000}).json()
    return [(e["actor"], e["result"], e["message"]) for e in events]


def exported(api: Api, run_id: str) -> dict[str, Any]:
    path = api.app.settings.home / "exports" / f"{run_id}.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


# -- the queue ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_queue_and_its_count(api: Api, role: str) -> None:
    run = waiting_run(api)
    queue = api.get("/api/v1/reviews", role=role)
    assert queue.status_code == 200, queue.text
    (item,) = queue.json()
    assert set(item) == {
        "run_id",
        "file",
        "status",
        "decision",
        "reasons",
        "invoice_number",
        "seller",
        "amount_due",
        "currency",
        "created_at",
    }
    assert item["run_id"] == run["run_id"] and item["file"] == PRINTED
    assert item["decision"] == "review"
    assert set(run["decision"]["reasons"]) <= set(item["reasons"])
    assert item["invoice_number"] == run["invoice"]["invoice_number"]
    assert item["amount_due"] == run["invoice"]["totals"]["payable"]
    assert api.get("/api/v1/reviews/count", role=role).json() == {"count": 1}


def test_the_queue_and_count_need_a_live_token(api: Api) -> None:
    for path in ("/api/v1/reviews", "/api/v1/reviews/count"):
        assert api.get(path, role=None).status_code == 401
        unknown = api.get(path, role=None, headers={"Authorization": "Bearer nope"})
        assert unknown.status_code == 401 and "turnout tokens create" in unknown.json()["detail"]


def test_runs_that_need_no_person_are_not_in_the_queue(api: Api) -> None:
    upload(api, "ubl-invoice.xml")  # the default configuration's rules approve it
    assert api.get("/api/v1/reviews").json() == []
    assert api.get("/api/v1/reviews/count").json() == {"count": 0}


def test_the_queue_is_searched_by_seller_number_amount_day_status_and_decision(api: Api) -> None:
    run = waiting_run(api)
    invoice = run["invoice"]
    day = run["created_at"][:10]
    amount = invoice["totals"]["payable"]
    seller = invoice["seller"]["name"]
    matching = [
        {"seller": seller[2:6].upper()},
        {"invoice_number": invoice["invoice_number"][-3:]},
        {"amount_min": amount, "amount_max": amount},
        {"date_from": day, "date_to": day},
        {"status": run["status"], "decision": "review"},
    ]
    for params in matching:
        found = api.get("/api/v1/reviews", params=params).json()
        assert [i["run_id"] for i in found] == [run["run_id"]], params
    missing = [
        {"seller": "no such seller"},
        {"invoice_number": "no-such-number"},
        {"amount_min": "1000000"},
        {"date_to": "2000-01-01"},
        {"status": "failed"},
        {"decision": "reject"},
    ]
    for params in missing:
        assert api.get("/api/v1/reviews", params=params).json() == [], params


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"amount_min": "ten"}, "amount_min"),
        ({"amount_max": "1e999"}, "amount_max"),
        ({"amount_min": "0.0000001"}, "amount_min"),
        ({"date_from": "2024-13-01"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"status": "lost"}, "status"),
        ({"decision": "maybe"}, "decision"),
        ({"limit": "0"}, "limit"),
        ({"amount_min": "10", "amount_max": "5"}, "amount_min"),
        ({"date_from": "2024-03-02", "date_to": "2024-03-01"}, "date_from"),
        ({"seller": "x" * 201}, "seller"),
    ],
)
def test_bad_search_values_are_refused_with_422_naming_the_parameter(
    api: Api, params: dict[str, str], named: str
) -> None:
    response = api.get("/api/v1/reviews", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "RequestValidationError"
    assert f"query.{named}" in response.json()["detail"]


# -- one run's review -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_a_runs_review(api: Api, role: str) -> None:
    run = waiting_run(api)
    response = api.get(f"/api/v1/runs/{run['run_id']}/review", role=role)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["run"] == api.get(f"/api/v1/runs/{run['run_id']}").json()
    assert view["records"] == [] and view["reviewable"] is True and view["why_not"] is None
    assert view["pages"] == 1 and view["pages_problem"] is None
    (size,) = view["page_sizes"]
    assert size == [612.0, 792.0]  # US Letter, in points, as the text stage read it
    image = api.get(f"/api/v1/runs/{run['run_id']}/pages/1", role=role)
    pt = [float(image.headers["x-page-width-pt"]), float(image.headers["x-page-height-pt"])]
    assert pt == size  # the image's page is the boxes' page


def test_a_runs_review_needs_a_token_and_an_existing_run(api: Api) -> None:
    run = waiting_run(api)
    assert api.get(f"/api/v1/runs/{run['run_id']}/review", role=None).status_code == 401
    missing = api.get("/api/v1/runs/no-such-run/review")
    assert missing.status_code == 404 and "no-such-run" in missing.json()["detail"]


# -- reviewing ------------------------------------------------------------------------------------


def test_a_reviewer_corrects_and_approves_and_the_export_holds_the_corrected_values(
    api: Api,
) -> None:
    run = waiting_run(api)
    run_id = run["run_id"]
    machine_number = run["invoice"]["invoice_number"]
    response = api.post(
        f"/api/v1/runs/{run_id}/review",
        role="reviewer",
        json={
            "corrections": {"invoice_number": "R-2024-0042", "buyer_reference": "PO 7"},
            "decision": "approve",
            "comment": "checked against the paper",
        },
    )
    assert response.status_code == 200, response.text
    reviewed = response.json()
    assert reviewed["run_id"] == run_id and reviewed["status"].startswith("completed")
    assert reviewed["invoice"]["invoice_number"] == "R-2024-0042"
    assert reviewed["invoice"]["buyer_reference"] == "PO 7"
    decision = reviewed["decision"]
    assert decision["outcome"] == "approve" and decision["decided_by"] == REVIEWER
    assert decision["final"] is True
    assert decision["reasons"][0].startswith(f"approved by {REVIEWER}")
    assert reviewed["review_revision"] == 1
    assert reviewed["final_decision"]["outcome"] == "approve"
    # the same run as GET /runs/{id} answers it
    assert api.get(f"/api/v1/runs/{run_id}").json() == reviewed

    export = exported(api, run_id)
    assert export["invoice"]["invoice_number"] == "R-2024-0042"
    assert export["decision"]["decided_by"] == REVIEWER

    view = api.get(f"/api/v1/runs/{run_id}/review").json()
    assert view["reviewable"] is False and REVIEWER in (view["why_not"] or "")
    corrections = {r["field"]: r for r in view["records"] if r["action"] == "correct"}
    assert set(corrections) == {"invoice_number", "buyer_reference"}
    number = corrections["invoice_number"]
    assert number["actor"] == REVIEWER and number["machine_value"] == machine_number
    assert number["corrected_value"] == "R-2024-0042"
    assert [r["action"] for r in view["records"] if r["action"] != "correct"] == ["approve"]

    events = review_events(api)
    assert all(actor == REVIEWER and result == "ok" for actor, result, _ in events), events
    assert any("invoice_number" in message and "R-2024-0042" in message for *_, message in events)
    assert api.get("/api/v1/reviews").json() == []


def test_an_operator_may_reject_with_a_reason(api: Api) -> None:
    run = waiting_run(api)
    response = api.post(
        f"/api/v1/runs/{run['run_id']}/review",
        role="operator",
        json={"decision": "reject", "comment": "not ours: wrong buyer"},
    )
    assert response.status_code == 200, response.text
    decision = response.json()["decision"]
    assert decision["outcome"] == "reject" and decision["decided_by"] == USERS["operator"]
    assert "not ours: wrong buyer" in decision["reasons"][0]


def test_save_and_rerun_keeps_the_run_in_the_queue_until_a_person_decides(api: Api) -> None:
    run = waiting_run(api)
    run_id = run["run_id"]
    saved = api.post(
        f"/api/v1/runs/{run_id}/review",
        role="reviewer",
        json={"corrections": {"buyer_reference": "PO 8"}, "decision": None},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["invoice"]["buyer_reference"] == "PO 8"
    assert saved.json()["decision"]["outcome"] == "review"  # the rules still ask for a person
    assert saved.json()["final_decision"] is None
    assert [i["run_id"] for i in api.get("/api/v1/reviews").json()] == [run_id]
    approved = api.post(
        f"/api/v1/runs/{run_id}/review",
        role="reviewer",
        json={"decision": "approve", "expected_revision": 1},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["invoice"]["buyer_reference"] == "PO 8"


@pytest.mark.parametrize("role", ["viewer", "maintainer", "admin"])
def test_roles_that_may_not_review_are_refused_with_403_and_audited(api: Api, role: str) -> None:
    run = waiting_run(api)
    response = api.post(
        f"/api/v1/runs/{run['run_id']}/review",
        role=role,
        json={"corrections": {"invoice_number": "X-1"}, "decision": "approve"},
    )
    assert response.status_code == 403, response.text
    detail = response.json()["detail"]
    assert response.json()["error"] == "PermissionDenied"
    assert f"turnout users add {NAMES[role]} --role reviewer" in detail
    ((actor, result, message),) = review_events(api)
    assert (actor, result) == (NAMES[role], "refused") and run["run_id"] in message
    after = api.get(f"/api/v1/runs/{run['run_id']}").json()
    assert after["invoice"] == run["invoice"] and after["review_revision"] == 0


def test_a_refused_role_is_told_so_whatever_its_body_says(api: Api) -> None:
    run = waiting_run(api)
    path = f"/api/v1/runs/{run['run_id']}/review"
    for body in ("not json", '{"decision": "perhaps"}', '{"surprise": 1}'):
        response = api.post(path, role="viewer", content=body)
        assert response.status_code == 403, (body, response.text)


def test_reviewing_needs_a_live_token(api: Api) -> None:
    run = waiting_run(api)
    path = f"/api/v1/runs/{run['run_id']}/review"
    assert api.post(path, role=None, json={"decision": "approve"}).status_code == 401
    unknown = api.post(
        path, role=None, json={"decision": "approve"}, headers={"Authorization": "Bearer x"}
    )
    assert unknown.status_code == 401
    assert api.get("/api/v1/reviews").json()[0]["run_id"] == run["run_id"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"decision": "reject"}, "reason"),
        ({"corrections": {"no_such_field": "1"}}, "no_such_field"),
        ({"corrections": {"issue_date": "the fifth of March"}}, "issue_date"),
        ({"corrections": {"totals.payable": "12,34,56.7.8"}}, "totals.payable"),
        ({"corrections": {"lines.99.net_amount": "1.00"}}, "lines.99"),
    ],
)
def test_a_correction_or_decision_the_service_cannot_take_is_a_422_and_changes_nothing(
    api: Api, body: dict[str, Any], says: str
) -> None:
    run = waiting_run(api)
    response = api.post(f"/api/v1/runs/{run['run_id']}/review", role="reviewer", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "InvalidCorrection"
    assert says in response.json()["detail"]
    ((actor, result, message),) = review_events(api)
    assert (actor, result) == (REVIEWER, "refused") and says in message
    after = api.get(f"/api/v1/runs/{run['run_id']}").json()
    assert after["review_revision"] == 0 and after["invoice"] == run["invoice"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        '{"decision": "perhaps"}',
        '{"corrections": {"invoice_number": 42}}',
        '{"corrections": [], "decision": null}',
        '{"surprise": 1}',
        '{"expected_revision": -1}',
        json.dumps({"comment": "x" * 2001}),
    ],
)
def test_a_malformed_review_body_is_a_422_for_a_reviewer(api: Api, body: str) -> None:
    run = waiting_run(api)
    response = api.post(f"/api/v1/runs/{run['run_id']}/review", role="reviewer", content=body)
    assert response.status_code == 422, (body, response.text)
    assert response.json()["error"] == "RequestValidationError"
    assert "body" in response.json()["detail"]


def test_a_run_with_a_final_decision_is_a_409_and_the_refusal_is_audited(api: Api) -> None:
    run = waiting_run(api)
    path = f"/api/v1/runs/{run['run_id']}/review"
    assert api.post(path, role="reviewer", json={"decision": "approve"}).status_code == 200
    again = api.post(path, role="operator", json={"decision": "reject", "comment": "no"})
    assert again.status_code == 409, again.text
    assert again.json()["error"] in {"ReviewConflict", "NotReviewable"}
    assert REVIEWER in again.json()["detail"]  # who decided
    refused = [e for e in review_events(api) if e[1] == "refused"]
    assert [actor for actor, *_ in refused] == [USERS["operator"]]
    assert api.get(f"/api/v1/runs/{run['run_id']}").json()["decision"]["outcome"] == "approve"


def test_a_stale_expected_revision_is_a_409(api: Api) -> None:
    run = waiting_run(api)
    path = f"/api/v1/runs/{run['run_id']}/review"
    first = api.post(path, role="reviewer", json={"corrections": {"buyer_reference": "A"}})
    assert first.status_code == 200, first.text
    stale = api.post(path, role="operator", json={"decision": "approve", "expected_revision": 0})
    assert stale.status_code == 409, stale.text
    assert stale.json()["error"] == "ReviewConflict"
    assert "reload" in stale.json()["detail"]


def test_a_run_not_waiting_for_a_person_is_a_409(api: Api) -> None:
    run = upload(api, "ubl-invoice.xml")
    assert run["decision"]["outcome"] == "approve"
    response = api.post(
        f"/api/v1/runs/{run['run_id']}/review", role="reviewer", json={"decision": "approve"}
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "NotReviewable"
    ((actor, result, _),) = review_events(api)
    assert (actor, result) == (REVIEWER, "refused")


def test_reviewing_an_unknown_run_is_a_404(api: Api) -> None:
    response = api.post(
        "/api/v1/runs/no-such-run/review", role="reviewer", json={"decision": "approve"}
    )
    assert response.status_code == 404 and "no-such-run" in response.json()["detail"]


# -- page images ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_a_pdf_page_as_png_privately_cached(api: Api, role: str) -> None:
    run = waiting_run(api)
    response = api.get(f"/api/v1/runs/{run['run_id']}/pages/1", role=role, params={"width": 600})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert response.headers["cache-control"].startswith("private")
    assert float(response.headers["x-page-width-pt"]) == 612.0
    width = int.from_bytes(response.content[16:20], "big")  # the PNG's IHDR
    assert width == pytest.approx(600, abs=2)


def test_page_images_need_a_token_or_a_dashboard_session(api: Api) -> None:
    run = waiting_run(api)
    path = f"/api/v1/runs/{run['run_id']}/pages/1"
    assert api.get(path, role=None).status_code == 401
    assert api.get(path, role=None, headers={"Authorization": "Bearer x"}).status_code == 401
    browser = type(api.client)(api.client.app, follow_redirects=False)
    assert browser.get(path).status_code == 401
    browser.cookies.set("turnout_session", "forged")
    assert browser.get(path).status_code == 401
    browser.cookies.clear()
    signed_in = browser.post("/signin", data={"token": api.tokens["reviewer"]})
    assert signed_in.status_code == 303, signed_in.text
    image = browser.get(path)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"


def test_pages_that_do_not_exist_are_404_and_bad_widths_422(api: Api) -> None:
    run = waiting_run(api)
    base = f"/api/v1/runs/{run['run_id']}/pages"
    beyond = api.get(f"{base}/2")
    assert beyond.status_code == 404 and beyond.json()["error"] == "PageNotFound"
    assert api.get("/api/v1/runs/no-such-run/pages/1").status_code == 404
    einvoice = upload(api, "ubl-credit-note.xml")
    assert api.get(f"/api/v1/runs/{einvoice['run_id']}/pages/1").status_code == 404
    view = api.get(f"/api/v1/runs/{einvoice['run_id']}/review").json()
    assert view["pages"] == 0
    for bad in (f"{base}/0", f"{base}/1?width=5000", f"{base}/1?width=10", f"{base}/one"):
        assert api.get(bad).status_code == 422, bad


# -- OpenAPI --------------------------------------------------------------------------------------


def test_the_review_routes_are_in_the_openapi_document_with_descriptions(api: Api) -> None:
    document = api.get("/openapi.json", role=None).json()
    paths = document["paths"]
    expected = {
        ("get", "/api/v1/reviews"),
        ("get", "/api/v1/reviews/count"),
        ("get", "/api/v1/runs/{run_id}/review"),
        ("post", "/api/v1/runs/{run_id}/review"),
        ("get", "/api/v1/runs/{run_id}/pages/{n}"),
    }
    for method, path in expected:
        operation = paths[path][method]
        assert operation.get("description"), (method, path)
        assert "200" in operation["responses"], (method, path)
    posting = paths["/api/v1/runs/{run_id}/review"]["post"]
    assert {"403", "404", "409", "422"} <= set(posting["responses"])
    body = posting["requestBody"]["content"]["application/json"]["schema"]
    assert {"corrections", "decision", "comment", "expected_revision"} <= set(body["properties"])
    image = paths["/api/v1/runs/{run_id}/pages/{n}"]["get"]["responses"]["200"]["content"]
    assert set(image) == {"image/png", "image/jpeg"}
    run = document["components"]["schemas"]["Run"]["properties"]
    assert {"review_revision", "final_decision"} <= set(run)
    # every reference resolves inside the document (a model's own `$defs` would not)
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    components = document["components"]["schemas"]
    assert refs and all(r.startswith("#/components/schemas/") for r in refs), refs
    assert all(r.rsplit("/", 1)[1] in components for r in refs), refs


# -- concurrent reviews (PostgreSQL) --------------------------------------------------------------


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_two_reviewers_at_once_give_one_result_and_a_clear_409_to_the_second(api: Api) -> None:
    run = waiting_run(api)
    run_id = run["run_id"]
    start = threading.Barrier(2)
    answers: dict[str, httpx.Response] = {}

    def review(role: str) -> None:
        body = {"corrections": {"invoice_number": f"BY-{role}"}, "decision": "approve"}
        start.wait()
        answers[role] = api.post(f"/api/v1/runs/{run_id}/review", role=role, json=body)

    threads = [threading.Thread(target=review, args=(role,)) for role in ("reviewer", "operator")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted((r.status_code, role) for role, r in answers.items())
    assert [status for status, _ in statuses] == [200, 409], {
        role: r.text for role, r in answers.items()
    }
    winner, loser = statuses[0][1], statuses[1][1]
    refusal = answers[loser].json()
    assert refusal["error"] == "ReviewConflict"
    assert NAMES[winner] in refusal["detail"]  # who got there first

    stored = api.get(f"/api/v1/runs/{run_id}").json()
    assert stored == answers[winner].json()
    assert stored["invoice"]["invoice_number"] == f"BY-{winner}"
    assert stored["decision"]["decided_by"] == NAMES[winner] and stored["review_revision"] == 1
    assert exported(api, run_id)["invoice"]["invoice_number"] == f"BY-{winner}"
    records = api.get(f"/api/v1/runs/{run_id}/review").json()["records"]
    assert [(r["actor"], r["action"]) for r in records] == [
        (NAMES[winner], "correct"),
        (NAMES[winner], "approve"),
    ]
    refused = [(actor, result) for actor, result, _ in review_events(api) if result == "refused"]
    assert refused == [(NAMES[loser], "refused")]


def test_a_reviewer_changes_nothing_else_and_each_refusal_is_audited(api: Api) -> None:
    active = api.get("/api/v1/configurations/active").json()
    document = {"summary": "x", "selections": active["selections"], "policies": {}}
    refused = {
        "run_upload": api.post(
            "/api/v1/runs", role="reviewer", files=[("files", example("ubl-invoice.xml"))]
        ),
        "create": api.post("/api/v1/configurations", role="reviewer", json=document),
        "activate": api.post("/api/v1/configurations/1/activate", role="reviewer"),
        "profile": api.post(
            "/api/v1/profiles/import",
            role="reviewer",
            content=b"issuer: X\nkeywords: [X]\nfields: {}\n",
            headers={"Content-Type": "application/yaml"},
        ),
    }
    for action, response in refused.items():
        assert response.status_code == 403, (action, response.text)
        events = api.get("/api/v1/events", params={"action": action}).json()
        assert [(e["actor"], e["result"]) for e in events if e["actor"] == REVIEWER] == [
            (REVIEWER, "refused")
        ], action
    assert api.get("/api/v1/runs").json() == []
    assert len(api.get("/api/v1/configurations").json()) == 1


def test_an_image_source_is_served_as_it_is_with_the_page_size_of_its_boxes(api: Api) -> None:
    route_everything_to_review(api)
    _, pdf = example(PRINTED)
    png = api.app.pages.render(PRINTED, pdf, 1, 1240).data  # a page as a phone would send it
    response = api.post("/api/v1/runs", files=[("files", ("photo.png", png, "image/png"))])
    assert response.status_code == 201, response.text
    (run,) = response.json()
    assert run["decision"]["outcome"] == "review", run  # read by OCR, then routed to a person
    image = api.get(f"/api/v1/runs/{run['run_id']}/pages/1", params={"width": 300})
    assert image.status_code == 200, image.text
    assert image.headers["content-type"] == "image/png" and image.content == png
    view = api.get(f"/api/v1/runs/{run['run_id']}/review").json()
    assert view["pages"] == 1
    pt = [float(image.headers["x-page-width-pt"]), float(image.headers["x-page-height-pt"])]
    (size,) = view["page_sizes"]
    assert size == pytest.approx(pt, abs=0.1)  # the text stage keeps a tenth of a point
