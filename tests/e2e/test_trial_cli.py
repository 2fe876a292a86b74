"""`turnout config try`, end to end through the real command on SQLite and PostgreSQL.

The bundled examples are processed twice: under the default configuration (export.json writes the
export directory) and under a version exporting to a webhook (a real HTTP server in this test
process, which receives every invoice). Then versions are tried, and nothing may leave a trial:
the export files (names and bytes), the webhook receiver, the runs table (the duplicate history)
and `turnout stats` are the same afterwards, and the trail holds one `trial` event per trial.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from turnout.bootstrap import App, bootstrap, bundled_examples
from turnout.cli.stats import stats_to_dict
from turnout.domain.errors import InvalidConfiguration, InvalidTransition, PermissionDenied
from turnout.domain.trial import TrialScope
from turnout.persistence import Database
from turnout.persistence.tables import runs, stage_attempts
from turnout.runtime.config_document import parse_document
from turnout.settings import Settings

# The flows here are the command's (or the API's); the database work under them is tested on
# SQLite and on PostgreSQL in tests/integration, so these end-to-end runs use SQLite.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


EXAMPLES = bundled_examples()
REPORT_KEYS = {
    "version",
    "compared_with",
    "runs",
    "changed_runs",
    "status_changes",
    "decision_changes",
    "field_changes",
    "runs_detail",
    "skipped",
    "stages",
}
DETAIL_KEYS = {
    "run_id",
    "file",
    "status_before",
    "status_after",
    "decision_before",
    "decision_after",
    "changes",
}
STAGE_KEYS = {
    "fallback_rate_before",
    "fallback_rate_after",
    "failure_rate_before",
    "failure_rate_after",
    "p50_ms_before",
    "p50_ms_after",
}


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook receiver: answers 200 to every POST and keeps the bodies."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/invoices"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    """Turnout in this process on the database and home the `cli` fixture's commands use:
    the invoices are processed and the versions made here (cheaper than a command each); the
    trials run through the real command."""
    turnout = bootstrap(Settings(home=tmp_path / "home", database_url=db_url))
    turnout.init("ann")
    yield turnout
    turnout.close()


def _create(app: App, doc: dict[str, Any]) -> int:
    """Create a version from a document (a draft, when it has problems)."""
    return app.configurations.create(parse_document(doc, source="the test"), "ann").config.version


def _files(directory: Path) -> dict[str, str]:
    """Every file under `directory` with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _stats(app: App) -> list[dict[str, Any]]:
    """What `turnout stats --json` shows."""
    with app.unit_of_work() as uow:
        return [stats_to_dict(s) for s in uow.runs.attempt_stats(since=None, config_version=None)]


def _rows(db_url: str) -> tuple[list[tuple[Any, ...]], int]:
    database = Database(db_url)
    try:
        with database.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(select(runs).order_by(runs.c.run_id))]
            attempts = len(conn.execute(select(stage_attempts.c.run_id)).all())
    finally:
        database.dispose()
    return rows, attempts


def test_config_try_shows_changes_and_nothing_leaves(  # type: ignore[no-untyped-def]
    cli, app: App, db_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    home = tmp_path / "home"
    app.runner.run_many(EXAMPLES, 2)  # v1: export.json files
    default = app.configurations.get(1).document()
    webhook = {
        **default,
        "summary": "deliver to the ERP",
        "selections": {
            **default["selections"],
            "export": {"module": "export.webhook", "settings": {"url": receiver.url}},
        },
    }
    production = _create(app, webhook)
    assert app.configurations.activate(production, "ann").status == "active"
    app.runner.run_many(EXAMPLES, 2)  # the receiver gets every invoice
    delivered = len(receiver.bodies)
    assert delivered == len(EXAMPLES)

    stricter = _create(
        app,
        {
            **webhook,
            "summary": "review anything above 100",
            "selections": {
                **webhook["selections"],
                "route": {"module": "route.rules", "settings": {"review_above": "100"}},
            },
        },
    )
    other_extract = _create(
        app,
        {
            **default,
            "summary": "heuristic extraction, CSV export",
            "selections": {
                **default["selections"],
                "extract": {"module": "extract.heuristic"},
                "export": {"module": "export.csv"},
            },
        },
    )
    exports_before = _files(home / "exports")
    assert exports_before  # v1 wrote its JSON files
    rows_before = _rows(db_url)
    stats_before = _stats(app)

    # the active version tried on its own runs changes nothing: the history is seen as each
    # recorded run saw it, so the second round's duplicates stay duplicates and the first
    # round's invoices are not taken for duplicates of the second's
    same = app.trials.run(production, TrialScope(last=50), "ann").report
    assert same is not None
    assert set(same) == REPORT_KEYS and same["compared_with"] == "recorded"
    assert same["runs"] == 2 * len(EXAMPLES)
    assert same["changed_runs"] == 0, [d for d in same["runs_detail"] if d["changed"]]
    assert "review" in {d["decision_before"] for d in same["runs_detail"]}  # duplicates

    # (a) a stricter routing rule: every approved invoice (all are above 100) goes to review
    strict = cli("config", "try", str(stricter), "--json", actor="ann", check=True).json()
    approved = [d for d in strict["runs_detail"] if d["decision_before"] == "approve"]
    assert approved and all(d["decision_after"] == "review" for d in approved)
    assert strict["decision_changes"] == {"approve->review": len(approved)}
    assert strict["status_changes"] == {}  # a review decision is still a completed run
    assert strict["field_changes"] == {}
    assert strict["changed_runs"] == len(approved)
    for detail in strict["runs_detail"]:
        assert set(detail) >= DETAIL_KEYS
    assert set(strict["stages"]) >= {"intake", "extract", "route", "export"}
    assert all(set(f) >= STAGE_KEYS for f in strict["stages"].values())

    # (b) another extract module: the PDFs read by it change, field by field; e-invoices
    # (read from their XML, not extracted) do not
    other = cli("config", "try", str(other_extract), "--json", actor="ann", check=True).json()
    changed = [d for d in other["runs_detail"] if d["changes"]]
    assert changed and all(d["file"].endswith(".pdf") for d in changed)
    assert not any(d["changes"] for d in other["runs_detail"] if d["file"].endswith(".xml"))
    assert other["field_changes"] and max(other["field_changes"].values()) >= 2
    assert all({"field", "before", "after"} == set(c) for d in changed for c in d["changes"])
    assert all(c["before"] != c["after"] for d in changed for c in d["changes"])
    # the templates' fallback (extract.learned) stood in before; the heuristic reads alone
    assert other["stages"]["extract"]["fallback_rate_before"] > 0
    assert other["stages"]["extract"]["fallback_rate_after"] == 0
    assert "completed_with_fallback->completed" in other["status_changes"]

    # a given file: compared with its newest recorded run; a file never run has no "before"
    ubl = next(p for p in EXAMPLES if p.name == "ubl-invoice.xml")
    unseen = tmp_path / "unseen.xml"
    unseen.write_bytes(ubl.read_bytes().replace(b"LW-2024-0815", b"LW-2024-9999"))
    given = cli(
        "config", "try", str(stricter), str(ubl), str(unseen), "--json", actor="ann", check=True
    ).json()
    assert given["runs"] == 2
    seen, new = given["runs_detail"]
    assert seen["file"] == "ubl-invoice.xml" and seen["run_id"] is not None
    assert (seen["decision_before"], seen["decision_after"]) == ("review", "review")  # newest
    assert new["run_id"] is None and new["status_before"] is None and new["changes"] == []

    # the readable summary: counts, stages before and after, the changed runs
    table = cli("config", "try", str(other_extract), actor="ann", check=True).stdout
    assert "changed" in table and "stages" in table and "changed runs" in table
    assert "completed_with_fallback → completed" in table
    # every changed field is named in full, on a line of its own (never cut to a column's width)
    assert all(f"  {name}: " in table for name in list(other["field_changes"])[:10])

    # a folder is read as `turnout process` reads it: its invoice files, the rest skipped
    folder = cli(
        "config", "try", str(stricter), str(EXAMPLES[0].parent), "--json", actor="ann", check=True
    ).json()
    assert folder["runs"] == len(EXAMPLES)

    # nothing left any trial
    assert _files(home / "exports") == exports_before  # no new file, no CSV line, same bytes
    assert len(receiver.bodies) == delivered
    assert _rows(db_url) == rows_before  # no run stored: the dedupe history is unchanged
    assert _stats(app) == stats_before
    with app.unit_of_work() as uow:
        events = uow.events.list(action="trial")
    assert len(events) == 6
    assert {e.actor for e in events} == {"ann"} and {str(e.result) for e in events} == {"ok"}
    assert any(f"tried version {stricter} on the last 50 run(s)" in e.message for e in events)


def test_config_try_refuses_with_the_fix_and_audits_it(cli, app: App) -> None:  # type: ignore[no-untyped-def]
    missing = cli("config", "try", "9", actor="ann")
    assert missing.code == 2 and "version 9 does not exist" in missing.stderr
    both = cli("config", "try", "1", "--last", "5", "--since", "1h", actor="ann")
    assert both.code == 2 and "give one of last, since or files" in both.stderr
    trials = app.trials
    with pytest.raises(PermissionDenied, match="turnout users add eve"):
        trials.run(1, TrialScope(last=5), "eve")
    draft = _create(
        app,
        {
            "summary": "junk",
            "selections": {
                **app.configurations.get(1).document()["selections"],
                "route": {"module": "route.rules", "settings": {"review_above": "lots"}},
            },
        },
    )
    with pytest.raises(InvalidConfiguration, match="cannot be tried") as refused:
        trials.run(draft, TrialScope(last=5), "ann")
    assert "review_above" in str(refused.value)
    app.configurations.delete(draft, "ann")
    with pytest.raises(InvalidTransition, match="archived"):
        trials.run(draft, TrialScope(last=5), "ann")
    with app.unit_of_work() as uow:
        refusals = uow.events.list(action="trial")
        assert uow.trials.list() == []
    assert [str(e.result) for e in refusals] == ["refused"] * 4
    assert {e.actor for e in refusals} == {"ann", "eve"}
