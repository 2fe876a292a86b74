"""docs/module-authors.md shows the stages as the code defines them: its table is the one
`turnout.testing.guide` renders from the stage contracts and the built-in modules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from turnout.authoring import DocumentKind
from turnout.bootstrap import bundled_examples
from turnout.testing import document_of
from turnout.testing.guide import (
    END,
    FRAMEWORK_END,
    FRAMEWORK_START,
    REGENERATE,
    START,
    framework_table,
    stage_table,
    with_table,
)

GUIDE = Path(__file__).parents[2] / "docs" / "module-authors.md"


def test_the_guides_stage_table_is_the_one_the_code_renders() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"{START}\n{stage_table()}{END}" in guide, (
        f"the stage table is stale; run `{REGENERATE}`"
    )
    assert with_table(guide) == guide


def test_the_guides_framework_settings_are_the_ones_the_code_renders() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"{FRAMEWORK_START}\n{framework_table()}{FRAMEWORK_END}" in guide, (
        f"the framework settings are stale; run `{REGENERATE}`"
    )
    rows = framework_table().splitlines()[2:]
    assert [r.split("`")[1] for r in rows] == [
        "isolation",
        "memory_limit_mb",
        "workers",
        "start_timeout_s",
    ]
    assert "default 4096" in rows[1] and "default 30" in rows[3]


def test_the_guide_says_how_to_render_the_table_again() -> None:
    assert REGENERATE in GUIDE.read_text(encoding="utf-8")


def test_the_table_has_a_row_per_stage_with_its_contract_and_modules() -> None:
    rows = stage_table().splitlines()[2:]
    assert [r.split("|")[1].split()[0] for r in rows] == [
        "intake",
        "einvoice",
        "text",
        "extract",
        "normalize",
        "validate",
        "dedupe",
        "match",
        "route",
        "export",
    ]
    text = rows[2]
    assert "`document/v1` (skipped when `einvoice/v1` is present)" in text
    assert "`text.ocr`, `text.pdfium`" in text
    assert "`invoice/v1`, `findings/v1`, optional `duplicate/v1`, `match/v1`" in rows[8]


def test_a_guide_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="has no stage table"):
        with_table("# a guide\n")


def test_the_guides_code_imports_only_the_published_surfaces() -> None:
    """A module author's code imports `turnout.authoring` and `turnout.testing`, never a built-in
    module or the runtime."""
    imports = re.findall(r"^\s*(?:from|import) (turnout[\w.]*)", GUIDE.read_text("utf-8"), re.M)
    assert imports
    assert {i for i in imports if i not in ("turnout.authoring", "turnout.testing")} == set()


def test_document_of_makes_the_document_intake_makes(tmp_path: Path) -> None:
    xml = next(p for p in bundled_examples() if p.name == "cii-invoice.xml")
    document = document_of(xml)
    assert (document.filename, document.kind, document.size) == (
        "cii-invoice.xml",
        DocumentKind.CII,
        xml.stat().st_size,
    )
    assert document.problems() == []
