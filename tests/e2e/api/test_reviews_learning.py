"""Through the API, as a reviewer works: the first invoice of an issuer whose labels no reader
knows is corrected and approved, the issuer's profile is learned from it, and the next invoice
from that issuer is read right with `extract.learned`."""

from __future__ import annotations

from typing import Any

import pytest

from support.api import ADMIN, Api
from support.issuer_invoices import ODD, issuer_invoice
from turnout.domain.users import Role
from turnout.runtime.tokens import TokenService
from turnout.runtime.users import UserService

REVIEWER = "rex"
CHECKED = ("invoice_number", "issue_date", "due_date", "totals.payable", "seller.vat_id")


@pytest.fixture
def api(api: Api) -> Api:
    """A reviewer, and a configuration reading pages with `extract.learned` that sends every
    invoice with an amount due to review."""
    UserService(api.app.unit_of_work).grant(REVIEWER, Role.REVIEWER, ADMIN)
    api.tokens["reviewer"] = TokenService(api.app.unit_of_work).create(REVIEWER, ADMIN).token
    active = api.get("/api/v1/configurations/active").json()
    selections = {
        **active["selections"],
        "extract": {"module": "extract.learned"},
        "route": {"module": "route.rules", "settings": {"review_above": "0"}},
    }
    document = {"summary": "learned", "selections": selections, "policies": active["policies"]}
    version = api.post("/api/v1/configurations", role="maintainer", json=document).json()
    checked = api.post(
        "/api/v1/configurations/validate", role="maintainer", json={"version": version["version"]}
    )
    assert checked.json()["valid"], checked.text
    activated = api.post(f"/api/v1/configurations/{version['version']}/activate", role="operator")
    assert activated.status_code == 200, activated.text
    return api


def value_at(invoice: dict[str, Any], path: str) -> Any:
    value: Any = invoice
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def upload(api: Api, name: str, pdf: bytes) -> dict[str, Any]:
    response = api.post("/api/v1/runs", role="operator", files=[("files", (name, pdf))])
    assert response.status_code == 201, response.text
    return dict(response.json()[0])


def test_a_reviewers_corrections_teach_the_issuer_and_its_next_invoice_is_read_right(
    api: Api,
) -> None:
    issuer = next(i for i in ODD if i.name == "de-vorgang")  # "Vorgang" and "Erstellt" labels
    first = issuer_invoice(issuer, 0)
    run = upload(api, "vorgang-0.pdf", first.pdf)
    wrong = {
        path: str(value_at(first.truth, path))
        for path in CHECKED
        if value_at(first.truth, path) is not None
        and str(value_at(run["invoice"], path)) != str(value_at(first.truth, path))
    }
    assert wrong, "the layout reader read every checked field right: nothing to learn from"
    reviewed = api.post(
        f"/api/v1/runs/{run['run_id']}/review",
        role="reviewer",
        json={"corrections": wrong, "decision": "approve"},
    )
    assert reviewed.status_code == 200, reviewed.text
    for path, value in wrong.items():
        assert str(value_at(reviewed.json()["invoice"], path)) == value, path

    (profile,) = api.get("/api/v1/profiles").json()
    assert profile["updated_by"] == REVIEWER
    assert set(wrong) <= set(profile["fields"])
    shown = api.get(f"/api/v1/profiles/{profile['issuer_key']}").json()
    assert [(v["action"], v["run_id"]) for v in shown["versions"]] == [("learn", run["run_id"])]

    second = issuer_invoice(issuer, 1)
    after = upload(api, "vorgang-1.pdf", second.pdf)
    for path in CHECKED:
        expected = value_at(second.truth, path)
        if expected is not None:
            assert str(value_at(after["invoice"], path)) == str(expected), path
