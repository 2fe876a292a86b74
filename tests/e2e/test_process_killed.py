"""A `turnout process` killed with SIGKILL mid-batch, on SQLite and PostgreSQL: its runs in flight
are reaped once their lease expires (ended `failed`, "the process running it stopped"), so a new
version activates without `--force` or `cancel` within about one lease, no run stays `running`,
and processing the files that have no run yet leaves each file with exactly one finished run.
The batch runs in two processes (`--processes 2`): the child dies with its parent."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from turnout.bootstrap import bundled_examples
from turnout.domain.events import EventAction, EventResult
from turnout.domain.runs import Run, RunStatus
from turnout.persistence import Database

TURNOUT = Path(sys.executable).parent / "turnout"
# the subject is the process: its death, the leases it leaves, the commands after it
pytestmark = pytest.mark.real_process
LEASE_S = 8.0  # well above a command's start-up on a busy machine: `config activate` meets the leases live
FILES = 200
# What may add to the lease before the switch: the reaper's poll (1 s), a command's start-up and
# a loaded machine.
SLACK_S = 6.0


def _runs(db: Database) -> list[Run]:
    with db.reader() as reader:
        return reader.runs.list(limit=10_000)


def _stopped(pid: int) -> bool:
    """Has the process really stopped (SIGSTOP is delivered asynchronously)?"""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] in {"T", "t"}


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (its worker processes)."""
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
    """Is `pid` still running (a zombie is dead, only not yet reaped by its new parent)?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _kill_mid_batch(
    victim: subprocess.Popen[bytes], db: Database
) -> tuple[list[Run], dt.datetime, list[int]]:
    """SIGKILL the victim while it is seen (frozen) with runs `running`; the runs it left so,
    when it was killed, and the worker processes it had then."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert victim.poll() is None, "the batch finished before it could be killed: add files"
        if sum(r.status.finished for r in _runs(db)) >= 5:
            os.kill(victim.pid, signal.SIGSTOP)  # frozen, so what we see is what it leaves
            while not _stopped(victim.pid):
                time.sleep(0.005)
            if any(r.status is RunStatus.RUNNING for r in _runs(db)):
                children = _children(victim.pid)
                os.kill(victim.pid, signal.SIGKILL)
                killed_at = dt.datetime.now(dt.UTC)
                victim.wait()
                time.sleep(0.3)  # a commit it had sent is done by now (PostgreSQL)
                left = [r for r in _runs(db) if r.status is RunStatus.RUNNING]
                assert left, "the runs seen running ended as the victim was killed"
                return left, killed_at, children
            os.kill(victim.pid, signal.SIGCONT)
        time.sleep(0.02)
    raise AssertionError("never saw the victim with runs running")


def test_a_killed_process_strands_no_run_and_blocks_no_activation(  # type: ignore[no-untyped-def]
    cli, db_url: str, tmp_path: Path
) -> None:
    cli("init", actor="ann", check=True)
    example = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_bytes()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(FILES):
        (inbox / f"inv-{i:03d}.xml").write_bytes(example)
    exported = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    exported["selections"]["route"]["settings"] = {"review_above": "50.00"}
    (tmp_path / "next.yaml").write_text(yaml.safe_dump(exported))
    cli("config", "create", "-f", str(tmp_path / "next.yaml"), actor="ann", check=True)
    cli("config", "validate", "2", actor="ann", check=True)

    env = {
        **os.environ,
        "TURNOUT_HOME": str(tmp_path / "home"),
        "TURNOUT_DATABASE_URL": db_url,
        "TURNOUT_LEASE_S": str(LEASE_S),
    }
    victim = subprocess.Popen(
        [str(TURNOUT), "process", str(inbox), "--concurrency", "2", "--processes", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = Database(db_url)
    try:
        orphans, killed_at, children = _kill_mid_batch(victim, db)
        assert children, "the victim ran its batch in one process: nothing to kill with it"
        assert not [pid for pid in children if _alive(pid)], (
            "a worker process outlived the killed `turnout process`"
        )
        activated = cli("config", "activate", "2", "--json", actor="ann", check=True).json()
        assert activated["status"] == "pending", (
            f"the orphans' leases ({LEASE_S:g}s) ran out before `config activate` started: "
            f"{activated}"
        )

        seen = {r.file_name for r in _runs(db)}
        rest = sorted(str(p) for p in inbox.iterdir() if p.name not in seen)
        assert rest, "every file had a run before the kill"
        later = cli("process", *rest, "--concurrency", "2", "--json", check=True).json()

        runs = _runs(db)
        with db.reader() as reader:
            switch = reader.events.list(action=EventAction.SWITCH.value)
            orphaned = reader.events.list(action=EventAction.RUN_ORPHANED.value)
    finally:
        if victim.poll() is None:
            victim.kill()
        db.dispose()

    [switched] = switch
    assert switched.config_version == 2 and switched.result is EventResult.OK
    waited_s = (switched.created_at - killed_at).total_seconds()
    print(f"switch {waited_s:.2f}s after the kill, lease {LEASE_S:g}s, {len(orphans)} orphan(s)")
    assert waited_s <= LEASE_S + SLACK_S, f"the switch came {waited_s:.1f}s after the kill"
    assert {r["config_version"] for r in later} == {2}
    assert not [r for r in runs if not r.status.finished]
    assert Counter(r.file_name for r in runs) == {p.name: 1 for p in inbox.iterdir()}
    by_id = {r.run_id: r for r in runs}
    for orphan in orphans:
        ended = by_id[orphan.run_id]
        assert ended.status is RunStatus.FAILED and ended.config_version == 1
        assert ended.reason is not None
        assert ended.reason.startswith("the process running it stopped"), ended.reason
        assert orphan.worker is not None and orphan.worker in ended.reason
    assert len(orphaned) == len(orphans)
