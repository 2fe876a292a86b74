"""Schemathesis against the published OpenAPI document: no operation answers a 5xx, or a status,
content type or body its operation does not declare.

The app runs over a real database, SQLite and PostgreSQL, initialised as `turnout init` does, and
every request carries the token of `root`, the admin and maintainer `turnout init` creates, so the
generated requests get past authentication into the routes themselves. Each operation gets a bounded,
derandomised set of examples (valid and invalid requests, uploads included) so the run is
repeatable and takes ~20 s per engine. The 0 x 5xx target holds on both engines: PostgreSQL
refuses what SQLite stores (NUL in text, integers past 32 bits), so both are fuzzed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from support.api import ADMIN, Api
from turnout.api import create_app
from turnout.bootstrap import bootstrap
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.tokens import TokenService
from turnout.settings import Settings


@pytest.fixture
def fuzz_app(
    db_url: str, tmp_path: Path, registry: ModuleRegistry
) -> Iterator[tuple[FastAPI, str]]:
    app = bootstrap(Settings(home=tmp_path / "home", database_url=db_url), registry)
    app.init(ADMIN)
    token = TokenService(app.unit_of_work).create(ADMIN, ADMIN).token
    api = create_app(app, max_upload_bytes=200_000)
    with TestClient(api):  # runs the lifespan, as `turnout serve` does
        yield api, token
    app.close()


def test_no_operation_answers_a_server_error_or_anything_undeclared(
    fuzz_app: tuple[FastAPI, str],
) -> None:
    app, token = fuzz_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 15, "the published OpenAPI document lost its operations"
    for operation in operations:
        strategy = st.one_of(operation.as_strategy(mode) for mode in GenerationMode)

        @given(case=strategy)
        @settings(
            max_examples=25,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            case.validate_response(
                response,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )

        try:
            call()
        except Exception as failure:
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_a_version_too_large_for_the_database_is_refused_with_422_not_500(api: Api) -> None:
    too_large = 2**63
    for response in (
        api.get(f"/api/v1/configurations/{too_large}"),
        api.post(f"/api/v1/configurations/{too_large}/activate", role="maintainer"),
        api.post("/api/v1/configurations/validate", role="maintainer", json={"version": too_large}),
        api.get(f"/api/v1/events?offset={too_large}"),
    ):
        assert response.status_code == 422, response.text
        assert set(response.json()) == {"error", "detail"}
