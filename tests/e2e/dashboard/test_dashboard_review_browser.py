"""The review workbench in a real browser: Playwright drives Debian's Chromium against
`turnout serve`, as a person with the reviewer role only.

The invoices come from one issuer whose layout the layout reader does not know ("Beleg" for the
number), printed and scanned: image-only PDFs that only OCR can read. The first arrives as a poor
100 dpi scan: its number is not found and its amount due is misread. The reviewer opens the
queue, sees where each field was read, corrects the number and the total, and approves with
Enter. The export file then holds the corrected values with the source file's name, the audit
trail both corrections with the reviewer as actor, and the issuer's next invoice is read right by
`extract.learned` from what the review taught it.

Screenshots go to test-artifacts/screenshots/review-*.png (1366 px wide; one at 1920); with
TURNOUT_README_SCREENSHOTS=1 they replace the README's in docs/images (a test run never changes
tracked files otherwise).
Chromium is installed as the other browser test does; where it cannot be had the test is skipped,
except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from playwright.sync_api import Locator, Page, expect, sync_playwright

from e2e.dashboard.test_dashboard_browser import _free_port, chromium
from support.in_process import run_turnout
from support.issuer_invoices import ISSUERS, issuer_invoice
from support.printed_invoices import PrintedInvoice, printed_invoice, scan_of

__all__ = ["chromium"]  # the fixture, shared with the other browser test

ROOT = Path(__file__).resolve().parents[3]
IMAGES = (
    ROOT / "docs" / "images"
    if os.environ.get("TURNOUT_README_SCREENSHOTS") == "1"
    else ROOT / "test-artifacts" / "screenshots"
)
ADMIN = "root"
REVIEWER = "rita"
ISSUER = next(i for i in ISSUERS if i.name == "de-beleg")


class Cli:
    """`turnout` as the admin in one home: `process` (beside the running server, through the OCR
    worker) as the real console script, the other commands in the test's process."""

    def __init__(self, home: Path) -> None:
        self.turnout = str(Path(sys.executable).parent / "turnout")
        self.env = {**os.environ, "TURNOUT_HOME": str(home), "TURNOUT_ACTOR": ADMIN}
        self.env.pop("TURNOUT_DATABASE_URL", None)
        self.home = home

    def __call__(self, *args: str) -> str:
        if args[0] != "process":
            code, stdout, stderr = run_turnout(args, self.env, self.home.parent)
            assert code == 0, f"turnout {' '.join(args)}: {stdout}{stderr}"
            return stdout
        done = subprocess.run(
            [self.turnout, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"turnout {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout


@dataclass
class Workbench:
    url: str
    home: Path
    token: str  # the reviewer's
    cli: Cli


@pytest.fixture
def workbench(tmp_path: Path) -> Iterator[Workbench]:
    """`turnout init`; a reviewer and a token; a version whose extract stage is
    `extract.learned` and whose route sends every invoice to a person; `turnout serve`."""
    home = tmp_path / "home"
    cli = Cli(home)
    cli("init")
    cli("users", "add", REVIEWER, "--role", "reviewer")
    token = cli("tokens", "create", REVIEWER).strip().splitlines()[-1]
    document = yaml.safe_load(cli("config", "export", "1"))
    document["summary"] = "Learned issuers first; every invoice to a person"
    document["selections"]["extract"] = {"module": "extract.learned"}
    document["selections"]["route"]["settings"] = {"review_above": "0"}
    (tmp_path / "learned.yaml").write_text(yaml.safe_dump(document))
    cli("config", "create", "-f", str(tmp_path / "learned.yaml"))
    cli("config", "validate", "2")
    cli("config", "activate", "2")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [cli.turnout, "serve", "--port", str(port)],
        env=cli.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "turnout serve did not become ready in 30 s"
            time.sleep(0.1)
        yield Workbench(url, home, token, cli)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _process(bench: Workbench, tmp_path: Path, name: str, pdf: bytes) -> str:
    """`turnout process` one file (as the admin, beside the server); its run id."""
    path = tmp_path / name
    path.write_bytes(pdf)
    out = bench.cli("process", str(path), "--json")
    runs = json.loads(out)
    run = runs[0] if isinstance(runs, list) else runs
    run_id: str = run["run_id"]
    return run_id


def _shot(page: Page, name: str, full_page: bool = False) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=full_page)


def _german(amount: str) -> str:
    """`18073.81` as a German keyboard writes it: `18.073,81`."""
    return f"{float(amount):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _loaded(image: Locator) -> None:
    """Wait until the page image is decoded (its natural width known)."""
    deadline = time.monotonic() + 20
    while not image.evaluate("img => img.complete && img.naturalWidth > 0"):
        assert time.monotonic() < deadline, "the page image did not load in 20 s"
        time.sleep(0.1)


def _inside(inner: dict[str, float] | None, outer: dict[str, float] | None) -> bool:
    assert inner is not None and outer is not None
    return (
        outer["x"] <= inner["x"]
        and outer["y"] <= inner["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
        and inner["width"] > 2
        and inner["height"] > 2
    )


# The badges of a list that do not fit their cell (cut off, or running into the next column).
_CUT_BADGES = """() => Array.from(document.querySelectorAll('table.runs td .badge'))
  .filter((b) => b.scrollWidth > b.clientWidth
    || b.getBoundingClientRect().right > b.closest('td').getBoundingClientRect().right)
  .map((b) => b.textContent)"""


def test_a_reviewer_corrects_a_scanned_invoice_and_the_issuers_next_one_is_read_right(
    chromium: Path, workbench: Workbench, tmp_path: Path
) -> None:
    first: PrintedInvoice = issuer_invoice(ISSUER, 0)
    second: PrintedInvoice = issuer_invoice(ISSUER, 1)
    number, payable = first.truth["invoice_number"], first.truth["totals"]["payable"]
    first_id = _process(workbench, tmp_path, "beleg-0815.pdf", scan_of(first.pdf, dpi=100))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.set_default_timeout(20_000)
            refused: list[str] = []
            page.on(
                "console",
                lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
            )

            # 1. sign in as a reviewer and open the queue
            page.goto(workbench.url + "/signin")
            page.fill("#token", workbench.token)
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator(".flash-ok")).to_contain_text(f"signed in as {REVIEWER} (reviewer)")
            expect(page.locator("#nav-review .count")).to_have_text("1")
            page.locator("#nav-review").click()
            row = page.locator(f'#queue tr[data-run="{first_id}"]')
            expect(row).to_contain_text("beleg-0815.pdf")
            expect(row).to_contain_text("above the review threshold")
            _shot(page, "review-queue")

            # 2. open the scanned invoice: the total is highlighted where it was read; the
            # number, which the reader did not find, says so
            row.get_by_role("link").click()
            expect(page.locator("h1")).to_contain_text("beleg-0815.pdf")
            image = page.locator('.page[data-page="1"] img')
            expect(image).to_be_visible()
            _loaded(image)
            number_field = page.locator('[name="f.invoice_number"]')
            total_field = page.locator('[name="f.totals.payable"]')
            number_field.focus()
            expect(page.locator("#where")).to_contain_text("Invoice number: no box")
            expect(page.locator('[data-path="invoice_number"] .nobox')).to_be_visible()
            total_field.focus()
            highlight = page.locator('.page .hl[data-field="totals.payable"]')
            expect(highlight).to_be_visible()
            assert _inside(highlight.bounding_box(), image.bounding_box())
            expect(page.locator("#where")).to_contain_text("read on page 1")
            _shot(page, "review-highlight")

            # 3. correct the number and the amount due (typed as on a German keyboard): the
            # live check then shows the gross total does not add up (the VAT total was taken
            # for it), so the totals are corrected too; then Enter approves
            number_field.fill(number)
            total_field.fill(_german(payable))
            payable_sum = page.locator('#sums li[data-sum="payable"]')
            expect(payable_sum).to_have_class("bad")
            totals = first.truth["totals"]
            for name in ("tax_exclusive", "tax", "tax_inclusive"):
                page.locator(f'[name="f.totals.{name}"]').fill(_german(totals[name]))
            expect(payable_sum).to_have_class("ok")
            expect(page.locator('#sums li[data-sum="gross"]')).to_have_class("ok")
            expect(page.locator("#changes")).to_have_text("5 fields changed")
            number_field.focus()
            _shot(page, "review-corrected")
            page.keyboard.press("Enter")
            expect(page.locator(".flash-ok")).to_contain_text(
                f"approved by {REVIEWER} with 5 corrections"
            )
            expect(page.locator("#run-decision")).to_contain_text("approve")
            expect(page.locator("#decision")).to_contain_text(f"decided by {REVIEWER}")

            # 4. the export holds the corrected values and the source file's name; the audit
            # trail both corrections, by the reviewer
            exported = json.loads((workbench.home / "exports" / f"{first_id}.json").read_text())
            assert exported["invoice"]["invoice_number"] == number
            assert exported["invoice"]["totals"]["payable"] == payable
            assert exported["invoice"]["totals"]["tax_inclusive"] == totals["tax_inclusive"]
            assert exported["source_file"] == "beleg-0815.pdf"
            page.goto(f"{workbench.url}/events?action=review&actor={REVIEWER}")
            trail = page.locator("table.events")
            expect(trail).to_contain_text("invoice_number")
            expect(trail).to_contain_text("totals.payable")
            expect(trail.locator("tbody tr").first).to_contain_text(REVIEWER)
            _shot(page, "review-audit-trail")

            # 5. the issuer's next invoice is read with what the review taught
            second_id = _process(workbench, tmp_path, "beleg-0816.pdf", scan_of(second.pdf))
            page.goto(f"{workbench.url}/review/{second_id}")
            number_field = page.locator('[name="f.invoice_number"]')
            expect(number_field).to_have_value(second.truth["invoice_number"])
            expect(page.locator('[name="f.totals.payable"]')).to_have_value(
                second.truth["totals"]["payable"]
            )
            expect(page.locator('[data-path="invoice_number"] .where-read')).to_contain_text(
                "extract.learned"
            )
            number_field.focus()
            highlight = page.locator('.page .hl[data-field="invoice_number"]')
            expect(highlight).to_be_visible()
            assert _inside(highlight.bounding_box(), page.locator(".page img").first.bounding_box())
            _shot(page, "review-learned")
            page.set_viewport_size({"width": 1920, "height": 1080})
            number_field.focus()
            _shot(page, "review-learned-1920")

            # the runs list at 1366 px: 25 runs with their decision and reasons, one line each
            # (23 new ones, then the second and the approved first: its badge names the reviewer)
            folder = tmp_path / "batch"
            folder.mkdir()
            for seed in range(23):
                (folder / f"invoice-{seed:02d}.pdf").write_bytes(printed_invoice(seed).pdf)
            workbench.cli("process", str(folder))
            page.set_viewport_size({"width": 1366, "height": 768})
            page.goto(f"{workbench.url}/runs")
            rows = page.locator("#runs tbody tr")
            expect(rows).to_have_count(25)
            expect(rows.first).to_contain_text("above the review threshold")
            heights = [box["height"] for box in (r.bounding_box() for r in rows.all()) if box]
            assert max(heights) < 48, heights  # one line a run, the reason cut with an ellipsis
            assert page.evaluate("document.documentElement.scrollWidth") <= 1366
            assert page.evaluate("document.documentElement.scrollHeight") < 2000
            expect(page.locator(f'#runs tr[data-run="{first_id}"]')).to_contain_text(
                f"approve · {REVIEWER}"
            )
            assert not page.evaluate(_CUT_BADGES)
            _shot(page, "runs-list", full_page=True)
            page.set_viewport_size({"width": 1920, "height": 1080})
            assert not page.evaluate(_CUT_BADGES)
            assert not refused, refused
        finally:
            browser.close()


# Where each focused element of the review screen is, and the sticky bars around it: the field
# (with its note, where an inline error shows) and the top of the decision bar.
_FOCUSED = """() => {
  const e = document.activeElement;
  const holder = e.closest('.field, td.cell') || e;
  const r = holder.getBoundingClientRect();
  return {
    name: e.name || e.id || e.tagName,
    top: r.top,
    bottom: r.bottom,
    bar: document.getElementById('decide').getBoundingClientRect().top,
    topbar: document.querySelector('.topbar').getBoundingClientRect().bottom,
  };
}"""


def test_tabbing_through_the_fields_never_leaves_one_behind_the_sticky_bars(
    chromium: Path, workbench: Workbench, tmp_path: Path
) -> None:
    printed = printed_invoice(7, language="en", layout="blocks")
    run_id = _process(workbench, tmp_path, "focus.pdf", printed.pdf)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.set_default_timeout(20_000)
            page.goto(workbench.url + "/signin")
            page.fill("#token", workbench.token)
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator(".flash-ok")).to_be_visible()
            page.goto(f"{workbench.url}/review/{run_id}")
            page.locator('[name="f.invoice_number"]').focus()
            hidden, seen = [], []
            for key in ("Tab", "Shift+Tab"):
                for _ in range(200):
                    page.keyboard.press(key)
                    at = page.evaluate(_FOCUSED)
                    if not str(at["name"]).startswith("f."):
                        break
                    seen.append(at["name"])
                    if at["bottom"] > at["bar"] or at["top"] < at["topbar"]:
                        hidden.append(at)
            assert "f.totals.payable" in seen and "f.seller.vat_id" in seen, seen
            assert not hidden, hidden

            # a value that cannot be read: its inline error shows above the bar too
            payable = page.locator('[name="f.totals.payable"]')
            payable.focus()
            payable.fill("abc")
            error = page.locator('[data-path="totals.payable"] .check.bad')
            expect(error).to_contain_text("not a number")
            box = error.bounding_box()
            bar = page.locator("#decide").bounding_box()
            assert box is not None and bar is not None
            assert box["y"] + box["height"] <= bar["y"], (box, bar)
        finally:
            browser.close()
