"""Schemathesis against the review and profile operations, as an operator (who may review, import
and reset) with a real run waiting for a person: no 5xx, nothing undeclared, on SQLite and
PostgreSQL. Half the generated requests name that run instead of a random id, so corrections,
decisions and the page images of a real document are fuzzed, not only the 404 of unknown runs.
(`test_api_fuzz.py` fuzzes every operation as `root`, whom the review routes refuse.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
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

from support.api import ADMIN, USERS, Api
from turnout.api import create_app
from turnout.bootstrap import bootstrap, bundled_examples
from turnout.domain.users import Role
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.tokens import TokenService
from turnout.runtime.users import UserService
from turnout.settings import Settings

FUZZED = ("/api/v1/reviews", "/api/v1/runs/{run_id}/", "/api/v1/profiles")


@pytest.fixture
def fuzzed(db_url: str, tmp_path: Path, registry: ModuleRegistry) -> Iterator[tuple[Api, str]]:
    """The API as an operator, and the id of a printed invoice's run waiting for review."""
    app = bootstrap(Settings(home=tmp_path / "home", database_url=db_url), registry)
    app.init(ADMIN)
    UserService(app.unit_of_work).grant(USERS["operator"], Role.OPERATOR, ADMIN)
    token = TokenService(app.unit_of_work).create(USERS["operator"], ADMIN).token
    with TestClient(create_app(app, max_upload_bytes=2_000_000)) as client:
        api = Api(client, app, {"operator": token})
        active = api.get("/api/v1/configurations/active", role="operator").json()
        selections = {
            **active["selections"],
            "route": {"module": "route.rules", "settings": {"review_above": "0"}},
        }
        document = {"summary": "review", "selections": selections, "policies": active["policies"]}
        version = api.post("/api/v1/configurations", json=document).json()["version"]
        api.post("/api/v1/configurations/validate", json={"version": version})
        assert api.post(f"/api/v1/configurations/{version}/activate").status_code == 200
        pdf = next(p for p in bundled_examples() if p.name == "invoice-acme-en.pdf")
        (run,) = api.post("/api/v1/runs", files=[("files", (pdf.name, pdf.read_bytes()))]).json()
        assert run["decision"]["outcome"] == "review"
        yield api, run["run_id"]
    app.close()


def test_review_and_profile_operations_answer_no_server_error_or_anything_undeclared(
    fuzzed: tuple[Api, str],
) -> None:
    api, run_id = fuzzed
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    headers = {"Authorization": f"Bearer {api.tokens['operator']}"}
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.path.startswith(FUZZED)
    ]
    assert len(operations) == 10, [op.label for op in operations]
    failures: list[str] = []
    for operation in operations:
        strategy = st.tuples(
            st.one_of(operation.as_strategy(mode) for mode in GenerationMode), st.booleans()
        )

        @given(drawn=strategy)
        @settings(
            max_examples=30,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(drawn: tuple[schemathesis.Case, bool]) -> None:
            case, real_run = drawn
            if real_run and "run_id" in (case.path_parameters or {}):
                case.path_parameters = {**(case.path_parameters or {}), "run_id": run_id}
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
