"""`turnout process` spreading a batch over several processes (`--processes`), on SQLite and
PostgreSQL: the same runs and `--json` shape as with threads, each file one finished run; Ctrl-C
to the process group stops every process cleanly, leaving no run running and no child behind.

A route module of our own that takes 0.4 s per invoice (installed through an entry point) keeps
this process busy long enough for its child to start and take its share of the batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from support.invoice_pdfs import write_invoice_pdfs
from support.plugin_packages import install_plugin
from turnout.bootstrap import bundled_examples
from turnout.domain.runs import Run, RunStatus
from turnout.persistence import Database

TURNOUT = Path(sys.executable).parent / "turnout"

SLOW_ROUTE = """
    import dataclasses
    import time

    from turnout.modules.route.rules import RulesRoute


    class SlowRoute(RulesRoute):
        spec = dataclasses.replace(
            RulesRoute.spec, module_id="route.slow", name="slow", is_fallback=False
        )

        def process(self, inputs, context):
            time.sleep(0.4)
            return super().process(inputs, context)
"""


_ACTIVATE_SLOW = """
from dataclasses import replace
from turnout.bootstrap import bootstrap
from turnout.runtime.config_document import PolicyDoc, SelectionDoc
from turnout.runtime.defaults import default_document

app = bootstrap()
app.init("ann")
doc = default_document()
selections = {**doc.selections, "route": SelectionDoc("route.slow", {})}
policies = {**doc.policies, "route": PolicyDoc("route.rules", ("error",), {})}
doc = replace(doc, summary="slow", selections=selections, policies=policies)
service = app.configurations
version = service.create(doc, "ann").config.version
assert service.validate(version, "ann").valid
service.activate(version, "ann")
app.close()
"""


def _env(tmp_path: Path, db_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TURNOUT_HOME": str(tmp_path / "home"),
        "TURNOUT_DATABASE_URL": db_url,
        "TURNOUT_ACTOR": "ann",
        "PYTHONPATH": str(tmp_path / "site"),
        "COLUMNS": "200",
    }


def _turnout(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == code, (
        f"turnout {' '.join(args)} exited {proc.returncode}: {proc.stderr}"
    )
    return proc


def _slow_batch(tmp_path: Path, db_url: str, pdfs: int) -> tuple[dict[str, str], Path]:
    """A database whose active version routes through `route.slow`, and a folder of PDFs, the
    bundled XML e-invoices and a file that is no invoice."""
    install_plugin(
        tmp_path / "site",
        "turnout_plugin_slow",
        {"route.slow": "turnout_plugin_slow:SlowRoute"},
        SLOW_ROUTE,
    )
    env = _env(tmp_path, db_url)
    # one process (the plugin on its path) initialises and activates the slow route
    subprocess.run([sys.executable, "-c", _ACTIVATE_SLOW], env=env, check=True, timeout=120)
    folder = tmp_path / "inbox"
    write_invoice_pdfs(folder, pdfs)
    for example in bundled_examples():
        if example.suffix == ".xml":
            (folder / example.name).write_bytes(example.read_bytes())
    (folder / "not-an-invoice.pdf").write_bytes(b"this is no PDF at all")
    return env, folder


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_processes_give_the_runs_threads_give_and_stop_cleanly_on_ctrl_c(
    db_url: str, tmp_path: Path
) -> None:
    env, folder = _slow_batch(
        tmp_path, db_url, pdfs=9
    )  # 12 slow files: the parent alone needs ~5 s, time for the child to start on a busy machine
    files = sorted(p.name for p in folder.iterdir())
    args = ("process", str(folder), "--concurrency", "2", "--json")
    # the batch holds a file that is no invoice: its failed run makes the exit code 3
    pooled = json.loads(_turnout(env, *args, "--processes", "2", code=3).stdout)
    threaded = json.loads(_turnout(env, *args, "--processes", "0", code=3).stdout)

    assert [r["file"] for r in pooled] == [r["file"] for r in threaded] == files
    assert [r["status"] for r in pooled] == [r["status"] for r in threaded]
    assert [list(r) for r in pooled] == [list(r) for r in threaded]
    assert [[(s["stage"], s["module"], s["outcome"]) for s in r["stages"]] for r in pooled] == [
        [(s["stage"], s["module"], s["outcome"]) for s in r["stages"]] for r in threaded
    ]
    assert [[list(s) for s in r["stages"]] for r in pooled] == [
        [list(s) for s in r["stages"]] for r in threaded
    ]
    bad = next(r for r in pooled if r["file"] == "not-an-invoice.pdf")
    assert bad["status"] == "failed" and bad["reason"], bad
    assert {r["status"] for r in pooled} - {"failed"} <= {"completed", "completed_with_fallback"}
    # two processes held the runs: this one and its child, each with its own lease holder
    assert len({r["worker"].rsplit(":", 2)[1] for r in pooled}) == 2, [r["worker"] for r in pooled]

    stored = _stored(db_url)
    assert Counter(r.file_name for r in stored) == dict.fromkeys(files, 2)
    assert all(r.status.finished for r in stored)

    children, stderr, code = _interrupted(env, folder, db_url)
    assert "Traceback" not in stderr, stderr
    assert code != 0
    stored = _stored(db_url)
    assert all(r.status.finished for r in stored), [
        (r.file_name, r.status) for r in stored if not r.status.finished
    ]
    assert len(stored) < 3 * len(files), "Ctrl-C did not stop the batch"
    assert not [pid for pid in children if _alive(pid)]


def _stored(db_url: str) -> list[Run]:
    db = Database(db_url)
    try:
        with db.reader() as reader:
            return reader.runs.list(limit=1000)
    finally:
        db.dispose()


def _interrupted(env: dict[str, str], folder: Path, db_url: str) -> tuple[list[int], str, int]:
    """`turnout process` on `folder` with two processes, Ctrl-C to its process group once both
    hold runs: its children seen then, its stderr and exit code."""
    victim = subprocess.Popen(
        [str(TURNOUT), "process", str(folder), "--concurrency", "2", "--processes", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    db = Database(db_url)
    try:
        deadline = time.monotonic() + 60
        children: list[int] = []
        while time.monotonic() < deadline and not children:
            with db.reader() as reader:
                running = reader.runs.list(status=RunStatus.RUNNING, limit=100)
            holders = {r.worker.rsplit(":", 2)[1] for r in running if r.worker}
            if str(victim.pid) in holders and len(holders) == 2:  # both processes run runs
                children = _children(victim.pid)
            assert victim.poll() is None, "the batch ended before Ctrl-C"
            time.sleep(0.02)
        assert children, "never saw both processes running runs"
        os.killpg(victim.pid, signal.SIGINT)
        _, stderr = victim.communicate(timeout=60)
        return children, stderr, victim.returncode
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
        db.dispose()
