"""`turnout check FILE...`: EN 16931 validation of e-invoices, offline, without a database.
A folder stands for every .xml and .pdf file in it (recursively, sorted, as `turnout process`
reads folders).

Exit codes: 0 every file is valid, 1 a fatal rule fired in some file, 2 some file could not be
read as an e-invoice (the reason is printed).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from turnout.cli.common import JsonOpt, console, emit_json, emit_json_records, err_console
from turnout.domain.errors import InputRejected

FilesArg = Annotated[
    list[Path],
    typer.Argument(
        help="UBL or CII XML files, or PDFs with embedded e-invoice XML; a folder stands for "
        "every .xml and .pdf file in it."
    ),
]
CHECKED_SUFFIXES = (".xml", ".pdf")

VALID, INVALID, UNREADABLE = 0, 1, 2


def check(files: FilesArg, as_json: JsonOpt = False) -> None:
    """Check e-invoices against the EN 16931 business rules (exit 1 when a fatal rule fires)."""
    results = [_check_one(path) for path in _expand(files)]
    if as_json:
        if len(results) == 1 and not any(path.is_dir() for path in files):
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


def _check_one(path: Path) -> dict[str, Any]:
    # imported here: the EN 16931 rules and the XML readers are modules, which other commands
    # must not import just because `turnout` starts
    from turnout.modules.intake.standard import DEFAULT_MAX_BYTES
    from turnout.modules.validate.en16931.check import check_bytes

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
        report = check_bytes(path.name, data)
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
