"""Trials on SQLite and PostgreSQL: they read the real workspace and write nothing in it, a trial
whose process died ends `failed` at the next reap (audited), and recorded runs whose source file
was deleted after the retention are skipped and counted, even when deleted while the trial runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.domain.trial import Trial, TrialScope, TrialStatus
from turnout.persistence.tables import runs, sources
from turnout.runtime.config_document import parse_document
from turnout.runtime.trial import looked_at
from turnout.settings import Settings

FILES = [p for p in bundled_examples() if p.suffix in (".pdf", ".xml")]
VENDORS = "vendor_id,name,vat_id,iban\nV1,ACME GmbH,DE123456789,\n"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    # one trial run at a time (concurrency 1): the order in which a trial reads sources is known
    turnout = bootstrap(Settings(home=tmp_path / "home", database_url=db_url, concurrency=1))
    turnout.init("ann")
    yield turnout
    turnout.close()


def _home_files(home: Path) -> dict[str, str]:
    """Every file in the workspace but the database, with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(home.rglob("*"))
        if p.is_file() and ".db" not in p.name
    }


def _with_vendor_master(app: App) -> int:
    """Activate a version whose match stage reads `vendors.csv` relative to $TURNOUT_HOME."""
    (app.settings.home / "vendors.csv").write_text(VENDORS)
    doc = app.configurations.get(1).document()
    doc["summary"] = "with a vendor master in the workspace"
    doc["selections"]["match"] = {
        "module": "match.vendors",
        "settings": {"vendors_csv": "vendors.csv"},
    }
    created = app.configurations.create(parse_document(doc, source="the test"), "ann")
    assert not created.problems, created.problems
    version = created.config.version
    assert app.configurations.activate(version, "ann").status == "active"
    return version


def test_trying_the_active_version_reads_the_workspace_changes_nothing_and_writes_nothing(
    app: App,
) -> None:
    version = _with_vendor_master(app)
    app.runner.run_many(FILES, 1)
    before = _home_files(app.settings.home)
    assert any(name.startswith("exports") for name in before)  # export.json wrote there

    trial = app.trials.run(version, TrialScope(last=50), "ann")

    report = trial.report
    assert trial.status is TrialStatus.DONE and report is not None
    assert report["runs"] == len(FILES) and report["skipped"] == []
    # the same version on the same files, reading the same vendors.csv: nothing changes
    assert report["changed_runs"] == 0, [d for d in report["runs_detail"] if d["changed"]]
    assert report["stages"]["match"]["failure_rate_after"] == 0
    # ... and nothing was written in the workspace, not even an export directory
    assert _home_files(app.settings.home) == before


def _drop_sources(app: App, run_ids: list[str]) -> None:
    """Delete the stored source files of these runs, as pruning after the retention does."""
    with app.database.engine.begin() as conn:
        shas = conn.execute(select(runs.c.source_sha256).where(runs.c.run_id.in_(run_ids)))
        conn.execute(delete(sources).where(sources.c.sha256.in_([s for (s,) in shas])))


def test_runs_whose_source_was_deleted_after_the_retention_are_skipped_and_counted(
    app: App,
) -> None:
    done = app.runner.run_many(FILES, 1)
    app.installation.set("source_retention_days", "7", "ann")
    pruned = [r for r in done if r.file_name.endswith(".xml")]
    _drop_sources(app, [r.run_id for r in pruned])

    trial = app.trials.run(1, TrialScope(last=50), "ann")

    report = trial.report
    assert trial.status is TrialStatus.DONE and report is not None
    assert report["runs"] == trial.total == len(FILES) - len(pruned)
    assert {(s["run_id"], s["file"]) for s in report["skipped"]} == {
        (r.run_id, r.file_name) for r in pruned
    }
    assert all("source_retention_days = 7" in s["reason"] for s in report["skipped"])
    assert report["changed_runs"] == 0
    with app.unit_of_work() as uow:
        (event,) = uow.events.list(action="trial")
    assert f"{len(pruned)} skipped (source file deleted)" in event.message


def test_a_source_deleted_while_the_trial_runs_is_skipped_not_a_failure(app: App) -> None:
    done = app.runner.run_many(FILES, 1)
    dropped: list[bool] = []

    def prune_the_rest(trial: Trial) -> None:
        if not dropped:  # after the first run: every other source file goes
            dropped.append(True)
            _drop_sources(app, [r.run_id for r in done])

    trial = app.trials.run(1, TrialScope(last=50), "ann", on_progress=prune_the_rest)

    report = trial.report
    assert trial.status is TrialStatus.DONE and report is not None
    assert trial.done == trial.total == len(FILES)
    assert report["runs"] == 1 and len(report["skipped"]) == len(FILES) - 1
    assert all("after the trial chose the run" in s["reason"] for s in report["skipped"])
    assert report["changed_runs"] == 0 and report["status_changes"] == {}


CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from turnout.bootstrap import bootstrap
    from turnout.domain.trial import TrialScope
    from turnout.settings import Settings

    app = bootstrap(Settings(home=Path(sys.argv[1]), database_url=sys.argv[2], lease_s=1.0))
    first = app.trials.start(1, TrialScope(last=50), "ann")
    waiting = app.trials.start(1, TrialScope(last=50), "ann")  # waits behind the first
    print(first.trial_id, waiting.trial_id, flush=True)
    os._exit(1)  # the process dies with both trials held
    """
)


def test_a_trial_whose_process_died_ends_failed_at_the_next_reap_and_is_audited(
    app: App, db_url: str
) -> None:
    app.runner.run_many(FILES, 1)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(app.settings.home), db_url],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.returncode == 1, child.stderr
    first, waiting = child.stdout.split()
    assert app.trials.get(waiting).status is TrialStatus.RUNNING  # nobody else knows yet

    deadline = time.monotonic() + 60  # the child's lease is 1 s; reap until it has expired
    while app.trials.get(waiting).status is TrialStatus.RUNNING:
        assert time.monotonic() < deadline, "the reaper never ended the dead process's trial"
        app.reap_orphans()
        time.sleep(0.2)

    ended = app.trials.get(waiting)
    assert ended.status is TrialStatus.FAILED and ended.finished_at is not None
    assert ended.error is not None and "the process running it stopped" in ended.error
    assert "try the version again" in ended.error
    assert app.trials.get(first).status is not TrialStatus.RUNNING
    with app.unit_of_work() as uow:
        events = [e for e in uow.events.list(action="trial") if waiting in e.message]
    assert [str(e.result) for e in events] == ["failed"]
    assert "the process running it stopped" in events[0].message


def test_two_copies_of_one_invoice_that_ran_at_once_are_no_duplicates_in_a_trial(
    app: App, tmp_path: Path
) -> None:
    # two copies of one invoice ran at the same time: neither had finished when the other's
    # dedupe stage looked, so neither was a duplicate. Arranged: the first copy is hidden from
    # the history (failed) while the second runs, then ends after the second one looked.
    xml = next(p for p in FILES if p.suffix == ".xml")
    (first_copy := tmp_path / f"a-{xml.name}").write_bytes(xml.read_bytes())
    (second_copy := tmp_path / f"b-{xml.name}").write_bytes(xml.read_bytes())
    (first,) = app.runner.run_many([first_copy], 1)
    with app.database.engine.begin() as conn:
        conn.execute(runs.update().where(runs.c.run_id == first.run_id).values(status="failed"))
    (second,) = app.runner.run_many([second_copy], 1)
    assert second.decision is not None and second.decision["outcome"] != "review"
    # the first copy ended after the second one looked, or a moment before (not yet stored)
    for ended in (second.finished_at, looked_at(second) - dt.timedelta(milliseconds=5)):
        with app.database.engine.begin() as conn:
            conn.execute(
                runs.update()
                .where(runs.c.run_id == first.run_id)
                .values(status=str(first.status), finished_at=ended)
            )

        trial = app.trials.run(1, TrialScope(last=2), "ann")

        report = trial.report
        assert trial.status is TrialStatus.DONE and report is not None and report["runs"] == 2
        assert report["changed_runs"] == 0, [d for d in report["runs_detail"] if d["changed"]]
