"""extract.templates and its invoice2data adapter, against the real invoice2data library.

The texts are made here, shaped like the invoices the templates expect; nothing is copied
from invoice2data's corpus.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from invoice2data.extract.invoice_template import InvoiceTemplate

from turnout.authoring.quiet import quiet_dependencies
from turnout.domain.artifacts import Fields, InvoiceArtifact, Text
from turnout.domain.errors import InputRejected, InvalidConfiguration
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.extract.invoice2data_adapter import (
    TemplateMatch,
    TemplateSet,
    find_template,
    load_templates,
    matches,
)
from turnout.modules.extract.template_fields import to_fields
from turnout.modules.extract.templates import TemplateExtract
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.text.layout import TextRun, lay_out
from turnout.testing import ModuleContractSuite

# shaped like the hotel invoices invoice2data's built-in com.oyo.invoice.yml reads
HOTEL_INVOICE = """\
Oravel Stays Private Limited                                  TAX INVOICE
OYO Townhouse 12 Lakeside
Date: 14/03/2024
Hotel Details                          Check In      Check Out     Rooms
OYO 7731 Lakeview Inn Powai,           14/03/2024    16/03/2024    1
Booking ID              Payment Mode
KQWX5521                Cash at Hotel
DESCRIPTION                                                   AMOUNT
Room charges (2 nights)                                       Rs 2480
Grand Total                                                   Rs 2480
GSTIN                   CIN
27AABCO6063D1ZQ         U63090DL2012PTC231770
Oravel Stays Private Limited
"""

CUSTOM_TEMPLATE = """\
issuer: Brightwater Supplies Ltd
keywords:
  - Brightwater Supplies
  - (?i)tax invoice
exclude_keywords:
  - CREDIT NOTE
fields:
  invoice_number: Invoice no\\.\\s+(BW-\\d+)
  amount: Total due\\s+EUR\\s+([\\d,]+\\.\\d{2})
  amount_untaxed: Net\\s+EUR\\s+([\\d,]+\\.\\d{2})
  date: Invoice date\\s+(\\d{4}-\\d{2}-\\d{2})
  vat: VAT\\s+(GB\\d{9})
  po_box: PO Box\\s+(\\d+)
options:
  currency: EUR
  decimal_separator: "."
"""

CUSTOM_INVOICE = """\
Brightwater Supplies Ltd, PO Box 4471, Leeds          Tax Invoice
VAT GB123456782
Invoice no. BW-2044                 Invoice date 2024-05-02
Net           EUR   1,028.75
Total due     EUR   1,234.50
"""


def text_of(body: str) -> Artifacts:
    return Artifacts([Text(pages=(body,), method="test", page_confidence=(1.0,))])


def extract(body: str, **settings: object) -> Fields:
    context = RunContext("run-1", 1, "extract", "extract.templates", Path())
    module = TemplateExtract(settings)
    module.warm_up()
    (fields,) = module.process(text_of(body), context)
    assert isinstance(fields, Fields)
    return fields


def custom_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "uk.brightwater.yml").write_text(CUSTOM_TEMPLATE, encoding="utf-8")
    return folder


def test_builtin_templates_load_once_highest_priority_first() -> None:
    templates = load_templates(None)
    assert len(templates) > 100
    assert load_templates(None) is templates
    priorities = [t.get("priority", 5) for t in templates]
    assert priorities == sorted(priorities, reverse=True)


def test_adapter_picks_the_builtin_template_whose_keywords_occur() -> None:
    template = find_template(load_templates(None), HOTEL_INVOICE)
    assert template is not None
    assert template["template_name"] == "com.oyo.invoice.yml"
    assert find_template(load_templates(None), "Some unknown shop\nTotal 12.00") is None


def test_builtin_template_fields_come_out_under_canonical_paths() -> None:
    fields = extract(HOTEL_INVOICE)
    values = {path: field.value for path, field in fields.values.items()}
    assert values["invoice_number"] == "KQWX5521"
    assert values["issue_date"] == "2024-03-14"
    assert values["totals.payable"] == "2480.0"
    assert values["currency"] == "INR"
    assert values["seller.name"] == "OYO"
    assert values["extra.template_name"] == "com.oyo.invoice.yml"
    assert values["payment.means_text"] == "Cash at Hotel"  # BT-82, the payment means text
    assert values["extra.booking_id"] == "KQWX5521"
    assert values["extra.date_check_out"] == "2024-03-16"
    assert all(
        f.confidence == 0.95 and f.module == "extract.templates" for f in fields.values.values()
    )


def test_no_matching_template_is_rejected_naming_the_default_fallback() -> None:
    with pytest.raises(InputRejected, match=r"no invoice2data template matches.*extract\.learned"):
        extract("Corner Bakery\nReceipt 77\nTotal 4.20 EUR\n")


def test_template_folder_adds_a_template_with_regex_keywords(tmp_path: Path) -> None:
    fields = extract(CUSTOM_INVOICE, template_folder=str(custom_folder(tmp_path)))
    values = {path: field.value for path, field in fields.values.items()}
    assert values["extra.template_name"] == "uk.brightwater.yml"
    assert values["invoice_number"] == "BW-2044"
    assert values["totals.payable"] == "1234.5"
    assert values["totals.tax_exclusive"] == "1028.75"
    assert values["seller.vat_id"] == "GB123456782"
    assert values["seller.name"] == "Brightwater Supplies Ltd"
    assert values["extra.po_box"] == "4471"
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    (artifact,) = StandardNormalize().process(Artifacts([fields]), context)
    assert isinstance(artifact, InvoiceArtifact)
    invoice = artifact.invoice
    assert invoice.totals.payable == Decimal("1234.50")
    assert invoice.issue_date == dt.date(2024, 5, 2)
    assert invoice.currency == "EUR"


def test_exclude_keyword_keeps_a_template_from_matching(tmp_path: Path) -> None:
    body = CUSTOM_INVOICE.replace("Tax Invoice", "Tax Invoice CREDIT NOTE")
    with pytest.raises(InputRejected, match="no invoice2data template matches"):
        extract(body, template_folder=str(custom_folder(tmp_path)))


def test_matching_template_without_its_required_fields_is_rejected(tmp_path: Path) -> None:
    body = CUSTOM_INVOICE.replace("Total due     EUR   1,234.50\n", "")
    with pytest.raises(InputRejected, match=r"uk\.brightwater\.yml matched but could not read"):
        extract(body, template_folder=str(custom_folder(tmp_path)))


def test_the_missing_fields_error_is_the_modules_alone_not_a_stray_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """invoice2data logs its own ERROR line for it, which `turnout process` printed into its
    summary; as the CLI and worker processes set the loggers, only the module's error says it."""
    level = logging.getLogger("invoice2data").level
    quiet_dependencies()
    body = CUSTOM_INVOICE.replace("Total due     EUR   1,234.50\n", "")
    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(InputRejected, match="amount"):
            extract(body, template_folder=str(custom_folder(tmp_path)))
    finally:
        logging.getLogger("invoice2data").setLevel(level)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("invoice2data")] == []


def test_template_folder_must_exist_and_hold_templates(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfiguration, match="is not a directory"):
        TemplateExtract({"template_folder": str(tmp_path / "missing")})
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InvalidConfiguration, match="holds no loadable invoice2data template"):
        TemplateExtract({"template_folder": str(empty)}).warm_up()


def test_float_artefacts_never_reach_the_fields() -> None:
    match = TemplateMatch(
        "t.yml",
        "Issuer",
        {"amount": 0.1 + 0.2, "amount_tax": 29.990000000000002, "date": [dt.datetime(2024, 1, 2)]},
    )
    values = to_fields(match, "extract.templates").values
    assert values["totals.payable"].value == "0.3"
    assert values["totals.tax"].value == "29.99"
    assert values["issue_date"].value == "2024-01-02"
    assert values["extra.date"].value == '["2024-01-02"]'


def test_spec_is_the_extract_default_not_the_fallback() -> None:
    spec = TemplateExtract.spec
    assert spec.module_id == "extract.templates"
    assert spec.contract_id == STAGES_BY_ID["extract"].capability_contract_id
    assert spec.is_fallback is False
    assert spec.settings_schema["additionalProperties"] is False
    TemplateExtract.health_check()


def test_layout_keeps_a_fraction_of_a_character_indent_at_column_zero() -> None:
    # templates anchor table rows with `^\w` (as pdftotext -layout prints them) and sub-rows
    # with a deeper indent; a few points right of the margin must not become a leading space
    runs = [
        TextRun(30.0, 700.0, 85.0, 710.0, "Margin text"),  # 5 points a character
        TextRun(33.5, 680.0, 78.5, 690.0, "Table row"),  # 0.7 characters in
        TextRun(47.0, 660.0, 82.0, 670.0, "Sub row"),  # 3.4 characters in
    ]
    lines = lay_out(runs).splitlines()
    assert lines[0] == "Margin text"
    assert lines[1] == "Table row"
    assert lines[2].startswith("    Sub row")


class TestTemplateExtractContract(ModuleContractSuite):
    module_class = TemplateExtract

    def sample_inputs(self) -> Artifacts:
        return text_of(HOTEL_INVOICE)


def keyword_template(
    name: str, keywords: list[str], exclude: list[str] | None = None
) -> InvoiceTemplate:
    return InvoiceTemplate(
        {
            "issuer": name,
            "template_name": name,
            "keywords": keywords,
            "exclude_keywords": exclude or [],
            "fields": {"amount": r"Total\s+([\d.]+)"},
        }
    )


def test_keywords_with_spaces_match_across_the_layouts_runs_of_spaces() -> None:
    templates = TemplateSet(
        [
            keyword_template("wide", ["VAT   FR 12", "Hotel"]),
            keyword_template("edge", [" Total  ", "Hotel"]),
            keyword_template("regex", ["(?i)acme\\s+gmbh"], exclude=["VOID"]),
        ]
    )
    assert templates.spaces == 3  # the longest run of spaces in a plain keyword
    wide = "Hotel" + " " * 30 + "VAT   FR 12" + " " * 40 + "Total 1.00"
    assert find_template(templates, wide) is templates[0]
    # a longer run of spaces is not the keyword's three, however the text's runs are shortened
    for run in (4, 5, 7, 30):
        text = "Hotel" + " " * 30 + "VAT" + " " * run + "FR 12"
        assert find_template(templates, text) is None
        assert not matches(templates[0], text)
    edge = "Hotel" + " " * 12 + "Total" + " " * 25 + "9.00"
    assert find_template(templates, edge) is templates[1]
    assert find_template(templates, "Hotel Total 9.00") is None
    assert find_template(templates, "ACME      GmbH" + " " * 20 + "Total 3.00") is templates[2]
    assert find_template(templates, "ACME GmbH VOID Total 3.00") is None
    for text in (wide, edge, "Hotel Total 9.00", "ACME GmbH  Total 3.00"):
        assert find_template(templates, text) is find_template(tuple(templates), text)
