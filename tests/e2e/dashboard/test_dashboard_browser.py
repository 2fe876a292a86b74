"""The dashboard in a real browser: Playwright drives Debian's Chromium against `turnout serve`.

A new user's path: sign in with a token from `turnout tokens create`, upload a bundled example
invoice and watch its run complete, create a configuration version, validate and activate it, then
roll back. Screenshots of each step go to test-artifacts/screenshots/.

Chromium comes from the system's package manager (`apt-get install chromium`, as root) when it is
missing; where it cannot be had the test is skipped with the reason, except under CI=true, where
it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from turnout.bootstrap import bundled_examples

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
ADMIN = "root"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


def _apt_get(*args: str) -> str | None:
    """Run apt-get; None when it worked, else the end of what it printed."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(
        ["apt-get", *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    return None if done.returncode == 0 else (done.stderr or done.stdout)[-500:]


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed with apt-get first where it is missing and we may."""
    problem = None
    if not CHROMIUM.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        problem = _apt_get("install", "-y", "-q", "chromium")
        if problem is not None:  # the package lists may be missing or stale on a new machine
            problem = _apt_get("update", "-q") or _apt_get("install", "-y", "-q", "chromium")
    if not CHROMIUM.exists():
        _unavailable(
            f"{CHROMIUM} is missing and could not be installed (it needs root and apt-get: "
            f"`apt-get install chromium`){f'; apt-get said: {problem}' if problem else ''}"
        )
    return CHROMIUM


@dataclass
class Server:
    url: str
    token: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """`turnout init`, a token for the admin, and `turnout serve` on a free port."""
    turnout = str(Path(sys.executable).parent / "turnout")
    env = {**os.environ, "TURNOUT_HOME": str(tmp_path / "home"), "TURNOUT_ACTOR": ADMIN}
    env.pop("TURNOUT_DATABASE_URL", None)

    def cli(*args: str) -> str:
        done = subprocess.run(
            [turnout, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"turnout {' '.join(args)}: {done.stderr}"
        return done.stdout

    cli("init")
    token = cli("tokens", "create", ADMIN).strip().splitlines()[-1]
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [turnout, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
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
        yield Server(url, token)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_new_user_signs_in_uploads_an_invoice_and_changes_the_configuration(
    chromium: Path, server: Server
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    invoice = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 860})
            page.set_default_timeout(15_000)
            page.on("dialog", lambda dialog: dialog.accept())
            # The Content-Security-Policy forbids inline scripts and styles: nothing may need them.
            refused: list[str] = []
            page.on(
                "console",
                lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
            )

            page.goto(server.url + "/")
            expect(page).to_have_url(re.compile(r"/signin$"))
            page.fill("#token", "not-a-token")
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator(".flash-error")).to_contain_text("unknown or revoked")
            _shot(page, "01-signin-refused")
            page.fill("#token", server.token)
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator(".flash-ok")).to_contain_text(f"signed in as {ADMIN}")
            expect(page.locator("#stages")).to_contain_text("extract.templates")
            _shot(page, "02-overview")

            page.goto(server.url + "/runs")
            page.set_input_files("input[name=files]", str(invoice))
            page.get_by_role("button", name="Upload and run").click()
            expect(page.locator("h1")).to_contain_text(invoice.name)
            expect(page.locator("#run-status")).to_have_text(
                re.compile("completed|needs review"), timeout=20_000
            )
            expect(page.locator("#attempts")).to_contain_text("einvoice.xml")
            _shot(page, "03-run")
            page.goto(server.url + "/runs")
            page.select_option("select[name=status]", "completed")  # submits itself (dashboard.js)
            expect(page).to_have_url(re.compile(r"/runs\?status=completed$"))

            page.goto(server.url + "/configurations/new")
            document = page.input_value("#document")
            validate_policy = "fallback: validate.basic\n    actions:\n"
            assert validate_policy in document
            limited = document.replace(validate_policy, validate_policy + "      timeout_s: 20\n")
            page.fill("#document", limited)
            page.fill("#summary", "Validation gives up after 20 s")
            page.get_by_role("button", name="Create version").click()
            expect(page.locator("h1")).to_contain_text("Version 2")
            expect(page.locator("h1")).to_contain_text("validated")  # checked at once
            expect(page.locator(".flash-ok")).to_contain_text("version 2 created and validated")
            page.get_by_role("button", name="Activate").click()
            expect(page.locator(".flash-ok")).to_contain_text("version 2 is active")
            expect(page.locator("h1")).to_contain_text("active")
            _shot(page, "04-activated")

            page.goto(server.url + "/configurations")
            version_1 = page.locator(
                "#history tr", has=page.locator("a", has_text=re.compile("^1$"))
            )
            version_1.get_by_role("button", name="Roll back to this").click()
            expect(page.locator(".flash-ok")).to_contain_text("version 3 is active")
            expect(page.locator("h1")).to_contain_text("Version 3")
            _shot(page, "05-rolled-back")

            page.goto(server.url + "/configurations/diff?a=2&b=3")
            expect(page.locator("#diff")).to_contain_text("policies.validate.actions.timeout_s")
            _shot(page, "06-diff")

            page.goto(server.url + "/events")
            expect(page.locator("table.events")).to_contain_text("rollback")
            _shot(page, "07-audit-trail")
            page.goto(server.url + "/")
            expect(page.locator("svg.chart")).to_be_visible()
            _shot(page, "08-overview-after")

            page.goto(server.url + "/docs")  # Swagger UI from the installed package, offline
            expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/configurations")
            _shot(page, "09-api-docs")
            assert not refused, refused
        finally:
            browser.close()
