"""`turnout check FILE...`: EN 16931 validation of e-invoices, offline, without a database.
A folder stands for every .xml and .pdf file in it (recursively, sorted, as `turnout process`
reads folders).

Many files are checked by one process per core (forked once the rules are loaded, so a worker
starts in milliseconds; Linux only, from 200 files, or as `--jobs` says); the results come out
in the files' order.

Exit codes: 0 every file is valid, 1 a fatal rule fired in some file, 2 some file could not be
read as an e-invoice (the reason is printed).
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from turnout.cli.common import JsonOpt, console, emit_json, emit_json_records, err_console
from turnout.domain.errors import InputRejected

if TYPE_CHECKING:
    from turnout.modules.validate.en16931.check import Checker

# str, not Path: Typer converts each value of a Path list through pydantic (0.1 s for 600 files)
FilesArg = Annotated[
    list[str],
    typer.Argument(
        help="UBL or CII XML files, or PDFs with embedded e-invoice XML; a folder stands for "
        "every .xml and .pdf file in it."
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Processes checking files side by side (default: one per core from 200 files on, "
        "on Linux; 1: this process alone).",
    ),
]
CHECKED_SUFFIXES = (".xml", ".pdf")
FILES_PER_PROCESS = 100  # fewer files than this a process: its fork costs more than it saves
MAX_PROCESSES = 8

VALID, INVALID, UNREADABLE = 0, 1, 2


def check(files: FilesArg, as_json: JsonOpt = False, jobs: JobsOpt = None) -> None:
    """Check e-invoices against the EN 16931 business rules (exit 1 when a fatal rule fires)."""
    paths = [Path(name) for name in files]
    results = _check_all(_expand(paths), jobs)
    if as_json:
        if len(results) == 1 and not any(path.is_dir() for path in paths):
            single = dict(results[0])
            single.pop("file")
            emit_json(single)
        else:
            emit_json_records(results)  # one file a line
    else:
        for result in results:
            _print(result)
    codes = [UNREADABLE if "error" in r else VALID if r["valid"] else INVALID for r in results]
    raise typer.Exit(max(codes))


def _expand(paths: list[Path]) -> list[Path]:
    """The files named, and for a folder every .xml and .pdf file in it (recursively, sorted);
    a folder without any stays, to be reported as such."""
    expanded: list[Path] = []
    for path in paths:
        if not path.is_dir():
            expanded.append(path)
            continue
        inside = [
            p
            for p in sorted(path.rglob("*"))
            if p.suffix.lower() in CHECKED_SUFFIXES and p.is_file()
        ]
        expanded.extend(inside or [path])
    return expanded


# The checker of this process, built before the workers fork: each inherits it, rules loaded.
_checker: Checker | None = None


def _check_all(paths: list[Path], jobs: int | None) -> list[dict[str, Any]]:
    global _checker
    # imported here: the EN 16931 rules and the XML readers are modules, which other commands
    # must not import just because `turnout` starts
    from turnout.modules.validate.en16931.check import Checker

    _checker = Checker()
    processes = _processes(len(paths), jobs)
    if processes == 1:
        return [_check_one(path) for path in paths]
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(processes) as pool:
        chunk = max(1, len(paths) // (processes * 8))  # small chunks: a slow file holds no one up
        return pool.map(_check_one, paths, chunksize=chunk)


def _processes(files: int, jobs: int | None) -> int:
    """How many processes check `files` files: `jobs` when given (at most one a file), else one
    per core for every FILES_PER_PROCESS files. Forking a process that loaded the rules is only
    done on Linux (elsewhere a fork may copy a library's locks in a bad state)."""
    if not sys.platform.startswith("linux"):
        return 1
    if jobs is not None:
        return max(1, min(jobs, files))
    cores = len(os.sched_getaffinity(0))
    return max(1, min(cores, MAX_PROCESSES, files // FILES_PER_PROCESS))


def _check_one(path: Path) -> dict[str, Any]:
    from turnout.modules.intake.standard import DEFAULT_MAX_BYTES

    assert _checker is not None, "_check_all builds the checker first"

    try:
        size = path.stat().st_size
        if size > DEFAULT_MAX_BYTES:  # refused from its size: a huge file is never read whole
            return _unreadable(
                path,
                f"the file is {size:,} bytes, over the limit of {DEFAULT_MAX_BYTES:,} (not read); "
                "`turnout check` reads e-invoices, which are far smaller",
            )
        data = path.read_bytes()
    except OSError as exc:
        if path.is_dir():
            return _unreadable(
                path,
                f"{path} is a folder without .xml or .pdf files; `turnout check` takes e-invoice "
                "files (UBL or CII XML, PDFs with embedded XML) or folders that hold them",
            )
        reason = exc.strerror or str(exc)
        return _unreadable(path, f"cannot read {path}: {reason}; check the path and permissions")
    try:
        report = _checker.check(path.name, data)
    except InputRejected as exc:
        return _unreadable(path, str(exc))
    return {
        "file": str(path),
        "valid": report.valid,
        "findings": [f.to_dict() for f in report.findings],
    }


def _unreadable(path: Path, reason: str) -> dict[str, Any]:
    return {"file": str(path), "valid": False, "error": reason, "findings": []}


def _print(result: dict[str, Any]) -> None:
    name = result["file"]
    if "error" in result:
        err_console.print(
            Text.assemble((f"{name}: ", "bold"), ("unreadable: ", "red"), result["error"])
        )
        return
    findings: list[dict[str, Any]] = result["findings"]
    fatal = sum(1 for f in findings if f["severity"] == "fatal")
    verdict = ("valid", "green") if result["valid"] else ("INVALID", "bold red")
    summary = f" ({fatal} fatal, {len(findings) - fatal} warning)" if findings else ""
    # one print a file: Rich's cost is per print, and a batch of invalid files has many lines
    lines = [Text.assemble((f"{name}: ", "bold"), verdict, summary)]
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        by_rule[finding["rule"]].append(finding)
    for rule_id, group in by_rule.items():
        first = group[0]
        style = "red" if first["severity"] == "fatal" else "yellow"
        head = (f"{rule_id} [{first['severity']}]", style)
        lines.append(Text.assemble("  ", head, f" {first['message']}"))
        lines.extend(Text(f"      at {finding['path']}") for finding in group)
    console.print(Text("\n").join(lines))
