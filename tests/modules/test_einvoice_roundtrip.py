"""Generated invoices survive UBL and CII: canonical → export → einvoice.xml → the same canonical.

`turnout.testing.einvoices` draws complete EN 16931 invoices (every VAT category, allowances and
charges, every payment means, attachments ...). Each is exported with `export.ubl` and
`export.cii`, read back by intake.standard → einvoice.xml → normalize.standard, and compared with
the original as `to_dict()` without `provenance` (where values came from) and `extensions`
(nothing generated has any). UBL → CII and CII → UBL go through the other syntax as well. Every
export must pass our EN 16931 rules (the exports refuse to write otherwise), and with the official
validation artefacts at hand (`../shared/corpora/en16931/xslt` and saxonche), their XSLT too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from turnout.domain.artifacts import (
    Decision,
    Document,
    DocumentKind,
    InvoiceArtifact,
    Outcome,
    Receipt,
    Severity,
    Source,
)
from turnout.domain.invoice import Invoice, invoice_problems
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.export.attachments import attachment_bytes
from turnout.modules.normalize.scale import canonical_scales
from turnout.modules.validate.en16931 import validate_node, validate_xml
from turnout.modules.validate.en16931.canonical import canonical_node
from turnout.modules.xmlsafe import parse_xml
from turnout.runtime.registry import ModuleRegistry
from turnout.testing.einvoices import (
    PAYMENTS,
    SCENARIOS,
    cents,
    generate,
    generate_with_attachments,
)

SEEDS = range(42)  # every scenario x payment means x document type
READERS = ("intake.standard", "einvoice.xml", "normalize.standard")
MAX_BYTES = 10_000_000
CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
XSLT = CORPORA / "en16931" / "xslt"
ZERO = Decimal("0.00")


# ---- the generator itself ----------------------------------------------------------------


def test_the_same_seed_gives_the_same_invoice_and_seeds_differ() -> None:
    assert generate(7).to_dict() == generate(7).to_dict()
    assert len({generate(s).to_dict()["totals"]["payable"] for s in SEEDS}) > 35


@pytest.mark.parametrize("seed", range(200))
def test_generated_invoices_are_sound_and_their_sums_hold_to_the_cent(seed: int) -> None:
    inv = generate(seed)
    assert invoice_problems(inv) == []
    t = inv.totals
    line_nets = [line.net_amount or ZERO for line in inv.lines]
    assert t.line_net == sum(line_nets, ZERO)  # BR-CO-10
    assert (t.allowances or ZERO) == sum((a.amount or ZERO for a in inv.allowances), ZERO)
    assert (t.charges or ZERO) == sum((c.amount or ZERO for c in inv.charges), ZERO)
    assert (t.allowances is None) == (not inv.allowances)  # never a guessed zero
    assert t.tax_exclusive == t.line_net - (t.allowances or ZERO) + (t.charges or ZERO)
    assert t.tax == sum((v.tax or ZERO for v in inv.vat_breakdown), ZERO)  # BR-CO-14
    assert t.tax_exclusive is not None and t.tax is not None
    assert t.tax_inclusive == t.tax_exclusive + t.tax  # BR-CO-15
    assert t.payable == t.tax_inclusive - (t.prepaid or ZERO) + (t.rounding or ZERO)  # BR-CO-16
    for line in inv.lines:
        assert line.quantity is not None and line.net_price is not None
        base = cents(line.quantity * line.net_price / (line.base_quantity or 1))
        allowances = sum((a.amount or ZERO for a in line.allowances), ZERO)
        charges = sum((c.amount or ZERO for c in line.charges), ZERO)
        assert line.net_amount == base - allowances + charges, line.id
        if line.price_discount is not None:
            assert line.gross_price == line.net_price + line.price_discount
        for entry in line.allowances + line.charges:
            assert entry.vat_category is None and entry.vat_rate is None
    for entry in inv.allowances + inv.charges + [a for x in inv.lines for a in x.allowances]:
        assert entry.reason or entry.reason_code  # BR-CO-21 to BR-CO-24
        if entry.percent is not None:
            assert entry.base is not None and entry.amount == cents(
                entry.base * entry.percent / 100
            )
    for v in inv.vat_breakdown:  # BR-S-08 and its kin, BR-CO-17
        key = (v.category, v.rate)
        expected = sum(
            (x.net_amount or ZERO for x in inv.lines if (x.vat_category, x.vat_rate) == key), ZERO
        )
        expected -= sum(
            (a.amount or ZERO for a in inv.allowances if (a.vat_category, a.vat_rate) == key), ZERO
        )
        expected += sum(
            (c.amount or ZERO for c in inv.charges if (c.vat_category, c.vat_rate) == key), ZERO
        )
        assert v.taxable == expected, key
        assert v.taxable is not None and v.taxable > 0
        assert v.tax == (cents(v.taxable * v.rate / 100) if v.rate else ZERO)
    amounts = [t.line_net, t.tax_exclusive, t.tax, t.tax_inclusive, t.payable, *line_nets]
    assert all(
        a is not None and len(format(a, "f").partition(".")[2]) <= 2 for a in amounts
    )  # BR-DEC


@pytest.mark.parametrize("seed", range(200))
def test_generated_invoices_are_in_the_canonical_written_form(seed: int) -> None:
    inv = generate(seed)
    scaled = inv.copy()
    canonical_scales(scaled)
    assert list(differences(inv.to_dict(), scaled.to_dict())) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_each_vat_category_keeps_its_rules(seed: int) -> None:
    inv = generate(seed)
    categories = {v.category for v in inv.vat_breakdown}
    exempt = {"E", "AE", "K", "G", "O"}
    for v in inv.vat_breakdown:
        has_reason = v.exemption_code is not None or v.exemption_reason is not None
        assert has_reason == (v.category in exempt), v  # BR-E-10 ..., BR-S-10, BR-Z-10 ...
        assert v.exemption_code is None or v.exemption_code.startswith("VATEX-EU-")
    for category in categories & exempt:  # BR-E-01, BR-AE-01, BR-IC-01, BR-G-01, BR-O-01
        assert [v.category for v in inv.vat_breakdown].count(category) == 1
    if "O" in categories:  # BR-O-02 to BR-O-14
        assert categories == {"O"}
        assert inv.seller.vat_id is None and inv.buyer.vat_id is None
        assert inv.tax_representative is None
        assert all(x.vat_rate is None for x in inv.lines + inv.allowances + inv.charges)
        assert inv.seller.identifiers or inv.seller.legal_registration  # BR-CO-26
    else:
        assert inv.seller.vat_id and inv.seller.vat_id[:2] == inv.seller.country  # BR-CO-09
    if categories & {"AE", "K"}:  # BR-AE-02, BR-IC-02
        assert inv.buyer.vat_id
    if "K" in categories:  # BR-IC-11, BR-IC-12
        assert inv.delivery is not None and inv.delivery.country
        assert inv.delivery.date or inv.invoicing_period.start or inv.invoicing_period.end
    if inv.delivery is not None and inv.delivery.address.line1:
        assert inv.delivery.country  # BR-57
    assert inv.due_date or inv.payment_terms  # BR-CO-25
    assert not (inv.tax_point_date and inv.tax_point_code)  # BR-CO-03


def test_the_seeds_cover_every_category_exemption_means_and_document_type() -> None:
    invoices = [generate(s) for s in SEEDS]
    every = {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"}
    assert {v.category for i in invoices for v in i.vat_breakdown} == every
    assert {i.payment.means_code for i in invoices} == {"30", "58", "48", "54", "59"}
    assert {i.type_code for i in invoices} == {"380", "381"}
    assert any(i.payment.more_transfers for i in invoices)
    assert any(i.payment.direct_debit and i.payment.direct_debit.creditor_id for i in invoices)
    assert any(x.exemption_code and x.exemption_reason for i in invoices for x in i.vat_breakdown)
    lines = [x for i in invoices for x in i.lines]
    assert any(x.allowances and x.allowances[0].percent for x in lines)
    assert any(x.charges for x in lines)
    assert any(x.gross_price and x.price_discount and x.base_quantity for x in lines)
    assert any(x.classifications and x.attributes and x.standard_id for x in lines)
    assert any(x.period.start for x in lines)
    assert any(i.allowances and i.charges for i in invoices)
    assert any(i.payee and i.tax_representative and i.delivery for i in invoices)
    assert any(i.preceding_invoices and i.notes and i.invoicing_period.start for i in invoices)
    documents = [d for i in invoices for d in i.documents]
    assert any(d.attachment for d in documents) and any(d.uri for d in documents)
    assert any(n.subject_code for i in invoices for n in i.notes)
    assert any(i.vat_currency and i.totals.tax_accounting for i in invoices)
    assert set(SCENARIOS) == {SCENARIOS[s % len(SCENARIOS)] for s in SEEDS}
    assert set(PAYMENTS) == {PAYMENTS[s % len(PAYMENTS)] for s in SEEDS}


def test_attachments_come_with_their_bytes_found_again_in_the_carrier_document() -> None:
    made = [generate_with_attachments(s) for s in SEEDS]
    attached = [d.attachment for g in made for d in g.invoice.documents if d.attachment]
    assert attached
    for generated in made:
        refs = [d.attachment for d in generated.invoice.documents if d.attachment]
        assert {a.sha256 for a in refs if a} == set(generated.attachments)
        for a in refs:
            assert a is not None and a.sha256 is not None
            data = generated.attachments[a.sha256]
            assert hashlib.sha256(data).hexdigest() == a.sha256 and a.size == len(data)
        assert attachment_bytes(generated.carrier_xml(), MAX_BYTES) == generated.attachments
    for seed in SEEDS:
        without = generate_with_attachments(seed, attachments=False)
        assert without.attachments == {}
        assert all(d.attachment is None for d in without.invoice.documents)


def test_options_choose_the_scenario_payment_and_type_and_refuse_unknown_ones() -> None:
    inv = generate(0, scenario="not_subject", payment="card", type_code="381")
    assert {v.category for v in inv.vat_breakdown} == {"O"}
    assert inv.payment.card is not None and inv.type_code == "381"
    with pytest.raises(ValueError, match="unknown scenario 'moon'; choose one of domestic"):
        generate(0, scenario="moon")
    with pytest.raises(ValueError, match="at least one line"):
        generate(0, max_lines=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_invoices_break_no_rule_of_the_canonical_model(seed: int) -> None:
    report = validate_node(canonical_node(generate(seed)), "canonical")
    assert [f for f in report.findings if f.severity is Severity.FATAL] == []


# ---- the round trips ------------------------------------------------------------------------


class Chain:
    """The reading modules and the XML exports, called directly on one workspace."""

    def __init__(self, registry: ModuleRegistry, workspace: Path) -> None:
        self.registry = registry
        self.workspace = workspace
        self.readers = [registry.instantiate(m, {}) for m in READERS]

    def context(self, run_id: str, module: StageModule) -> RunContext:
        return RunContext(run_id, 1, module.spec.stage_id, module.spec.module_id, self.workspace)

    def read(self, run_id: str, name: str, data: bytes) -> tuple[Invoice, Document]:
        artifacts = Artifacts([Source(name, data)])
        for module in self.readers:
            for item in module.process(artifacts, self.context(run_id, module)):
                artifacts.add(item)
        return artifacts.require(InvoiceArtifact).invoice, artifacts.require(Document)

    def export(self, run_id: str, syntax: str, invoice: Invoice, document: Document) -> bytes:
        module_id = f"export.{syntax}"
        if not self.registry.is_installed(module_id):
            pytest.fail(
                f"{module_id} is not registered: add its `turnout.modules` entry point to "
                "pyproject.toml and run `.venv/bin/pip install -e . --no-deps`"
            )
        settings: dict[str, Any] = {"directory": str(self.workspace / "exports" / syntax)}
        if invoice.specification_id:
            settings["customization_id"] = invoice.specification_id
        module = self.registry.instantiate(module_id, settings)
        artifacts = Artifacts([document, InvoiceArtifact(invoice), Decision(Outcome.APPROVE)])
        outputs = module.process(artifacts, self.context(run_id, module))
        (receipt,) = [r for r in outputs if isinstance(r, Receipt)]
        return Path(receipt.location).read_bytes()


@pytest.fixture(scope="module")
def registry() -> ModuleRegistry:
    return ModuleRegistry.discover()


@pytest.fixture
def chain(registry: ModuleRegistry, tmp_path: Path) -> Chain:
    return Chain(registry, tmp_path)


def carrier(seed: int) -> tuple[Invoice, Document]:
    """A generated invoice and the run's document holding its attachments' bytes."""
    generated = generate_with_attachments(seed)
    xml = generated.carrier_xml()
    document = Document(
        filename=f"generated-{seed}.xml",
        kind=DocumentKind.UBL,
        media_type="application/xml",
        sha256=hashlib.sha256(xml).hexdigest(),
        size=len(xml),
        data=xml,
        xml=xml,
    )
    return generated.invoice, document


def comparable(invoice: Invoice) -> dict[str, Any]:
    data = invoice.to_dict()
    del data["provenance"]
    data.pop("extensions", None)
    return data


def differences(a: Any, b: Any, path: str = "") -> Iterator[str]:
    """Where `a` and `b` differ, first difference first, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            yield from differences(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from differences(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path.lstrip('.')}: {a!r} != {b!r}"


def assert_same(expected: Invoice, got: Invoice, how: str) -> None:
    found = list(differences(comparable(expected), comparable(got)))
    assert not found, f"{how} changed {len(found)} value(s), first: " + "; ".join(found[:5])


def assert_valid(data: bytes, how: str) -> None:
    report = validate_xml(parse_xml(data, max_bytes=MAX_BYTES, what=how))
    fatal = [
        f"{f.rule} at {f.path}: {f.message}"
        for f in report.findings
        if f.severity is Severity.FATAL
    ]
    assert not fatal, f"{how} breaks EN 16931: {fatal}"


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("seed", SEEDS)
def test_an_export_reads_back_to_the_same_invoice(chain: Chain, seed: int, syntax: str) -> None:
    invoice, document = carrier(seed)
    exported = chain.export(f"gen-{seed}", syntax, invoice, document)
    assert_valid(exported, f"export.{syntax} of seed {seed}")
    back, _ = chain.read(f"gen-{seed}-back", f"back.{syntax}.xml", exported)
    assert_same(invoice, back, f"canonical -> {syntax} -> canonical (seed {seed})")


@pytest.mark.parametrize(("first", "then"), [("ubl", "cii"), ("cii", "ubl")])
@pytest.mark.parametrize("seed", SEEDS)
def test_an_invoice_goes_through_both_syntaxes_unchanged(
    chain: Chain, seed: int, first: str, then: str
) -> None:
    invoice, document = carrier(seed)
    one, one_document = chain.read(
        f"gen-{seed}-1", f"one.{first}.xml", chain.export(f"gen-{seed}", first, invoice, document)
    )
    exported = chain.export(f"gen-{seed}-2", then, one, one_document)
    assert_valid(exported, f"export.{then} of seed {seed} read from {first}")
    two, _ = chain.read(f"gen-{seed}-3", f"two.{then}.xml", exported)
    assert_same(invoice, two, f"canonical -> {first} -> {then} -> canonical (seed {seed})")


def test_an_invoice_without_attachment_bytes_exports_its_documents_by_uri(chain: Chain) -> None:
    generated = generate_with_attachments(4, attachments=False)
    xml = b"<none/>"
    document = Document("plain.xml", DocumentKind.UBL, "application/xml",
                        hashlib.sha256(xml).hexdigest(), len(xml), xml, xml=xml)  # fmt: skip
    for syntax in ("ubl", "cii"):
        exported = chain.export(f"uri-{syntax}", syntax, generated.invoice, document)
        back, _ = chain.read(f"uri-{syntax}-back", f"uri.{syntax}.xml", exported)
        assert_same(generated.invoice, back, f"canonical -> {syntax} -> canonical (URIs only)")


# ---- the official validation artefacts ------------------------------------------------------


def official_validator() -> Any:
    """bench/xslt_validator.py's OfficialValidator, or a skip when the artefacts or saxonche are
    missing."""
    if not XSLT.is_dir():
        pytest.skip(f"the EN 16931 XSLT is not at {XSLT} (../shared/corpora is absent)")
    pytest.importorskip("saxonche", reason="saxonche (the dev extra) runs the official XSLT")
    path = Path(__file__).parents[2] / "bench" / "xslt_validator.py"
    spec = importlib.util.spec_from_file_location("xslt_validator", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("xslt_validator", module)
    spec.loader.exec_module(module)
    return module.OfficialValidator(XSLT)


@pytest.fixture(scope="module")
def official() -> Any:
    return official_validator()


@pytest.mark.corpus
@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("seed", range(14))  # every scenario, as invoice and credit note
def test_exports_pass_the_official_en16931_xslt(
    chain: Chain, official: Any, seed: int, syntax: str
) -> None:
    invoice, document = carrier(seed)
    exported = chain.export(f"xslt-{seed}", syntax, invoice, document)
    fatal = [f"{f.rule}: {f.text}" for f in official.failed_asserts(exported) if f.flag == "fatal"]
    assert not fatal, f"export.{syntax} of seed {seed} breaks the official rules: {fatal}"
