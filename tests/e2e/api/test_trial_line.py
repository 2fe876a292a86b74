"""A server runs one trial at a time: more wait their turn (202, still `running`, nothing done),
and once as many wait as it keeps, one more is refused with 409 and the fix, audited."""

from __future__ import annotations

import threading

from support.api import Api
from turnout.bootstrap import bundled_examples
from turnout.domain.trial import Trial, TrialScope
from turnout.runtime.trial_capacity import MAX_WAITING

EXAMPLES = [p for p in bundled_examples() if p.suffix == ".xml"]


def test_trials_wait_their_turn_and_a_full_line_is_refused_with_409(api: Api) -> None:
    api.app.runner.run_many(EXAMPLES, 2)
    running, release = threading.Event(), threading.Event()

    def hold(trial: Trial) -> None:  # the first trial stops after its first run until told
        running.set()
        release.wait()

    failed: list[BaseException] = []

    def try_first() -> None:
        try:
            api.app.trials.run(1, TrialScope(last=2), "mai", on_progress=hold)
        except BaseException as exc:  # said by the test, not lost in the thread
            failed.append(exc)
            running.set()

    first = threading.Thread(target=try_first)
    first.start()
    running.wait()
    assert not failed, failed
    try:
        waiting = []
        for _ in range(MAX_WAITING):
            started = api.post("/api/v1/configurations/1/trials", json={"last": 1})
            assert started.status_code == 202, started.text
            waiting.append(started.json()["trial_id"])
        refused = api.post("/api/v1/configurations/1/trials", json={"last": 1})
        for trial_id in waiting:  # their turn has not come: nothing tried yet
            seen = api.get(f"/api/v1/trials/{trial_id}").json()
            assert (seen["status"], seen["done"]) == ("running", 0)
    finally:
        release.set()
        first.join()
    assert refused.status_code == 409
    assert refused.json()["error"] == "TrialsBusy"
    assert "wait for one to finish" in refused.json()["detail"]

    api.app.trials.wait()
    done = [api.get(f"/api/v1/trials/{t}").json() for t in waiting]
    assert [t["status"] for t in done] == ["done"] * MAX_WAITING
    finished = [t["finished_at"] for t in done]
    assert finished == sorted(finished)  # first come, first served
    with api.app.unit_of_work() as uow:
        results = [str(e.result) for e in uow.events.list(action="trial")]
    assert sorted(results) == sorted(["ok"] * (MAX_WAITING + 1) + ["refused"])
