"""The canonical invoice's JSON Schema: generated from the model, published in the package, and
every generated invoice's JSON fits it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from turnout.domain.invoice import Invoice, InvoiceLine, Party, Totals
from turnout.domain.invoice_schema import SCHEMA_ID, invoice_json_schema, render
from turnout.domain.terms import EN16931_GROUPS, EN16931_TERMS, term_paths
from turnout.testing.einvoices import generate

REGENERATE = "python -m turnout.domain.invoice_schema > src/turnout/schemas/invoice.schema.json"


def published() -> str:
    return resources.files("turnout").joinpath("schemas/invoice.schema.json").read_text("utf-8")


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        invoice_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def leaves(schema: dict[str, Any], path: str = "") -> dict[str, dict[str, Any]]:
    """Canonical path (`lines[].allowances[].amount`) → the schema of every field."""
    found: dict[str, dict[str, Any]] = {}
    for name, prop in schema.get("properties", {}).items():
        where = f"{path}{name}"
        found[where] = prop
        inner = next((s for s in prop.get("anyOf", []) if s.get("type") == "object"), prop)
        if inner.get("type") == "array" and "properties" in inner.get("items", {}):
            found.update(leaves(inner["items"], f"{where}[]."))
        elif inner.get("type") == "object" and "properties" in inner:
            found.update(leaves(inner, f"{where}."))
    return found


def test_the_published_file_is_the_generated_schema() -> None:
    assert published() == render(invoice_json_schema()), (
        f"src/turnout/schemas/invoice.schema.json is out of date; regenerate it: {REGENERATE}"
    )


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = invoice_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID


def test_every_business_term_and_group_the_model_holds_is_described_by_its_id_and_name() -> None:
    fields = leaves(invoice_json_schema())
    names = {t.id: t.name for t in EN16931_TERMS + EN16931_GROUPS}
    flattened = {"BG-2", "BG-29", "BG-30", "BG-31"}  # their terms sit on the invoice and the line
    for term_id, path in term_paths().items():
        if term_id in flattened:
            continue
        path = path.removesuffix("[]")  # a repeating group's list
        assert path in fields, f"{term_id} lives at {path}, which the schema lacks"
        assert fields[path]["description"].startswith(f"{term_id} {names[term_id]}"), path
    assert len(term_paths()) - len(flattened) == len(EN16931_TERMS) + len(EN16931_GROUPS) - 4


def test_every_field_has_a_type_a_description_and_every_group_is_closed() -> None:
    for path, prop in leaves(invoice_json_schema()).items():
        assert prop["description"], path
        if path == "provenance":
            continue
        assert "type" in prop or "anyOf" in prop, path
        for group in [prop, *prop.get("anyOf", []), prop.get("items", {})]:
            if group.get("type") == "object":
                assert group["additionalProperties"] is False, path


def test_amounts_are_decimal_strings_dates_iso_and_empty_fields_null() -> None:
    fields = leaves(invoice_json_schema())
    assert fields["totals.payable"]["type"] == ["string", "null"]
    assert fields["totals.payable"]["pattern"] == r"^-?[0-9]+(\.[0-9]+)?$"
    assert fields["issue_date"]["format"] == "date"
    assert fields["payee"]["anyOf"][1] == {"type": "null"}
    assert fields["lines[].allowances[].vat_category"]["type"] == "null"
    assert fields["seller.address.post_code"]["description"] == "BT-38 Seller post code"
    assert fields["delivery.address.post_code"]["description"] == "BT-78 Deliver to post code"
    assert fields["payment.more_transfers[].account"]["description"].startswith("BT-84 ")


@pytest.mark.parametrize("seed", range(30))
def test_generated_invoices_json_fits_the_schema(seed: int) -> None:
    data = generate(seed).to_dict()
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(data)
    ]
    assert not errors, errors


def test_an_invoice_read_from_a_page_with_provenance_fits_the_schema() -> None:
    from turnout.domain.invoice import FieldSource
    from turnout.domain.page import Box

    invoice = Invoice(invoice_number="A-1", seller=Party(name="ACME"), totals=Totals())
    invoice.lines.append(InvoiceLine(id="1"))
    invoice.provenance["invoice_number"] = FieldSource("extract.layout", 0.9, (Box(1, 0, 0, 1, 1),))
    validator().validate(invoice.to_dict())


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["totals"].update(payable=12.5), "totals/payable"),
        (lambda d: d["totals"].update(payable="12,50"), "totals/payable"),
        (lambda d: d.update(issue_date="05.12.2026"), "issue_date"),
        (lambda d: d["seller"].update(nickname="x"), "seller"),
        (
            lambda d: d["lines"][0].update(allowances=[{"vat_category": "S"}]),
            "lines/0/allowances/0",
        ),
        (lambda d: d.update(payee={}, unknown=1), ""),
    ],
)
def test_the_schema_refuses_what_to_dict_never_writes(change: Any, path: str) -> None:
    data = json.loads(json.dumps(generate(1).to_dict()))
    change(data)
    errors = list(validator().iter_errors(data))
    assert errors
    assert any("/".join(map(str, e.absolute_path)).startswith(path) for e in errors)
