"""Schemathesis against the published OpenAPI document: no operation answers a 5xx.

The app runs over a real SQLite database initialised as `turnout init` does, and every request
carries the token of `root`, the admin and maintainer `turnout init` creates, so the generated
requests get past authentication into the routes themselves. Each operation gets a bounded,
derandomised set of examples (valid and invalid requests, uploads included) so the run is
repeatable and takes ~20 s.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from support.api import ADMIN, Api
from turnout.api import create_app
from turnout.bootstrap import bootstrap
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.tokens import TokenService
from turnout.settings import Settings


@pytest.fixture(scope="module")
def fuzz_app(
    tmp_path_factory: pytest.TempPathFactory, registry: ModuleRegistry
) -> Iterator[tuple[FastAPI, str]]:
    home = tmp_path_factory.mktemp("fuzz")
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home / 'turnout.db'}"), registry)
    app.init(ADMIN)
    token = TokenService(app.unit_of_work).create(ADMIN, ADMIN).token
    api = create_app(app, max_upload_bytes=200_000)
    with TestClient(api):  # runs the lifespan, as `turnout serve` does
        yield api, token
    app.close()


def test_no_operation_answers_a_server_error(fuzz_app: tuple[FastAPI, str]) -> None:
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
            case.validate_response(response, checks=[not_a_server_error])

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
