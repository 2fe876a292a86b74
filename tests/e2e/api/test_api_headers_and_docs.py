"""Security headers on every response, API docs served from the installed package (nothing from
the internet), and an OpenAPI document that declares each route's error statuses in the error
shape."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from support.api import Api
from turnout.api.guards import max_json_bytes_from_env
from turnout.domain.errors import RequestError


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/modules", "viewer"),  # 200 JSON
        ("/api/v1/modules", None),  # 401
        ("/api/v1/runs/nope", "viewer"),  # 404
        ("/signin", None),  # a dashboard page
        ("/static/dashboard.css", None),
        ("/docs", None),
        ("/openapi.json", None),
        ("/no/such/page", None),
        ("/healthz", None),
    ],
)
def test_every_response_carries_the_security_headers(api: Api, path: str, role: str | None) -> None:
    headers = api.get(path, role=role).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    assert len(headers.get_list("x-frame-options")) == 1


def test_dashboard_pages_forbid_inline_styles_and_scripts(api: Api) -> None:
    csp = api.get("/signin", role=None).headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp


def test_the_api_docs_load_only_from_this_server(api: Api) -> None:
    page = api.get("/docs", role=None)
    assert page.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls, "the docs page lost its scripts and styles"
    for url in urls:
        assert not urlsplit(url).netloc and url.startswith("/"), url
        assert api.get(url, role=None).status_code == 200, url
    assert "cdn" not in page.text.lower()
    assert api.get("/redoc", role=None).status_code == 404  # ReDoc would load from a CDN


def test_the_openapi_document_declares_each_routes_errors_in_the_error_shape(api: Api) -> None:
    document = api.get("/openapi.json", role=None).json()
    operations = {
        (method, path): op for path, ops in document["paths"].items() for method, op in ops.items()
    }
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        assert {"400", "413"} <= set(responses), (method, path)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema.get("required") == ["error", "detail"], (method, path, status)
        if path.startswith("/api/v1/"):
            assert {"401", "403"} <= set(responses), (method, path)
    creating = operations[("post", "/api/v1/configurations")]
    assert {"400", "401", "403", "413", "422"} <= set(creating["responses"])
    assert "application/json" in creating["requestBody"]["content"]
    validating = operations[("post", "/api/v1/configurations/validate")]
    assert (
        "version"
        in validating["requestBody"]["content"]["application/json"]["schema"]["properties"]
    )
    assert "404" in operations[("get", "/api/v1/configurations/{version}")]["responses"]


def test_the_json_limit_setting_is_read_from_the_environment() -> None:
    assert max_json_bytes_from_env({}) == 1024 * 1024
    assert max_json_bytes_from_env({"TURNOUT_MAX_JSON_BYTES": "2048"}) == 2048
    for bad in ("0", "-1", "1MB"):
        with pytest.raises(RequestError, match="TURNOUT_MAX_JSON_BYTES"):
            max_json_bytes_from_env({"TURNOUT_MAX_JSON_BYTES": bad})
