"""dedupe.fingerprint: the three checks, their order and settings, and a run without history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from support.history import MemoryInvoiceHistory, SeenInvoice
from turnout.domain.artifacts import Document, DocumentKind, Duplicate, InvoiceArtifact
from turnout.domain.errors import NotApplicable
from turnout.domain.history import invoice_number_key, seller_key
from turnout.domain.invoice import Invoice, Party, Totals
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.dedupe.fingerprint import FingerprintDedupe

HASH = "ab" * 32
MONDAY = dt.datetime(2024, 6, 3, 9, 30, tzinfo=dt.UTC)


def invoice(
    number: str = "INV-2024-7", vat_id: str | None = "DE 136 695 976", name: str = "Acme GmbH"
) -> Invoice:
    return Invoice(
        invoice_number=number,
        issue_date=dt.date(2024, 5, 31),
        seller=Party(name=name, vat_id=vat_id),
        totals=Totals(payable=Decimal("1190.00")),
    )


def seen(run_id: str, created: dt.datetime = MONDAY, **keys: Any) -> SeenInvoice:
    return SeenInvoice(run_id, f"{run_id}.pdf", created, **keys)


def dedupe(
    history: MemoryInvoiceHistory | None,
    inv: Invoice | None = None,
    sha256: str = HASH,
    settings: Mapping[str, Any] | None = None,
) -> Duplicate:
    document = Document("x.pdf", DocumentKind.PDF, "application/pdf", sha256, 3, b"%PDF")
    context = RunContext("run-now", 1, "dedupe", "dedupe.fingerprint", Path(), history)
    artifacts = Artifacts([document, InvoiceArtifact(inv or invoice())])
    (out,) = FingerprintDedupe(settings).process(artifacts, context)
    assert isinstance(out, Duplicate)
    return out


def test_spec_mirrors_the_dedupe_contract_and_settings_default_to_every_check() -> None:
    spec, contract = FingerprintDedupe.spec, STAGES_BY_ID["dedupe"].contract
    assert (spec.stage_id, spec.contract_id, spec.is_fallback) == ("dedupe", "dedupe-v1", False)
    assert spec.outputs == contract.outputs and spec.inputs == contract.inputs
    assert contract.guarantees <= spec.guarantees
    jsonschema.Draft202012Validator.check_schema(spec.settings_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"fuzzy": True}, spec.settings_schema)
    assert FingerprintDedupe({}).checks == ("file_hash", "seller_number", "seller_date_amount")


def test_an_invoice_never_seen_is_not_a_duplicate() -> None:
    history = MemoryInvoiceHistory([seen("old", sha256="cd" * 32, seller_key="vat:XX1")])
    assert dedupe(history) == Duplicate(False)


def test_the_same_file_is_a_duplicate_of_the_earlier_run_with_a_human_reason() -> None:
    out = dedupe(MemoryInvoiceHistory([seen("first", sha256=HASH)]))
    assert (out.is_duplicate, out.of_run) == (True, "first")
    assert out.reason == "file_hash: the same file as `first.pdf`, processed 2024-06-03 09:30 UTC"


def test_same_seller_and_number_match_whatever_the_case_and_spacing_of_the_number() -> None:
    earlier = seen(
        "first",
        seller_key=seller_key("de136695976", None),
        invoice_number_key=invoice_number_key("inv - 2024 - 7"),
    )
    out = dedupe(MemoryInvoiceHistory([earlier]), invoice(number="INV-2024-7"), sha256="ef" * 32)
    assert (out.is_duplicate, out.of_run) == (True, "first")
    assert out.reason is not None and out.reason.startswith("seller_number: the same seller")


def test_a_seller_without_vat_id_is_recognised_by_its_case_folded_name() -> None:
    earlier = seen(
        "first",
        seller_key=seller_key(None, "ACME   gmbh"),
        issue_date=dt.date(2024, 5, 31),
        payable=Decimal("1190.0"),
    )
    out = dedupe(MemoryInvoiceHistory([earlier]), invoice(number="other", vat_id=None))
    assert (out.is_duplicate, out.of_run) == (True, "first")
    assert out.reason is not None and out.reason.startswith("seller_date_amount:")


def test_the_same_number_from_another_seller_is_not_a_duplicate() -> None:
    earlier = seen(
        "first", seller_key=seller_key("FR40303265045", None), invoice_number_key="inv-2024-7"
    )
    assert dedupe(MemoryInvoiceHistory([earlier]), sha256="ef" * 32) == Duplicate(False)


def test_the_strongest_check_wins_and_the_oldest_run_is_named() -> None:
    later = MONDAY + dt.timedelta(days=1)
    history = MemoryInvoiceHistory(
        [
            seen(
                "by-number", MONDAY, seller_key="vat:DE136695976", invoice_number_key="inv-2024-7"
            ),
            seen("copy-2", later, sha256=HASH),
            seen("copy-1", MONDAY, sha256=HASH),
        ]
    )
    out = dedupe(history)
    assert out.of_run == "copy-1"
    assert out.reason is not None and out.reason.startswith("file_hash:")
    assert out.reason.endswith("; 1 later run(s) match as well")


def test_a_check_switched_off_is_neither_asked_nor_reported() -> None:
    history = MemoryInvoiceHistory([seen("first", sha256=HASH)])
    assert dedupe(history, settings={"file_hash": False}) == Duplicate(False)
    assert history.asked[-1]["sha256"] is None
    off = {"file_hash": False, "seller_number": False, "seller_date_amount": False}
    assert dedupe(history, settings=off) == Duplicate(False)
    assert set(history.asked[-1].values()) == {None}


def test_without_a_history_the_stage_does_not_apply() -> None:
    with pytest.raises(NotApplicable, match="no invoice history"):
        dedupe(None)


def test_an_empty_invoice_asks_only_for_the_file_hash() -> None:
    history = MemoryInvoiceHistory()
    assert dedupe(history, Invoice()) == Duplicate(False)
    assert history.asked == [
        {
            "sha256": HASH,
            "seller_key": None,
            "invoice_number_key": None,
            "issue_date": None,
            "payable": None,
        }
    ]


def test_history_keys_are_normalised_the_same_way_everywhere() -> None:
    assert seller_key("de 136-695.976", "ignored") == "vat:DE136695976"
    assert seller_key(None, "  Acme   GMBH ") == "name:acme gmbh"
    assert seller_key(" ", "") is None
    assert invoice_number_key(" Inv 2024\t7 ") == "inv20247"
    assert invoice_number_key("   ") is None
