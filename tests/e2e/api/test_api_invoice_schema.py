"""The OpenAPI document describes a run's invoice with the canonical invoice's full JSON Schema,
and the runs the API answers fit it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from support.api import Api
from turnout.api.run_schema import invoice_component
from turnout.bootstrap import bundled_examples
from turnout.domain.invoice_schema import invoice_json_schema


def _example(name: str) -> tuple[str, bytes]:
    path = next(p for p in bundled_examples() if p.name == name)
    return path.name, path.read_bytes()


def _validator(document: dict[str, Any], component: str) -> jsonschema.Draft202012Validator:
    """A validator of `#/components/schemas/<component>` with the document's references."""
    return jsonschema.Draft202012Validator(
        {**document, "$ref": f"#/components/schemas/{component}"}
    )


def _response_schema(document: dict[str, Any], method: str, path: str, status: str) -> Any:
    operation = document["paths"][path][method]
    return operation["responses"][status]["content"]["application/json"]["schema"]


def test_the_openapi_document_holds_the_invoice_schema_and_the_run_routes_refer_to_it(
    api: Api,
) -> None:
    document = api.get("/openapi.json", role=None).json()
    schemas = document["components"]["schemas"]
    assert schemas["Invoice"] == invoice_component()
    published = invoice_json_schema()
    assert schemas["Invoice"]["properties"] == published["properties"]
    assert schemas["Run"]["properties"]["invoice"]["anyOf"][0] == {
        "$ref": "#/components/schemas/Invoice"
    }
    run = {"$ref": "#/components/schemas/Run"}
    assert _response_schema(document, "get", "/api/v1/runs/{run_id}", "200") == run
    assert _response_schema(document, "get", "/api/v1/runs", "200")["items"] == run
    assert _response_schema(document, "post", "/api/v1/runs", "201")["items"] == run
    seller = schemas["Invoice"]["properties"]["seller"]["properties"]
    assert seller["name"]["description"] == "BT-27 Seller name"


@pytest.mark.parametrize("name", ["ubl-invoice.xml", "cii-invoice.xml", "ubl-credit-note.xml"])
def test_a_run_the_api_answers_fits_its_schema_in_the_openapi_document(api: Api, name: str) -> None:
    document = api.get("/openapi.json", role=None).json()
    response = api.post("/api/v1/runs", files=[("files", _example(name))])
    assert response.status_code == 201, response.text
    (run,) = response.json()
    assert run["invoice"]["invoice_number"]
    stored = api.get(f"/api/v1/runs/{run['run_id']}", role="viewer").json()
    for answer in (run, stored):
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(document, "Run").iter_errors(answer)
        ]
        assert not errors, errors


def test_the_schema_in_the_openapi_document_refuses_an_invoice_it_does_not_describe(
    api: Api,
) -> None:
    document = api.get("/openapi.json", role=None).json()
    invoice = _validator(document, "Invoice")
    assert invoice.is_valid({"invoice_number": "A-1", "totals": {"payable": "10.00"}})
    assert not invoice.is_valid({"invoice_number": "A-1", "totals": {"payable": 10.0}})
    assert not invoice.is_valid({"invoice_number": "A-1", "total": "10.00"})
