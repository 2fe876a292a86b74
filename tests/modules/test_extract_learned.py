"""extract.learned: a profile learned from one reviewed invoice reads the issuer's next invoices
(same layout, other values) right, where the layout reader alone misses; without a profile, or
with an emptied one, the result is exactly the layout reader's; the profile exports as an
invoice2data template that invoice2data itself reads the same values with, and a template
imported into a profile is applied."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from invoice2data.extract.loader import read_templates

from support.issuer_invoices import ISSUERS, Issuer, issuer_invoice
from support.issuer_letters import MOLEN, MOLEN_ELSEWHERE, letter
from support.printed_invoices import scan_of
from turnout.domain.artifacts import Fields, Source, Text
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.page import Word
from turnout.domain.profiles import EMPTY_DATA, IssuerProfile, read_key
from turnout.modules.extract.invoice2data_adapter import extract_with
from turnout.modules.extract.layout.module import LayoutExtract
from turnout.modules.extract.layout.page import layout_of
from turnout.modules.extract.learned.applying import read_fields
from turnout.modules.extract.learned.issuer import SAME_PAGE, resemblance
from turnout.modules.extract.learned.learner import LearnedProfiles
from turnout.modules.extract.learned.module import LearnedExtract
from turnout.modules.extract.learned.rules import ProfileData, label_of, shape_of, shape_pattern
from turnout.modules.extract.template_fields import to_fields
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.from_fields import invoice_from_fields
from turnout.modules.text.ocr import OcrText
from turnout.modules.text.pdfium import PdfiumText

NOW = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
HEADER = (
    "invoice_number",
    "issue_date",
    "due_date",
    "seller.name",
    "seller.vat_id",
    "buyer.name",
    "totals.tax_exclusive",
    "totals.tax",
    "totals.tax_inclusive",
    "totals.payable",
    "payment.iban",
)
BY_NAME = {issuer.name: issuer for issuer in ISSUERS}
LEARNER = LearnedProfiles()


class Directory:
    """The profiles a run would find: one, by any of its keys."""

    def __init__(self, profile: IssuerProfile | None) -> None:
        self.profile = profile
        self.asked: list[list[str]] = []

    def find(self, keys: Sequence[str]) -> IssuerProfile | None:
        self.asked.append(list(keys))
        if self.profile is not None and set(keys) & set(self.profile.keys):
            return self.profile
        return None


def text_of(pdf: bytes) -> Artifacts:
    artifacts = Artifacts([Source("invoice.pdf", pdf)])
    for module in (StandardIntake(), PdfiumText()):
        context = RunContext("run-1", 1, module.spec.stage_id, module.spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts


def read(artifacts: Artifacts, profiles: Directory | None, module: Any = None) -> Fields:
    module = module or LearnedExtract()
    context = RunContext("run-1", 1, "extract", module.spec.module_id, Path(), profiles=profiles)
    (fields,) = list(module.process(artifacts, context))
    assert isinstance(fields, Fields)
    return fields


def invoice_of(fields: Fields) -> dict[str, Any]:
    invoice, _ = invoice_from_fields(fields, "DMY")
    return invoice.to_dict()


def at(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        if not isinstance(data.get(key), dict):
            data[key] = {}
        data = data[key]
    data[last] = value


def same(got: Any, truth: Any) -> bool:
    if got is None or truth is None:
        return got is truth
    try:
        return Decimal(str(got)) == Decimal(str(truth))
    except ArithmeticError:
        return "".join(str(got).split()).casefold() == "".join(str(truth).split()).casefold()


def wrong(invoice: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    return [
        p for p in HEADER if at(truth, p) is not None and not same(at(invoice, p), at(truth, p))
    ]


def reviewed(issuer: Issuer) -> tuple[IssuerProfile, list[str]]:
    """Invoice 0 of the issuer read, corrected to its truth as a reviewer would, and learned."""
    printed = issuer_invoice(issuer, 0)
    artifacts = text_of(printed.pdf)
    invoice = invoice_of(read(artifacts, None))
    corrected = wrong(invoice, printed.truth)
    for path in corrected:
        put(invoice, path, at(printed.truth, path))
    profile = LEARNER.learn(None, artifacts.require(Text), invoice, corrected, "rex", NOW)
    assert profile is not None
    return profile, corrected


@pytest.mark.parametrize(
    "name", ["de-vorgang", "de-beleg", "en-docref", "fr-unlabelled", "nl-unlabelled"]
)
def test_a_corrected_field_is_read_right_on_the_issuers_next_invoices(name: str) -> None:
    issuer = BY_NAME[name]
    profile, corrected = reviewed(issuer)
    assert corrected == ["invoice_number"]  # what the layout reader alone gets wrong
    assert profile.data["fields"]["invoice_number"]["taught"] == "correction"
    for n in (1, 2, 3):
        printed = issuer_invoice(issuer, n)
        artifacts = text_of(printed.pdf)
        alone = invoice_of(read(artifacts, None))
        assert "invoice_number" in wrong(alone, printed.truth)
        fields = read(artifacts, Directory(profile))
        assert wrong(invoice_of(fields), printed.truth) == []
        number = fields.values["invoice_number"]
        assert number.module == "extract.learned" and number.confidence >= 0.9
        assert number.boxes and number.boxes[0].page == 1


@pytest.mark.parametrize("name", ["de-blocks", "en-row", "fr-title", "it-window", "nl-row"])
def test_a_profile_learned_from_an_approval_keeps_every_field_right(name: str) -> None:
    issuer = BY_NAME[name]
    profile, corrected = reviewed(issuer)
    assert corrected == []
    assert profile.keys and profile.issuer_key.startswith("vat:")
    for n in (1, 2, 3, 4):
        printed = issuer_invoice(issuer, n)
        fields = read(text_of(printed.pdf), Directory(profile))
        assert wrong(invoice_of(fields), printed.truth) == [], n


def test_without_a_profile_the_result_is_exactly_the_layout_readers() -> None:
    printed = issuer_invoice(BY_NAME["de-vorgang"], 1)
    artifacts = text_of(printed.pdf)
    alone = read(artifacts, None, LayoutExtract())
    assert read(artifacts, None) == alone  # outside a database: no profiles at all
    directory = Directory(None)
    assert read(artifacts, directory) == alone  # no profile for this issuer
    vat_id = printed.truth["seller"]["vat_id"]
    assert directory.asked and directory.asked[0][0] == f"vat:{vat_id}"


def test_a_reset_profile_gives_back_the_layout_readers_result() -> None:
    issuer = BY_NAME["de-vorgang"]
    profile, _ = reviewed(issuer)
    printed = issuer_invoice(issuer, 2)
    artifacts = text_of(printed.pdf)
    alone = read(artifacts, None, LayoutExtract())
    assert read(artifacts, Directory(profile)) != alone
    emptied = IssuerProfile(
        profile.issuer_key, profile.name, 2, dict(EMPTY_DATA), NOW, "olga", profile.keys
    )
    assert read(artifacts, Directory(emptied)) == alone


def test_a_wrong_correction_is_read_wrong_until_a_new_correction_replaces_it() -> None:
    issuer = BY_NAME["de-vorgang"]
    printed = issuer_invoice(issuer, 0)
    artifacts = text_of(printed.pdf)
    invoice = invoice_of(read(artifacts, None))
    customer = printed.truth["buyer"]["identifiers"][0]["id"]
    invoice["invoice_number"] = customer  # the reviewer typed the customer number
    text = artifacts.require(Text)
    wrong_profile = LEARNER.learn(None, text, invoice, ["invoice_number"], "rex", NOW)
    assert wrong_profile is not None
    second = issuer_invoice(issuer, 1)
    second_text = text_of(second.pdf)
    assert read(second_text, Directory(wrong_profile)).values["invoice_number"].value == customer
    # the next review corrects it: the new rule replaces the wrong one
    again = invoice_of(read(second_text, Directory(wrong_profile)))
    again["invoice_number"] = second.truth["invoice_number"]
    fixed = LEARNER.learn(
        wrong_profile, second_text.require(Text), again, ["invoice_number"], "rex", NOW
    )
    assert fixed is not None
    third = issuer_invoice(issuer, 2)
    fields = read(text_of(third.pdf), Directory(fixed))
    assert fields.values["invoice_number"].value == third.truth["invoice_number"]


def test_repeated_confirmations_are_counted() -> None:
    issuer = BY_NAME["de-window"]
    profile, _ = reviewed(issuer)
    for n in (1, 2):
        printed = issuer_invoice(issuer, n)
        artifacts = text_of(printed.pdf)
        invoice = invoice_of(read(artifacts, Directory(profile)))
        learned = LEARNER.learn(profile, artifacts.require(Text), invoice, [], "rex", NOW)
        assert learned is not None
        profile = learned
    rules = profile.data["fields"]
    assert rules["invoice_number"]["count"] == 3
    assert rules["seller.vat_id"]["count"] == 3


@pytest.mark.parametrize("name", ["de-vorgang", "en-row", "fr-unlabelled", "it-row", "es-title"])
def test_the_exported_template_reads_the_same_values_with_invoice2data(
    name: str, tmp_path: Path
) -> None:
    issuer = BY_NAME[name]
    profile, _ = reviewed(issuer)
    printed = issuer_invoice(issuer, 0)  # the invoice it was learned from
    artifacts = text_of(printed.pdf)
    ours = invoice_of(read(artifacts, Directory(profile)))
    assert wrong(ours, printed.truth) == []
    (tmp_path / "issuer.yml").write_text(LEARNER.to_invoice2data(profile), encoding="utf-8")
    (template,) = read_templates(str(tmp_path))
    text = artifacts.require(Text)
    assert template.matches_input(text.full)
    match = extract_with(template, text.full)  # invoice2data's own extraction
    theirs = invoice_of(to_fields(match, "extract.templates", None))
    compared = [p for p in HEADER if at(theirs, p) is not None]
    assert {"invoice_number", "issue_date", "totals.payable"} <= set(compared)
    assert [p for p in compared if not same(at(theirs, p), at(ours, p))] == []


def test_an_imported_invoice2data_template_is_applied() -> None:
    issuer = BY_NAME["de-vorgang"]
    printed = issuer_invoice(issuer, 1)
    vat_id = printed.truth["seller"]["vat_id"]
    template = f"""
issuer: {printed.truth["seller"]["name"]}
keywords: [{vat_id}]
fields:
  invoice_number: Vorgang:\\s+(\\S+)
  amount:
    parser: regex
    regex: Zu zahlen\\s+([\\d.,]+)
options:
  decimal_separator: ','
"""
    profile = LEARNER.from_invoice2data(template, "olga", NOW)
    assert profile.issuer_key == f"vat:{vat_id}"
    assert set(profile.data["fields"]) == {"invoice_number", "totals.payable"}
    artifacts = text_of(printed.pdf)
    fields = read(artifacts, Directory(profile))
    number = fields.values["invoice_number"]
    assert (number.value, number.module) == (printed.truth["invoice_number"], "extract.learned")
    assert number.boxes  # found on the page too


@pytest.mark.parametrize(
    "text",
    ["- just a list", "issuer: X\nkeywords: [X]\nfields: {}", "fields: {a: b}", "{not json"],
)
def test_what_is_not_a_usable_template_is_refused_with_the_reason(text: str) -> None:
    with pytest.raises(ValueError, match="template"):
        LEARNER.from_invoice2data(text, "olga", NOW)


def test_shapes_and_labels() -> None:
    assert shape_of("INV-12345") == "AAA-99999"
    assert shape_of("F2024/017") == "A9999/999"
    pattern = shape_pattern("AAA-99999")
    import re

    assert re.fullmatch(pattern, "RE-123456") and not re.fullmatch(pattern, "12345")
    words = [Word(t, 1, 0, 0, 1, 1) for t in ("zzgl.", "19", "%", "USt.", "auf", "1.234,56:")]
    assert label_of(words) == "zzgl. {n} % ust. auf {n}"


def test_a_profile_whose_data_is_damaged_reads_what_it_still_can() -> None:
    issuer = BY_NAME["de-vorgang"]
    profile, _ = reviewed(issuer)
    rules = dict(profile.data["fields"])
    rules["issue_date"] = {"kind": "date", "where": "none", "box": [0.1], "count": "x"}
    rules["due_date"] = "not a rule"
    damaged = IssuerProfile(
        profile.issuer_key,
        profile.name,
        3,
        {**profile.data, "fields": rules, "options": ["not", "a", "mapping"]},
        NOW,
        "rex",
        profile.keys,
    )
    printed = issuer_invoice(issuer, 1)
    fields = read(text_of(printed.pdf), Directory(damaged))
    assert fields.values["invoice_number"].value == printed.truth["invoice_number"]
    assert wrong(invoice_of(fields), printed.truth) == []


def test_on_scans_a_correction_teaches_the_number_and_the_names_ocr_misreads() -> None:
    issuer = BY_NAME["de-vorgang"]
    first = issuer_invoice(issuer, 0)
    artifacts = scanned(first.pdf)
    invoice = invoice_of(read(artifacts, None))
    corrected = wrong(invoice, first.truth)
    assert "invoice_number" in corrected
    for path in corrected:
        put(invoice, path, at(first.truth, path))
    profile = LEARNER.learn(None, artifacts.require(Text), invoice, corrected, "rex", NOW)
    assert profile is not None
    second = issuer_invoice(issuer, 1)
    fields = read(scanned(second.pdf), Directory(profile))
    assert wrong(invoice_of(fields), second.truth) == []
    assert fields.values["invoice_number"].boxes


def scanned(pdf: bytes) -> Artifacts:
    artifacts = Artifacts([Source("scan.pdf", scan_of(pdf))])
    for module in (StandardIntake(), OcrText()):
        context = RunContext("run-1", 1, module.spec.stage_id, module.spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts


def test_the_issuers_currency_fills_in_when_the_page_no_longer_shows_it() -> None:
    issuer = BY_NAME["en-docref"]
    profile, _ = reviewed(issuer)
    assert profile.data["options"]["currency"] == "GBP"
    printed = issuer_invoice(issuer, 1)
    assert printed.truth["currency"] == "GBP"
    text = text_of(printed.pdf).require(Text)

    def unmarked(value: str) -> str:  # as an OCR that lost every pound sign
        return value.replace("£", "").replace("GBP", "")

    words = tuple(replace(w, text=unmarked(w.text)) for w in text.words if unmarked(w.text))
    pages = tuple(unmarked(page) for page in text.pages)
    artifacts = Artifacts([replace(text, words=words, pages=pages)])
    assert "currency" not in read(artifacts, None).values
    currency = read(artifacts, Directory(profile)).values["currency"]
    assert (currency.value, currency.module) == ("GBP", "extract.learned")
    assert currency.confidence < 0.9


# --- who the issuer is: a profile is found on the issuer's next invoice by the seller's name as
# the machine misread it when a person corrected that name (`read:` keys), on a page like the one
# it was learned from only (another issuer misread the same way keeps the layout reader's
# result); a VAT id or IBAN failing its checksum keys no profile and is never learned as the
# issuer's; an imported expression that backtracks for ever ends its own rule.

LEGAL_NAME = "Bakkerij De Molen Utrecht B.V."  # what the reviewer types; the page says De Molen


def learned_from_corrected_name() -> Any:
    pdf, _ = letter(MOLEN, 0)
    artifacts = text_of(pdf)
    invoice = invoice_of(read(artifacts, None))
    assert invoice["seller"]["name"] == "De Molen"
    invoice["seller"]["name"] = LEGAL_NAME
    profile = LEARNER.learn(None, artifacts.require(Text), invoice, ["seller.name"], "rex", NOW)
    assert profile is not None
    assert profile.keys == ("name:bakkerij de molen utrecht b v",)
    # what the review service adds: the name as the machine read it
    return replace(profile, keys=(*profile.keys, str(read_key("De Molen"))))


def test_a_corrected_name_finds_the_profile_on_the_issuers_next_invoice() -> None:
    profile = learned_from_corrected_name()
    pdf, truth = letter(MOLEN, 1)
    directory = Directory(profile)
    fields = read(text_of(pdf), directory)
    seller = fields.values["seller.name"]
    assert (seller.value, seller.module) == (LEGAL_NAME, "extract.learned")
    assert fields.values["invoice_number"].value == truth["invoice_number"]
    assert "read:de molen" in directory.asked[0]


def test_another_issuer_misread_the_same_way_is_not_read_with_the_profile() -> None:
    profile = learned_from_corrected_name()
    pdf, _ = letter(MOLEN_ELSEWHERE, 0)
    artifacts = text_of(pdf)
    alone = read(artifacts, None)
    fields = read(artifacts, Directory(profile))
    assert fields.values["seller.name"].value == "De Molen"
    assert fields == alone


def test_pages_of_one_issuer_resemble_each_other_and_not_another_issuers() -> None:
    nexts = [text_of(issuer_invoice(other, 1).pdf).require(Text) for other in ISSUERS]
    for issuer in ISSUERS:
        profile, _ = reviewed(issuer)
        known = profile.data["options"]["fingerprint"]
        similar = [
            o.name
            for o, page in zip(ISSUERS, nexts, strict=True)
            if resemblance(known, page) >= SAME_PAGE
        ]
        assert similar == [issuer.name]


@pytest.mark.parametrize(
    ("vat_id", "iban", "keys"),
    [
        (
            "DE136695976",
            "DE89370400440532013000",
            ["vat:DE136695976", "iban:DE89370400440532013000"],
        ),
        ("DE136695977", "DE89370400440532013001", []),  # both checksums fail
        ("DE136695977", "DE89370400440532013000", ["iban:DE89370400440532013000"]),
    ],
)
def test_a_vat_id_or_iban_failing_its_checksum_keys_no_profile(
    vat_id: str, iban: str, keys: list[str]
) -> None:
    invoice = {"seller": {"name": "Acme GmbH", "vat_id": vat_id}, "payment": {"iban": iban}}
    assert LEARNER.issuer_keys(invoice) == [*keys, "name:acme gmbh"]


def test_a_vat_id_or_iban_failing_its_checksum_is_not_learned_as_the_issuers() -> None:
    printed = issuer_invoice(ISSUERS[0], 0)
    artifacts = text_of(printed.pdf)
    invoice = invoice_of(read(artifacts, None))
    good = LEARNER.learn(None, artifacts.require(Text), invoice, [], "rex", NOW)
    assert good is not None and {"seller.vat_id", "payment.iban"} <= set(good.fields)
    vat_id, iban = invoice["seller"]["vat_id"], invoice["payment"]["iban"]
    invoice["seller"]["vat_id"] = vat_id[:-1] + str((int(vat_id[-1]) + 1) % 10)
    invoice["payment"]["iban"] = iban[:-1] + str((int(iban[-1]) + 1) % 10)
    text = artifacts.require(Text)
    bad = LEARNER.learn(None, text, invoice, ["seller.vat_id", "payment.iban"], "rex", NOW)
    assert bad is not None
    assert not {"seller.vat_id", "payment.iban"} & set(bad.fields)
    assert not [k for k in bad.keys if k.startswith(("vat:", "iban:"))]


def test_a_backtracking_imported_expression_ends_its_rule_not_the_stage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    template = """
issuer: Slow Patterns Ltd
keywords: [Slow Patterns]
fields:
  invoice_number: (a+)+$
  amount: Total due\\s+([\\d.,]+)
"""
    profile = LEARNER.from_invoice2data(template, "olga", NOW)
    text = Text(pages=("Slow Patterns Ltd\nTotal due 12.50\n" + "a" * 5000 + "b",), method="t")
    with caplog.at_level(logging.WARNING):
        found = read_fields(ProfileData.of(profile.data), layout_of(text), text)
    assert "invoice_number" not in found
    assert found["totals.payable"].value == "12.50"
    assert "invoice_number skipped" in caplog.text and "(a+)+$" in caplog.text


@pytest.mark.parametrize("regex", ["Nr\\s+(\\d+", "[z-a]", "x{2,1}"])
def test_an_imported_expression_that_does_not_compile_is_refused_with_the_message(
    regex: str,
) -> None:
    template = f"issuer: X\nkeywords: [X]\nfields:\n  invoice_number: '{regex}'\n"
    with pytest.raises(ValueError, match=r"invoice_number: the regular expression .* is invalid"):
        LEARNER.from_invoice2data(template, "olga", NOW)


def test_an_older_profiles_constant_failing_its_checksum_is_not_read() -> None:
    issuer = BY_NAME["de-vorgang"]
    profile, _ = reviewed(issuer)
    rules = dict(profile.data["fields"])
    vat_id = rules["seller.vat_id"]["value"]
    broken = vat_id[:-1] + str((int(vat_id[-1]) + 1) % 10)
    rules["seller.vat_id"] = {
        **rules["seller.vat_id"],
        "where": "value",
        "value": broken,
        "taught": "correction",
    }
    older = replace(profile, data={**profile.data, "fields": rules})
    printed = issuer_invoice(issuer, 1)
    fields = read(text_of(printed.pdf), Directory(older))
    read_vat = fields.values["seller.vat_id"]
    assert (read_vat.value, read_vat.module) == (vat_id, "extract.layout")
    assert fields.values["invoice_number"].module == "extract.learned"
