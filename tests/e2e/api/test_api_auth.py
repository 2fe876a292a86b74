"""Bearer tokens: hashed at rest, required everywhere under /api/v1, the only source of identity."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from support.api import ADMIN, ROLES, Api
from turnout.domain.errors import NotFound, PermissionDenied
from turnout.runtime.tokens import TokenService, hash_token

READ_PATHS = [
    "/api/v1/modules",
    "/api/v1/stages",
    "/api/v1/contracts",
    "/api/v1/policies",
    "/api/v1/configurations",
    "/api/v1/configurations/active",
    "/api/v1/configurations/1",
    "/api/v1/configurations/1/diff/1",
    "/api/v1/events",
    "/api/v1/runs",
]


def test_a_request_without_a_token_is_refused_with_401_everywhere_under_api_v1(api: Api) -> None:
    for path in READ_PATHS:
        response = api.get(path, role=None)
        assert response.status_code == 401, path
        assert response.json()["error"] == "Unauthenticated"
        assert "turnout tokens create" in response.json()["detail"]
        assert response.headers["WWW-Authenticate"] == "Bearer"
    for path in ("/api/v1/configurations", "/api/v1/runs", "/api/v1/configurations/1/activate"):
        assert api.post(path, role=None).status_code == 401, path


def test_an_unknown_or_malformed_token_is_refused_with_401(api: Api) -> None:
    for header in ("Bearer not-a-token", "Basic dmljOnNlY3JldA==", api.tokens["viewer"]):
        response = api.get("/api/v1/modules", role=None, headers={"Authorization": header})
        assert response.status_code == 401, header


def test_tokens_are_stored_only_as_their_hash(api: Api) -> None:
    with api.app.unit_of_work() as uow:
        conn = uow.connection  # type: ignore[attr-defined]
        hashes = {row[0] for row in conn.execute(text("SELECT token_hash FROM api_tokens"))}
        dump = " ".join(
            str(value)
            for table in ("api_tokens", "configuration_change_events", "users")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for value in row
        )
    assert hashes == {hash_token(token) for token in api.tokens.values()}
    for token in api.tokens.values():
        assert token not in dump


def test_a_revoked_token_is_refused_and_the_revocation_is_audited(api: Api) -> None:
    service = TokenService(api.app.unit_of_work)
    viewer_token = next(t for t in service.list() if t.name == "vic")
    assert api.get("/api/v1/modules").status_code == 200
    service.revoke(viewer_token.token_id, ADMIN)
    assert api.get("/api/v1/modules").status_code == 401
    events = api.get("/api/v1/events", role="operator", params={"action": "token_revoke"}).json()
    assert events[0]["actor"] == ADMIN and viewer_token.token_id in events[0]["message"]


def test_using_a_token_records_when_it_was_last_used(api: Api) -> None:
    service = TokenService(api.app.unit_of_work)
    assert all(t.last_used_at is None for t in service.list() if t.name == "mai")
    api.get("/api/v1/stages", role="maintainer")
    assert all(t.last_used_at is not None for t in service.list() if t.name == "mai")


def test_only_an_admin_issues_tokens_and_refusals_are_audited(api: Api) -> None:
    service = TokenService(api.app.unit_of_work)
    with pytest.raises(PermissionDenied, match="only an admin"):
        service.create("vic", "ola")
    with pytest.raises(NotFound, match="turnout users add nobody"):
        service.create("nobody", ADMIN)
    refused = api.get("/api/v1/events", params={"action": "token_create", "actor": "ola"}).json()
    assert [e["result"] for e in refused] == ["refused"]


def test_headers_claiming_another_user_or_role_change_nothing(api: Api) -> None:
    spoof = {"X-Turnout-Actor": ADMIN, "X-User": ADMIN, "X-Role": "maintainer", "X-Roles": "admin"}
    created = api.post(
        "/api/v1/configurations",
        role="viewer",
        headers=spoof,
        json={"summary": "spoofed", "selections": {}},
    )
    assert created.status_code == 403
    assert "vic" in created.json()["detail"]
    with api.app.unit_of_work() as uow:
        latest = uow.events.list(limit=1)[0]
    assert (latest.actor, str(latest.result)) == ("vic", "refused")
    assert api.get("/api/v1/configurations").json()[0]["version"] == 1  # nothing was created


def test_the_openapi_document_lists_every_route(api: Api) -> None:
    document = api.get("/openapi.json", role=None).json()
    paths = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert paths == {
        ("/api/v1/modules", "get"),
        ("/api/v1/stages", "get"),
        ("/api/v1/contracts", "get"),
        ("/api/v1/policies", "get"),
        ("/api/v1/configurations", "get"),
        ("/api/v1/configurations", "post"),
        ("/api/v1/configurations/active", "get"),
        ("/api/v1/configurations/validate", "post"),
        ("/api/v1/configurations/cancel-pending", "post"),
        ("/api/v1/configurations/{version}", "get"),
        ("/api/v1/configurations/{version}", "delete"),
        ("/api/v1/configurations/{version}/activate", "post"),
        ("/api/v1/configurations/{version}/approve", "post"),
        ("/api/v1/settings", "get"),
        ("/api/v1/settings/{key}", "put"),
        ("/api/v1/configurations/{version}/trials", "post"),
        ("/api/v1/trials", "get"),
        ("/api/v1/trials/{trial_id}", "get"),
        ("/api/v1/guards", "get"),
        ("/api/v1/guards/current", "get"),
        ("/api/v1/configurations/{version}/rollback", "post"),
        ("/api/v1/configurations/{a}/diff/{b}", "get"),
        ("/api/v1/events", "get"),
        ("/api/v1/events/verify", "get"),
        ("/api/v1/runs", "get"),
        ("/api/v1/runs", "post"),
        ("/api/v1/runs/{run_id}", "get"),
        ("/api/v1/reviews", "get"),
        ("/api/v1/reviews/count", "get"),
        ("/api/v1/runs/{run_id}/review", "get"),
        ("/api/v1/runs/{run_id}/review", "post"),
        ("/api/v1/runs/{run_id}/pages/{n}", "get"),
        ("/api/v1/profiles", "get"),
        ("/api/v1/profiles/import", "post"),
        ("/api/v1/profiles/{issuer}", "get"),
        ("/api/v1/profiles/{issuer}/export", "get"),
        ("/api/v1/profiles/{issuer}/reset", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    }
    assert "HTTPBearer" in document["components"]["securitySchemes"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_resource(api: Api, role: str) -> None:
    for path in READ_PATHS:
        response = api.get(path, role=role)
        assert response.status_code == 200, (path, response.text)
