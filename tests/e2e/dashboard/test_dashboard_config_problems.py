"""A configuration's problems on the dashboard, as a user reads them: a YAML error's excerpt keeps
its lines and the caret under the column; a draft (a version stored with problems) offers the fix
— a new version from its file — not a Validate that would only repeat them; approvals are not
mentioned while four eyes are off."""

from __future__ import annotations

import html
import re

from e2e.dashboard.dashboard_support import Dashboard
from turnout.domain.configuration import ConfigStatus
from turnout.runtime.config_document import parse_document


def test_a_yaml_error_is_shown_with_its_excerpt_on_its_own_lines(dash: Dashboard) -> None:
    client = dash.session("operator")
    bad = "summary: x\nselections\n  intake: {module: intake.standard}\n"
    page = client.post("/configurations/new", data={"csrf": dash.csrf(client), "document": bad})
    assert page.status_code == 400
    excerpts = re.findall(r'<pre class="excerpt">(.*?)</pre>', page.text, re.S)
    assert excerpts, page.text
    lines = html.unescape(excerpts[0]).split("\n")
    assert lines[-2:] == ["    2 | selections", "    " + " " * len("2 | selections") + "^"]


def _draft(dash: Dashboard) -> int:
    doc = dash.app.configurations.get(1).document()
    doc["selections"]["route"] = {"module": "route.rules", "settings": {"review_above": []}}
    created = dash.app.configurations.create(parse_document(doc), "mai")
    assert created.config.status is ConfigStatus.DRAFT and created.problems
    return created.config.version


def test_a_draft_with_problems_offers_a_new_version_and_no_validate(dash: Dashboard) -> None:
    version = _draft(dash)
    client = dash.session("operator")
    listed = client.get("/configurations").text
    assert f'action="/configurations/{version}/validate"' not in listed
    page = client.get(f"/configurations/{version}").text
    assert f'action="/configurations/{version}/validate"' not in page
    assert f"turnout config export {version} &gt; v{version}.yaml" in page
    assert f'action="/configurations/{version}/delete"' in page
    # the fix the activation refusal names is the same
    refused = client.post(f"/configurations/{version}/activate", data={"csrf": dash.csrf(client)})
    assert refused.status_code == 400, refused.status_code
    shown = html.unescape(refused.text)
    assert f"turnout config create -f v{version}.yaml" in shown
    assert "validate it first" not in shown


def test_with_four_eyes_off_no_approval_is_asked_for(dash: Dashboard) -> None:
    version = _draft(dash)
    page = dash.session("maintainer").get(f"/configurations/{version}").text
    assert "Not approved yet" not in page and 'id="approvals"' not in page
    assert "Four eyes" not in page
