"""Safe change on the dashboard without a browser: the new-version form, trying a version on
recent invoices, four-eyes approval, activating with a guard, the diff in pipeline order.

Every change goes through the services with the signed-in user as the actor, so a refusal is the
services' own and is audited; a form without this session's CSRF token changes nothing.
"""

from __future__ import annotations

import json
import re

import pytest

from e2e.dashboard.dashboard_support import Dashboard, example
from support.api import USERS
from turnout.domain.configuration import ConfigStatus
from turnout.domain.guard import GuardStatus
from turnout.domain.stages import STAGES
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import parse_document

EXAMPLES = ("ubl-invoice.xml", "cii-invoice.xml", "invoice-acme-en.pdf")


def _events(dash: Dashboard, action: str) -> list[tuple[str, str, int | None]]:
    with dash.app.unit_of_work() as uow:
        found = uow.events.list(action=action)
    return [(e.actor, str(e.result), e.config_version) for e in found]


def _version(dash: Dashboard, author: str = "mai", **selections: dict[str, object]) -> int:
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "stricter routing, another reader"
    doc["selections"].update(selections)
    created = dash.app.configurations.create(parse_document(doc), author)
    assert created.config.status is ConfigStatus.VALIDATED, created.problems
    return created.config.version


def _stricter(dash: Dashboard) -> int:
    """Review anything above 100 (approved invoices go to review) and read PDFs with the
    heuristic reader (fields read differently)."""
    return _version(
        dash,
        route={"module": "route.rules", "settings": {"review_above": "100"}},
        extract={"module": "extract.heuristic"},
    )


def _processed(dash: Dashboard) -> list[str]:
    return [dash.app.runner.run_bytes(*example(name)).run_id for name in EXAMPLES]


def test_the_new_version_form_lists_every_stage_in_pipeline_order_with_schema_fields(
    dash: Dashboard,
) -> None:
    page = dash.session("operator").get("/configurations/new").text
    order = re.findall(r'<fieldset class="stage-form" data-stage="([a-z_]+)"', page)
    assert order == [s.stage_id for s in STAGES]
    intake = page.split('data-stage="intake"')[1].split("</fieldset>")[0]
    assert '<option value="intake.standard" selected>' in intake
    assert 'data-setting="max_bytes" data-kind="integer"' in intake
    assert 'placeholder="20000000"' in intake and "larger than this many bytes" in intake
    route = page.split('data-stage="route"')[1].split("</fieldset>")[0]
    assert 'data-setting="reject_on_fatal" data-kind="boolean"' in route
    text = page.split('data-stage="text"')[1].split("</fieldset>")[0]
    assert '<option value="text.ocr" selected>text.ocr</option>' in text  # its fallback policy
    assert 'data-role="policy-on" checked' in text
    assert 'class="code-editor"' in page and 'id="gutter"' in page
    start = page.split('<script type="application/json" id="start-document">')[1]
    document = json.loads(start.split("</script>")[0])
    assert document["selections"]["extract"]["module"] == "extract.templates"


def test_a_document_refused_at_create_is_shown_again_as_typed_and_the_yaml_counts(
    dash: Dashboard,
) -> None:
    client = dash.session("operator")
    bad = "selections:\n  extract:\n    module: extract.nonexistent\n"
    response = client.post("/configurations/new", data={"csrf": dash.csrf(client), "document": bad})
    assert response.status_code == 400
    assert "data-hand-edited" in response.text and "the YAML counts" in response.text
    assert "module: extract.nonexistent\n</textarea>" in response.text


def test_an_operator_tries_a_version_on_recent_invoices_and_reads_the_report(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    run_ids = _processed(dash)
    version = _stricter(dash)
    client = dash.session("operator")
    page = client.get(f"/configurations/{version}").text
    assert "Validated — try it on recent invoices or activate it" in page
    assert 'id="trial-form"' in page
    started = client.post(
        f"/configurations/{version}/trials",
        data={"csrf": dash.csrf(client), "scope": "last", "last": "3"},
    )
    assert started.status_code == 303
    location = started.headers["location"]
    trial_id = re.fullmatch(rf"/configurations/{version}\?trial=([0-9a-f-]+)#trial", location)
    assert trial_id is not None
    dash.app.trials.wait()
    progress = dash.session("viewer").get(f"/trials/{trial_id.group(1)}/progress").json()
    assert progress["status"] == "done" and progress["done"] == progress["total"] == 3

    report = dash.app.trials.get(trial_id.group(1)).report
    assert report is not None and report["decision_changes"] and report["field_changes"]
    for role in ("operator", "viewer"):  # every role reads the report
        shown = dash.session(role).get(location.split("#")[0]).text
        assert 'id="trial-report"' in shown
        assert f"<strong>{report['runs']}</strong> run(s) tried" in shown
        decisions = shown.split('id="decision-changes"')[1].split("</div>")[0]
        for change, count in report["decision_changes"].items():
            before, after = change.split("->")
            assert (
                f"<code>{before}</code> → <code>{after}</code> <strong>{count}</strong>"
                in decisions
            )
        fields = shown.split('id="field-changes"')[1].split("</div>")[0]
        assert all(f"<code>{field}</code>" in fields for field in report["field_changes"])
        stages = re.findall(
            r"<tr><td><strong>([a-z_]+)</strong></td>",
            shown.split('id="trial-stages"')[1].split("</table>")[0],
        )
        assert stages == [s.stage_id for s in STAGES if s.stage_id in report["stages"]]
        changed = shown.split('id="trial-runs"')[1].split("</table>")[0]
        for run in report["runs_detail"]:
            if run["changed"]:
                assert f'href="/runs/{run["run_id"]}"' in changed and run["run_id"] in run_ids
            for c in run["changes"]:
                assert f"<code>{c['field']}</code>" in changed
    assert _events(dash, "trial")[0][:3] == (USERS["operator"], "ok", version)


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_a_role_that_may_not_change_configurations_may_not_start_a_trial_and_is_audited(
    dash: Dashboard, role: str
) -> None:
    version = _stricter(dash)
    client = dash.session(role)
    page = client.get(f"/configurations/{version}").text
    assert 'id="trial-form"' not in page and "an operator or maintainer can start one" in page
    response = client.post(
        f"/configurations/{version}/trials", data={"csrf": dash.csrf(client), "last": "5"}
    )
    assert response.status_code == 403 and "may not try configurations" in response.text
    assert _events(dash, "trial")[0][:2] == (USERS[role], "refused")
    assert dash.app.trials.list() == []


@pytest.mark.parametrize(
    "path",
    ["/configurations/{v}/trials", "/configurations/{v}/approve", "/configurations/{v}/activate"],
)
@pytest.mark.parametrize("csrf", [None, "0" * 64])
def test_the_safe_change_forms_without_this_sessions_csrf_token_change_nothing(
    dash: Dashboard, path: str, csrf: str | None
) -> None:
    version = _stricter(dash)
    client = dash.session("operator")
    data = {"last": "5", "guard": "on"} | ({} if csrf is None else {"csrf": csrf})
    response = client.post(path.format(v=version), data=data)
    assert response.status_code == 403 and "security token" in response.text
    assert dash.app.trials.list() == [] and dash.app.configurations.approvals(version) == []
    assert dash.app.configurations.get(version).status is ConfigStatus.VALIDATED
    assert _events(dash, "access")[0][:2] == (USERS["operator"], "refused")


def test_a_bad_trial_scope_is_a_message(dash: Dashboard) -> None:
    version = _stricter(dash)
    client = dash.session("operator")
    csrf = dash.csrf(client)
    for data, text in [
        ({"scope": "last", "last": "many"}, "not a number of runs"),
        ({"scope": "last", "last": "0"}, "last must be from 1"),
        ({"scope": "since", "since": "forever"}, "is not offered"),
        ({"scope": "files"}, "choose `last` or `since`"),
    ]:
        response = client.post(f"/configurations/{version}/trials", data={"csrf": csrf, **data})
        assert response.status_code == 400 and text in response.text, data
    assert dash.app.trials.list() == []


def _four_eyes(dash: Dashboard) -> None:
    with dash.app.unit_of_work() as uow:
        uow.settings.put("four_eyes", True, "root", utcnow())
        uow.commit()
    assert dash.app.configurations.installation().four_eyes


def test_with_four_eyes_another_maintainer_approves_then_the_author_activates(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    _four_eyes(dash)
    version = _version(  # written by ola, the operator
        dash,
        "ola",
        route={"module": "route.rules", "settings": {"review_above": "100"}},
        extract={"module": "extract.heuristic"},
    )
    author, other = dash.session("operator"), dash.session("maintainer")
    mine = author.get(f"/configurations/{version}").text
    assert "Not approved yet" in mine and f'action="/configurations/{version}/approve"' not in mine
    assert "another maintainer approves it" in mine
    waiting = author.post(f"/configurations/{version}/activate", data={"csrf": dash.csrf(author)})
    page = author.get(waiting.headers["location"]).text
    assert "flash-warn" in page and "needs the approval of a maintainer other than" in page
    assert dash.app.configurations.get(version).status is ConfigStatus.VALIDATED
    assert _events(dash, "request")[0][:2] == (USERS["operator"], "pending")

    refused = author.post(f"/configurations/{version}/approve", data={"csrf": dash.csrf(author)})
    assert refused.status_code == 403 and "it needs the maintainer role" in refused.text
    assert _events(dash, "approve")[0][:2] == (USERS["operator"], "refused")

    theirs = other.get(f"/configurations/{version}").text
    assert f'action="/configurations/{version}/approve"' in theirs
    approved = other.post(f"/configurations/{version}/approve", data={"csrf": dash.csrf(other)})
    assert approved.status_code == 303
    listed = author.get(f"/configurations/{version}").text
    assert f"approved by <strong>{USERS['maintainer']}</strong>" in listed
    assert "It is approved." in listed
    active = author.post(f"/configurations/{version}/activate", data={"csrf": dash.csrf(author)})
    assert f"version {version} is active" in author.get(active.headers["location"]).text
    # an active version waits for no approval: no Four eyes block, no Approve button
    assert 'id="approvals"' not in other.get(f"/configurations/{version}").text


def test_with_four_eyes_a_maintainer_may_not_approve_their_own_version(dash: Dashboard) -> None:
    _four_eyes(dash)
    version = _stricter(dash)  # written by mai, the maintainer
    author, operator = dash.session("maintainer"), dash.session("operator")
    mine = author.get(f"/configurations/{version}").text
    assert f'action="/configurations/{version}/approve"' not in mine
    assert "You wrote this version, so another maintainer approves it." in mine
    page = operator.get(f"/configurations/{version}").text
    assert f'action="/configurations/{version}/approve"' not in page
    assert "Only a maintainer approves a version." in page
    refused = author.post(f"/configurations/{version}/approve", data={"csrf": dash.csrf(author)})
    assert refused.status_code == 403 and "may not approve it" in refused.text
    assert _events(dash, "approve")[0][:2] == (USERS["maintainer"], "refused")
    assert dash.app.configurations.approvals(version) == []


def test_a_viewer_sees_no_approve_button_and_is_refused_and_audited(dash: Dashboard) -> None:
    _four_eyes(dash)
    version = _stricter(dash)
    client = dash.session("viewer")
    assert (
        f'action="/configurations/{version}/approve"'
        not in client.get(f"/configurations/{version}").text
    )
    response = client.post(f"/configurations/{version}/approve", data={"csrf": dash.csrf(client)})
    assert response.status_code == 403
    assert _events(dash, "approve")[0][:2] == (USERS["viewer"], "refused")
    assert dash.app.configurations.approvals(version) == []


def test_activating_with_the_guard_box_ticked_arms_a_guard_on_the_first_n_runs(
    dash_both: Dashboard,
) -> None:
    dash = dash_both
    version = _stricter(dash)
    client = dash.session("operator")
    page = client.get(f"/configurations/{version}").text
    form = page.split('id="activate"')[1].split("</form>")[0]
    assert 'name="guard"' in form and 'name="guard_runs" value="50"' in form
    response = client.post(
        f"/configurations/{version}/activate",
        data={"csrf": dash.csrf(client), "guard": "on", "guard_runs": "7"},
    )
    assert "guarded: the first 7 runs" in client.get(response.headers["location"]).text
    with dash.app.unit_of_work() as uow:
        guard = uow.guards.for_version(version)
    assert guard is not None and guard.status is GuardStatus.WATCHING
    assert guard.spec.runs == 7 and guard.previous_version == 1


def test_activating_without_the_guard_box_arms_no_guard_and_a_bad_window_is_a_message(
    dash: Dashboard,
) -> None:
    version = _stricter(dash)
    client = dash.session("operator")
    csrf = dash.csrf(client)
    bad = client.post(
        f"/configurations/{version}/activate", data={"csrf": csrf, "guard": "on", "guard_runs": "0"}
    )
    assert bad.status_code == 400 and "from 1 to" in bad.text
    assert dash.app.configurations.get(version).status is ConfigStatus.VALIDATED
    client.post(f"/configurations/{version}/activate", data={"csrf": csrf, "guard_runs": "7"})
    assert dash.app.configurations.get(version).status is ConfigStatus.ACTIVE
    with dash.app.unit_of_work() as uow:
        assert uow.guards.for_version(version) is None


def test_the_diff_lists_selections_then_policies_each_in_pipeline_order(dash: Dashboard) -> None:
    doc = dash.app.configurations.get(1).document()
    doc["summary"] = "settings at both ends of the pipeline"
    doc["selections"]["export"]["settings"] = {"directory": "exports/elsewhere"}
    doc["selections"]["intake"]["settings"] = {"max_pages": 10}
    doc["selections"]["route"]["settings"] = {"review_above": "100"}
    doc["policies"]["text"]["actions"]["timeout_s"] = 30
    version = dash.app.configurations.create(parse_document(doc), "mai").config.version
    page = dash.session("viewer").get(f"/configurations/diff?a=1&b={version}").text
    table = page.split('id="diff"')[1].split("</table>")[0]
    paths = re.findall(r"<tr><td><code>([^<]+)</code></td>", table)
    assert paths == [
        "selections.intake.settings.max_pages",
        "selections.route.settings.review_above",
        "selections.export.settings.directory",
        "policies.text.actions.timeout_s",
    ]


def test_the_guard_shows_its_progress_then_its_rollback_as_a_banner_with_its_figures(
    dash: Dashboard,
) -> None:
    _processed(dash)  # the baseline: version 1's runs
    version = _version(dash, intake={"module": "intake.standard", "settings": {"max_bytes": 1}})
    client = dash.session("operator")
    client.post(
        f"/configurations/{version}/activate",
        data={"csrf": dash.csrf(client), "guard": "on", "guard_runs": "3"},
    )
    for page in ("/", f"/configurations/{version}"):
        shown = dash.session("viewer").get(page).text
        card = shown.split('id="guard"')[1].split("</section>")[0]
        assert "Watching <strong>0</strong> of the first <strong>3</strong> runs" in card
        assert "against version 1's last 3 runs" in card and "failure rate" in card
    assert 'id="guard-rollback"' not in dash.session("viewer").get("/").text

    dash.app.runner.run_bytes(*example("ubl-invoice.xml"))  # refused by intake: the guard trips
    guard = dash.app.guards.status()
    assert guard is not None and guard.guard.status is GuardStatus.TRIPPED
    overview = dash.session("viewer").get("/").text
    banner = overview.split('id="guard-rollback"')[1].split("</div>")[0]
    assert f"The guard rolled back version {version}" in banner
    assert f'href="/configurations/{guard.guard.rollback_version}"' in banner
    assert "failure_rate" in banner and "failure rate 100.0 %" in banner
    assert "Guard watching" not in overview
    page = dash.session("viewer").get(f"/configurations/{version}").text
    card = page.split('id="guard"')[1].split("</section>")[0]
    assert "badge-tripped" in card and 'class="over"' in card


def test_an_operator_deletes_a_draft_which_leaves_the_lists_and_stays_in_the_trail(
    dash: Dashboard,
) -> None:
    doc = dash.app.configurations.get(1).document()
    doc["selections"]["route"]["settings"] = {"reject_on_fatal": "sometimes"}
    draft = dash.app.configurations.create(parse_document(doc), "mai").config.version
    viewer = dash.session("viewer")
    assert f'action="/configurations/{draft}/delete"' not in viewer.get("/configurations").text
    refused = viewer.post(f"/configurations/{draft}/delete", data={"csrf": dash.csrf(viewer)})
    assert refused.status_code == 403
    assert _events(dash, "delete")[0][:2] == (USERS["viewer"], "refused")
    client = dash.session("operator")
    assert f'action="/configurations/{draft}/delete"' in client.get(f"/configurations/{draft}").text
    assert 'action="/configurations/1/delete"' not in client.get("/configurations/1").text
    deleted = client.post(f"/configurations/{draft}/delete", data={"csrf": dash.csrf(client)})
    assert deleted.headers["location"] == "/configurations"
    listed = client.get("/configurations").text
    assert f"version {draft} deleted" in listed
    assert f'href="/configurations/{draft}"' not in listed.split('id="history"')[1]
    assert dash.app.configurations.get(draft).status is ConfigStatus.ARCHIVED
    assert _events(dash, "delete")[0][:2] == (USERS["operator"], "ok")
