"""A safe change in a real browser: Playwright drives Debian's Chromium against `turnout serve`,
as a person with the operator role only.

Some example invoices are processed first (`turnout process`). The operator writes a new version
with the new-version form (a stricter routing rule and another reader for PDFs), tries it on the
recent invoices, reads the report (the decision changes and the field changes, each changed run
linking to its run), opens the diff and activates the version with a guard on its first runs.

Screenshots go to test-artifacts/screenshots/config-*.png (1366 px wide); with
TURNOUT_README_SCREENSHOTS=1 they go to docs/images for the README (a test run never changes
tracked files otherwise). Without Chromium the test is skipped, except under CI=true.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from e2e.dashboard.test_dashboard_browser import _free_port, chromium
from e2e.dashboard.test_dashboard_review_browser import Cli
from turnout.bootstrap import bundled_examples

__all__ = ["chromium"]  # the fixture, shared with the other browser tests

ROOT = Path(__file__).resolve().parents[3]
IMAGES = (
    ROOT / "docs" / "images"
    if os.environ.get("TURNOUT_README_SCREENSHOTS") == "1"
    else ROOT / "test-artifacts" / "screenshots"
)
OPERATOR = "ola"
EXAMPLES = ("ubl-invoice.xml", "cii-invoice.xml", "invoice-acme-en.pdf", "facture-dupont-fr.pdf")


@dataclass
class Served:
    url: str
    token: str  # the operator's
    cli: Cli


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`turnout init`, an operator with a token, some example invoices processed, and
    `turnout serve` on a free port."""
    cli = Cli(tmp_path / "home")
    cli("init")
    cli("users", "add", OPERATOR, "--role", "operator")
    token = cli("tokens", "create", OPERATOR).strip().splitlines()[-1]
    files = [str(p) for p in bundled_examples() if p.name in EXAMPLES]
    assert len(files) == len(EXAMPLES)
    cli("process", *files)
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
        yield Served(url, token, cli)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _contains(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def _image(name: str) -> Path:
    IMAGES.mkdir(parents=True, exist_ok=True)
    return IMAGES / f"{name}.png"


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(_image(name)))


def test_an_operator_writes_a_version_in_the_form_tries_it_reads_the_diff_and_activates_it(
    chromium: Path, served: Served
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(20_000)
            refused: list[str] = []
            page.on(
                "console",
                lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.on("dialog", lambda d: d.accept())

            # 1. sign in as an operator; open the new-version page
            page.goto(served.url + "/signin")
            page.fill("#token", served.token)
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator(".flash-ok")).to_contain_text(f"signed in as {OPERATOR}")
            page.goto(served.url + "/configurations/new")
            editor = page.locator("#document")
            font = editor.evaluate("e => getComputedStyle(e).fontFamily")
            assert "monospace" in font, font
            expect(page.locator("#gutter")).to_contain_text("1\n2\n3")

            # 2. the form writes the YAML: another reader for PDFs, a stricter routing rule
            extract = page.locator('fieldset[data-stage="extract"]')
            extract.get_by_label("module of stage extract").select_option("extract.heuristic")
            expect(
                extract.locator('.module-settings[data-module="extract.heuristic"]')
            ).to_be_visible()
            expect(
                extract.locator('.module-settings[data-module="extract.templates"]')
            ).to_be_hidden()
            route = page.locator('fieldset[data-stage="route"]')
            route.locator('[data-setting="review_above"] input').fill("100")
            page.fill("#summary", "Review everything above 100; the heuristic reader for PDFs")
            expect(editor).to_have_value(_contains("module: extract.heuristic"))
            expect(editor).to_have_value(_contains('review_above: "100"'))
            expect(editor).to_have_value(_contains('summary: "Review everything above 100;'))
            expect(page.locator("#from-form")).to_be_hidden()
            # the form scrolled (inside its box) to the reader, the page at its top
            page.evaluate(
                """() => { const box = document.getElementById('config-form');
                box.scrollTop = box.querySelector('[data-stage="extract"]').offsetTop - box.offsetTop; }"""
            )
            page.evaluate("window.scrollTo(0, 0)")
            _shot(page, "config-new-version")

            # the editor: Tab inserts spaces, and typing in it makes the YAML count
            editor.click()
            page.keyboard.press("Control+End")
            page.keyboard.press("Tab")
            assert editor.input_value().endswith("  ")
            expect(page.locator("#yaml-state")).to_contain_text("edited by hand")
            expect(page.locator("#from-form")).to_be_visible()
            route.locator('[data-setting="review_above"] input').fill("5000")
            assert 'review_above: "100"' in editor.input_value()  # the YAML wins
            page.get_by_role("button", name="Create version").click()
            expect(page.locator(".flash-ok")).to_contain_text(
                "version 2 created and validated — try it on recent invoices or activate it"
            )
            expect(page.locator("#selections")).to_contain_text("extract.heuristic")

            # 3. try it on the recent invoices; the page follows the trial to its report
            trial = page.locator("#trial")
            expect(trial.locator('input[name="last"]')).to_have_value("50")
            trial.get_by_role("button", name="Try it").click()
            report = page.locator("#trial-report")
            expect(report).to_be_visible(timeout=90_000)
            expect(report).to_contain_text(f"{len(EXAMPLES)} run(s) tried")
            expect(page.locator("#decision-changes")).to_contain_text("approve → review")
            expect(page.locator("#field-changes li").first).to_be_visible()
            changed = page.locator("#trial-runs tbody tr")
            assert changed.count() >= 2
            first = changed.first.locator("a").first
            assert (first.get_attribute("href") or "").startswith("/runs/")
            expect(page.locator("#trial-runs")).to_contain_text("→")
            expect(page.locator("#trial-stages tbody tr").first).to_contain_text("intake")
            trial.screenshot(path=str(_image("config-trial-report")))

            # a changed run opens on its run page
            run_href = first.get_attribute("href")
            first.click()
            expect(page).to_have_url(served.url + str(run_href))
            expect(page.locator("#run-status")).to_be_visible()
            page.go_back()

            # 4. the diff with the active version, stages in pipeline order
            page.get_by_role("link", name="Diff with 1").click()
            diff = page.locator("#diff")
            expect(diff).to_contain_text("selections.extract.module")
            expect(diff).to_contain_text("selections.route.settings.review_above")
            paths = diff.locator("tbody td:first-child code").all_inner_texts()
            assert paths.index("selections.extract.module") < paths.index(
                "selections.route.settings.review_above"
            )
            _shot(page, "config-diff")

            # 5. activate it, guarded on its first 20 runs
            page.get_by_role("link", name="Version 2").first.click()
            activate = page.locator("#activate")
            activate.locator('input[name="guard"]').check()
            activate.locator('input[name="guard_runs"]').fill("20")
            activate.get_by_role("button", name="Activate").click()
            expect(page.locator(".flash-ok")).to_contain_text("version 2 is active")
            expect(page.locator(".flash-ok")).to_contain_text("guarded: the first 20 runs")
            expect(page.locator("#guard")).to_contain_text("of the first 20 runs")
            page.goto(served.url + "/")
            expect(page.locator("#guard")).to_contain_text("Guard watching on version 2")
            assert refused == [], refused
        finally:
            browser.close()
    history = served.cli("config", "history")
    assert "active" in history
