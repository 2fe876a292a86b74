"""Trials through the API: started in the background (202), polled until done, read by any
role; a role that may not start one is refused (403) and the refusal is audited."""

from __future__ import annotations

from pathlib import Path

from support.api import Api
from turnout.bootstrap import bundled_examples
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import parse_document
from turnout.runtime.execution import Executors
from turnout.runtime.trial import TrialService

EXAMPLES = [p for p in bundled_examples() if p.suffix == ".xml"]


def _stricter(api: Api) -> int:
    doc = api.app.configurations.get(1).document()
    doc["selections"]["route"] = {"module": "route.rules", "settings": {"review_above": "100"}}
    doc["summary"] = "review anything above 100"
    created = api.app.configurations.create(parse_document(doc, source="the test"), "mai")
    return created.config.version


def test_a_trial_starts_in_the_background_and_is_polled_until_done(api: Api) -> None:
    api.app.runner.run_many(EXAMPLES, 2)
    version = _stricter(api)

    started = api.post(f"/api/v1/configurations/{version}/trials", json={"last": 2})
    assert started.status_code == 202, started.text
    trial = started.json()
    assert (trial["version"], trial["actor"], trial["scope"]["last"]) == (version, "ola", 2)
    assert trial["status"] == "running" and trial["total"] == 2 and trial["report"] is None

    api.app.trials.wait()  # the background thread of this process; no timing involved
    done = api.get(f"/api/v1/trials/{trial['trial_id']}", role="viewer").json()
    assert done["status"] == "done" and done["done"] == done["total"] == 2
    report = done["report"]
    assert report["version"] == version and report["compared_with"] == "recorded"
    assert report["runs"] == 2 and report["decision_changes"] == {"approve->review": 2}
    assert {d["file"] for d in report["runs_detail"]} <= {p.name for p in EXAMPLES}
    assert "route" in report["stages"]

    since = api.post(
        f"/api/v1/configurations/{version}/trials", role="maintainer", json={"since": "1h"}
    )
    assert since.status_code == 202 and since.json()["total"] == len(EXAMPLES)
    default = api.post(f"/api/v1/configurations/{version}/trials", role="maintainer")
    assert default.status_code == 202 and default.json()["scope"]["last"] == 50
    api.app.trials.wait()
    listed = api.get("/api/v1/trials", role="viewer").json()
    assert len(listed) == 3 and {t["status"] for t in listed} == {"done"}
    with api.app.unit_of_work() as uow:
        events = uow.events.list(action="trial")
    assert len(events) == 3 and {e.actor for e in events} == {"ola", "mai"}


def test_trials_are_refused_with_the_fix_and_audited(api: Api) -> None:
    viewer = api.post("/api/v1/configurations/1/trials", role="viewer", json={"last": 5})
    assert viewer.status_code == 403 and "vic" in viewer.json()["detail"]
    admin = api.post("/api/v1/configurations/1/trials", role="admin", json={"last": 5})
    assert admin.status_code == 403
    missing = api.post("/api/v1/configurations/77/trials", json={"last": 5})
    assert missing.status_code == 404 and "does not exist" in missing.json()["detail"]
    both = api.post("/api/v1/configurations/1/trials", json={"last": 5, "since": "1h"})
    assert both.status_code == 400 and "give one of" in both.json()["detail"]
    bad = api.post("/api/v1/configurations/1/trials", json={"since": "yesterday"})
    assert bad.status_code == 400 and "'24h'" in bad.json()["detail"]
    extra = api.post("/api/v1/configurations/1/trials", json={"files": ["/etc/passwd"]})
    assert extra.status_code == 422
    unknown = api.get("/api/v1/trials/nope", role="viewer")
    assert unknown.status_code == 404
    with api.app.unit_of_work() as uow:
        refusals = uow.events.list(action="trial")
        assert uow.trials.list() == []
    assert {e.actor for e in refusals} == {"vic", "ada", "ola"}
    assert {str(e.result) for e in refusals} == {"refused"}
    # each refusal of an existing version names it, as the command line's do
    assert sorted(e.config_version or 0 for e in refusals) == [0, 1, 1, 1, 1]


def test_trials_take_at_most_their_share_of_the_run_slots(api: Api) -> None:
    service = TrialService(
        api.app.unit_of_work, api.app.registry, Executors(Path()), concurrency=8, isolation=None
    )
    assert service.slots() == 2  # the default share, 0.25
    with api.app.unit_of_work() as uow:
        uow.settings.put("trial_share", 0.5, "ada", utcnow())
        uow.commit()
    assert service.slots() == 4
    assert (
        TrialService(
            api.app.unit_of_work,
            api.app.registry,
            Executors(Path()),
            concurrency=1,
            isolation=None,
        ).slots()
        == 1
    )
