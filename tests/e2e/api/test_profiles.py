"""/api/v1/profiles: issuer profiles listed, shown with their versions, exported as invoice2data
templates, imported from them and reset; every role, refusals audited, SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import yaml

from support.api import ADMIN, USERS, Api
from turnout.domain.users import Role
from turnout.runtime.tokens import TokenService
from turnout.runtime.users import UserService

# The flows here are the command's (or the API's); the database work under them is tested on
# SQLite and on PostgreSQL in tests/integration, so these end-to-end runs use SQLite.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


REVIEWER = "rex"
ROLES = ("viewer", "reviewer", "operator", "maintainer", "admin")
NAMES = {**USERS, "reviewer": REVIEWER}
KEEPERS = {"operator", "maintainer"}

TEMPLATE = r"""
issuer: Gadget Works / Hamburg GmbH
keywords:
  - Gadget Works
  - DE811907980
fields:
  invoice_number: Rechnungsnummer\s+(\S+)
  amount: Zahlbetrag\s+([\d.,]+)
  date: Rechnungsdatum\s+(\d{2}\.\d{2}\.\d{4})
options:
  currency: EUR
  date_formats:
    - '%d.%m.%Y'
  decimal_separator: ','
"""


@pytest.fixture
def api(api: Api) -> Api:
    UserService(api.app.unit_of_work).grant(REVIEWER, Role.REVIEWER, ADMIN)
    api.tokens["reviewer"] = TokenService(api.app.unit_of_work).create(REVIEWER, ADMIN).token
    return api


def import_template(api: Api, role: str = "operator", text: str = TEMPLATE) -> Any:
    return api.post(
        "/api/v1/profiles/import",
        role=role,
        content=text.encode("utf-8"),
        headers={"Content-Type": "application/yaml"},
    )


def imported(api: Api) -> dict[str, Any]:
    response = import_template(api)
    assert response.status_code == 201, response.text
    return dict(response.json())


def profile_events(api: Api) -> list[tuple[str, str, str]]:
    events = api.get("/api/v1/events", params={"action": "profile", "limit": 1000}).json()
    return [(e["actor"], e["result"], e["message"]) for e in events]


def path_of(issuer: str, suffix: str = "") -> str:
    return f"/api/v1/profiles/{quote(issuer, safe='')}{suffix}"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lists_and_reads_profiles(api: Api, role: str) -> None:
    assert api.get("/api/v1/profiles", role=role).json() == []
    profile = imported(api)
    (listed,) = api.get("/api/v1/profiles", role=role).json()
    assert listed["issuer_key"] == profile["issuer_key"] and "data" not in listed
    assert {"invoice_number", "totals.payable", "issue_date"} <= set(listed["fields"])
    shown = api.get(path_of(profile["issuer_key"]), role=role)
    assert shown.status_code == 200, shown.text
    assert shown.json() == profile
    exported = api.get(path_of(profile["issuer_key"], "/export"), role=role)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/yaml")


def test_reading_profiles_needs_a_live_token(api: Api) -> None:
    profile = imported(api)
    for path in (
        "/api/v1/profiles",
        path_of(profile["issuer_key"]),
        path_of(profile["issuer_key"], "/export"),
    ):
        assert api.get(path, role=None).status_code == 401, path
        assert api.get(path, role=None, headers={"Authorization": "Bearer x"}).status_code == 401


def test_an_imported_template_is_a_versioned_audited_profile_found_by_any_of_its_keys(
    api: Api,
) -> None:
    profile = imported(api)
    assert profile["version"] == 1 and profile["updated_by"] == USERS["operator"]
    assert [(v["version"], v["action"], v["actor"]) for v in profile["versions"]] == [
        (1, "import", USERS["operator"])
    ]
    assert profile["data"]["fields"]
    for key in profile["keys"]:
        assert api.get(path_of(key)).json()["issuer_key"] == profile["issuer_key"], key
    ((actor, result, _),) = profile_events(api)
    assert (actor, result) == (USERS["operator"], "ok")


def test_a_profile_exports_as_an_invoice2data_template(api: Api) -> None:
    profile = imported(api)
    response = api.get(path_of(profile["issuer_key"], "/export"))
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    assert "/" not in response.headers["content-disposition"].split("filename=")[1]
    template = yaml.safe_load(response.text)
    assert template["issuer"] == "Gadget Works / Hamburg GmbH"
    assert "Gadget Works" in template["keywords"]
    assert {"invoice_number", "amount", "date"} <= set(template["fields"])
    # what is exported imports again as the same rules
    again = import_template(api, text=response.text)
    assert again.status_code == 201, again.text
    assert again.json()["issuer_key"] == profile["issuer_key"]
    assert again.json()["data"]["fields"].keys() == profile["data"]["fields"].keys()


@pytest.mark.parametrize("role", ROLES)
def test_only_operators_and_maintainers_import_and_refusals_are_audited(
    api: Api, role: str
) -> None:
    response = import_template(api, role=role)
    if role in KEEPERS:
        assert response.status_code == 201, response.text
        return
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "PermissionDenied"
    assert f"turnout users add {NAMES[role]} --role operator" in response.json()["detail"]
    assert api.get("/api/v1/profiles").json() == []
    ((actor, result, message),) = profile_events(api)
    assert (actor, result) == (NAMES[role], "refused") and "/api/v1/profiles/import" in message


@pytest.mark.parametrize("role", ROLES)
def test_only_operators_and_maintainers_reset_and_refusals_are_audited(api: Api, role: str) -> None:
    profile = imported(api)
    response = api.post(path_of(profile["issuer_key"], "/reset"), role=role)
    after = api.get(path_of(profile["issuer_key"])).json()
    if role in KEEPERS:
        assert response.status_code == 200, response.text
        assert response.json() == after
        assert after["version"] == 2 and after["fields"] == []
        assert [v["action"] for v in after["versions"]] == ["import", "reset"]
        assert after["versions"][-1]["actor"] == NAMES[role]
        return
    assert response.status_code == 403, response.text
    assert after == profile
    refused = [(a, r) for a, r, _ in profile_events(api) if r == "refused"]
    assert refused == [(NAMES[role], "refused")]


def test_changing_profiles_needs_a_live_token(api: Api) -> None:
    profile = imported(api)
    assert import_template(api, role=None).status_code == 401
    assert api.post(path_of(profile["issuer_key"], "/reset"), role=None).status_code == 401


def test_a_refused_role_is_told_so_whatever_its_body_says(api: Api) -> None:
    for body in ("", "::: not yaml", "\xff"):
        assert import_template(api, role="viewer", text=body).status_code == 403


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe not utf-8", "UTF-8"),
        (b"issuer: [unclosed", "template"),
        (b"- just\n- a list\n", "template"),
        (b"issuer: Nobody\nfields: {}\n", "template"),
    ],
)
def test_a_template_that_cannot_be_read_is_a_bad_request_and_imports_nothing(
    api: Api, body: bytes, says: str
) -> None:
    response = api.post(
        "/api/v1/profiles/import",
        role="maintainer",
        content=body,
        headers={"Content-Type": "application/yaml"},
    )
    assert response.status_code in {400, 422}, response.text
    assert says.lower() in response.json()["detail"].lower()
    assert api.get("/api/v1/profiles").json() == []


def test_an_unknown_issuer_is_a_404_that_says_how_to_list_them(api: Api) -> None:
    for response in (
        api.get(path_of("vat:DE000000000")),
        api.get(path_of("vat:DE000000000", "/export")),
        api.post(path_of("vat:DE000000000", "/reset"), role="operator"),
    ):
        assert response.status_code == 404, response.text
        assert "DE000000000" in response.json()["detail"]


def test_the_profile_routes_are_in_the_openapi_document(api: Api) -> None:
    paths = api.get("/openapi.json", role=None).json()["paths"]
    expected = {
        ("get", "/api/v1/profiles"),
        ("get", "/api/v1/profiles/{issuer}"),
        ("get", "/api/v1/profiles/{issuer}/export"),
        ("post", "/api/v1/profiles/import"),
        ("post", "/api/v1/profiles/{issuer}/reset"),
    }
    for method, path in expected:
        operation = paths[path][method]
        assert operation.get("description"), (method, path)
        assert {"401", "403"} <= set(operation["responses"]), (method, path)
    importing = paths["/api/v1/profiles/import"]["post"]
    assert "application/yaml" in importing["requestBody"]["content"]
    exporting = paths["/api/v1/profiles/{issuer}/export"]["get"]["responses"]["200"]
    assert "text/yaml" in exporting["content"]
