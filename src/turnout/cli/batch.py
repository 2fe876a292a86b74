"""What `turnout process` does around the runs: which files of a folder it reads and which it
skips (and why), files refused from their size before a byte is read, the runs that wait for a
person (with the reasons), and its exit code."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.padding import Padding
from rich.table import Column
from rich.text import Text

from turnout.cli.common import console, err_console, fail
from turnout.cli.run_fields import decision_label, reasons, short_id
from turnout.cli.tables import fitted, narrow
from turnout.domain.runs import Run, RunStatus

if TYPE_CHECKING:
    from turnout.bootstrap import App

ACCEPTED_SUFFIXES = {".pdf", ".xml", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
_ACCEPTED = ", ".join(sorted(ACCEPTED_SUFFIXES))

# Exit code of `turnout process` when the batch ran but some runs failed (or files were refused):
# 0 means every run completed (with or without a fallback) or went to review.
EXIT_SOME_FAILED = 3
_FINE = {RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_FALLBACK, RunStatus.NEEDS_REVIEW}

_INTAKE_MODULE = "intake.standard"


@dataclass
class Collected:
    """The files to run, in order, and the ones a folder held that will not be read, with why."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def collect(paths: list[Path]) -> Collected:
    """Files named (whatever their type: intake says what it makes of them), plus the invoice
    files inside folders named (recursively, sorted); the other files of those folders are
    listed as skipped. A path that does not exist is a usage error."""
    found = Collected()
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                _sort_entry(p, found)
        elif path.is_file():
            found.files.append(path)
        else:
            raise fail(f"{path} does not exist; give invoice files or folders")
    return found


def _sort_entry(path: Path, found: Collected) -> None:
    try:
        mode = path.stat().st_mode
    except OSError as exc:  # a dangling link, or no permission to look
        found.skipped.append((path, f"cannot be read: {exc.strerror or exc}"))
        return
    if stat.S_ISDIR(mode):
        return
    if not stat.S_ISREG(mode):
        found.skipped.append((path, "not a regular file"))
    elif path.suffix.lower() not in ACCEPTED_SUFFIXES:
        kind = path.suffix.lower() or "no extension"
        found.skipped.append((path, f"not an invoice file type ({kind}); reads {_ACCEPTED}"))
    elif not os.access(path, os.R_OK):
        found.skipped.append((path, "cannot be read: permission denied"))
    else:
        found.files.append(path)


def print_skipped(skipped: list[tuple[Path, str]], json_: bool) -> None:
    """The files of the folders that will not be read, and why; on stderr with --json, whose
    stdout stays the list of runs."""
    if not skipped:
        return
    if json_:
        for path, why in skipped:
            err_console.print(f"skipped {path}: {why}", markup=False, highlight=False)
        return
    if not narrow():
        table = fitted(Column("skipped file", no_wrap=True), "reason", title="not read")
        for path, why in skipped:
            table.add_row(str(path), why)
        console.print(table)
        return
    # narrow: the folder on a line of its own above the name, so that the name stays whole
    table = fitted(
        Column("skipped file", overflow="fold", ratio=2),  # a name longer than the column folds
        Column("reason", min_width=24, ratio=1),
        title="not read",
    )
    table.expand = True  # the ratios apply to an expanded table only
    for path, why in skipped:
        table.add_row(Text(f"{path.parent}{os.sep}\n{path.name}"), Text(why))
    console.print(table)


def intake_max_bytes(app: App) -> int | None:
    """The largest file the active configuration's intake accepts, when its module is the
    standard intake (another intake module decides for itself: None; so does a version a guard
    watches, whose refused files are kept to be run again if it rolls back)."""
    with app.database.reader() as uow:
        active = uow.configurations.pointers().active
        config = uow.configurations.get(active.version) if active is not None else None
    selection = config.selections.get("intake") if config is not None else None
    if selection is None or selection.module_id != _INTAKE_MODULE:
        return None
    if active is not None and app.guards.watching(active.version):
        return None  # read every file: should the guard roll back, it runs them again from it
    # imported here, once a batch is to run, so that other commands start without module imports
    from turnout.modules.intake.standard import DEFAULT_MAX_BYTES

    return int(selection.settings.get("max_bytes", DEFAULT_MAX_BYTES))


def oversized(files: list[Path], max_bytes: int | None) -> dict[Path, int]:
    """Files over `max_bytes`, with their size, from the file system: nothing is read."""
    if max_bytes is None:
        return {}
    sizes = {p: p.stat().st_size for p in files}
    return {p: size for p, size in sizes.items() if size > max_bytes}


def refuse(app: App, path: Path, size: int, max_bytes: int) -> Run:
    """A failed run for a file refused from its size, stored like any run that intake refused
    (so the batch's record is complete), without reading the file."""
    return app.runner.refuse(
        path.name,
        f"stage `intake` failed: the file is {size:,} bytes, over the limit of {max_bytes:,} "
        f"(refused from its size, not read); raise the {_INTAKE_MODULE} setting `max_bytes` "
        "if such files are expected",
    )


def exit_code(runs: list[Run], reruns: Mapping[str, Run] | None = None) -> int:
    """0 when every run completed or went to review, else EXIT_SOME_FAILED. A failed run a
    guard's rollback re-ran counts as its re-run did (`reruns`: failed run id -> its re-run)."""
    return 0 if not still_failed(runs, reruns) else EXIT_SOME_FAILED


def still_failed(runs: list[Run], reruns: Mapping[str, Run] | None = None) -> list[Run]:
    """The runs that did not complete nor go to review, not even through a guard's re-run."""
    again = reruns or {}
    return [
        r
        for r in runs
        if r.status not in _FINE and (r.run_id not in again or again[r.run_id].status not in _FINE)
    ]


def print_explanations(runs: list[Run]) -> None:
    """The runs now in the review queue (the queue's own condition, so the count is the one
    `turnout review list` gives), then, under their own heading, the runs the rules rejected or
    that failed before their document was read; each with every reason in full, and where to go
    next."""
    from turnout.runtime.execution import waits_for_a_person

    waiting = [r for r in runs if waits_for_a_person(r)]
    stopped = [r for r in runs if not waits_for_a_person(r) and _stopped(r)]
    if waiting:
        _print_runs(f"{len(waiting)} run(s) for a person to look at (the review queue):", waiting)
    if stopped:
        _print_runs(
            f"{len(stopped)} run(s) rejected by the rules or failed unread (not for review):",
            stopped,
        )
    if waiting:
        _hint(
            "`turnout review list` is the queue; `turnout review show RUN` shows a run to "
            "correct, approve or reject"
        )
    if stopped:
        _hint("`turnout runs show RUN` shows a run's stages, findings and decision")


def _stopped(run: Run) -> bool:
    return run.status is RunStatus.FAILED or (run.decision or {}).get("outcome") == "reject"


def _print_runs(heading: str, found: list[Run]) -> None:
    console.print(heading, markup=False, highlight=False)
    for run in found:
        outcome = decision_label(run) or "no decision"
        console.print(
            Text.assemble(
                "  ", (short_id(run.run_id), "bold"), f" {run.file_name}: {run.status}, {outcome}"
            ),
            highlight=False,
        )
        for reason in reasons(run) or ["no reason was recorded"]:
            console.print(Padding(Text(f"- {reason}"), (0, 0, 0, 6)), highlight=False)


def _hint(text: str) -> None:
    console.print(text, markup=False, highlight=False)
