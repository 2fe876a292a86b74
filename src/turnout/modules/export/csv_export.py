"""`export.csv`: one row per delivery of an invoice appended to a CSV file, an append-only log.

Every run appends one row (`turnout.modules.export.csv_rows.HEADER` gives the columns: the invoice's
main fields, the decision and its `reasons`, the `source_file` it came in, the matched
`vendor_id` and the delivery's `idempotency_key`) to the file named by the `path` setting; the
header is written when the file is new. The writer holds an exclusive `flock` on the file while it
reads the deliveries already present and appends, so concurrent runs (threads or processes on this
host) never interleave, and a re-run of the same delivery finds its row and adds nothing.

A reviewed run adds one more row per review revision: after its Nth review the run is exported
again with the person's corrected values and final decision, and the row carries the key
`<run_id>:export:rN` (the first row carries `<run_id>:export`). The file is a delivery log, never
rewritten: the latest row of a run id is its current state, and a redelivery of the same revision
(a worker resuming after a crash) finds the row with its key and appends nothing. Exactly one row
per run and revision.

A file begun by an earlier version, whose header is the first columns of today's, keeps its
columns: rows are written with those only, and the receipt says which columns were left out
(point `path` to a new file to get them all). Without the `idempotency_key` column, a run's first
delivery is recognised by its run id, and a later revision's by a row of the same run equal to
its own.

In a trial run (`RunContext.trial`) the row is built and nothing is appended; the file and its
directory are not even created.

A row torn by a crash (the file does not end with a line break) is dropped before the next
append: no receipt was ever given for it, and the run that wrote it will write it again.
Files live on a local disk: `flock` over NFS is not reliable.

Where the file may go follows `turnout.modules.export.files`: a relative `path` resolves against
the workspace ($TURNOUT_HOME) and must stay inside it (symlinks included); an absolute path is the
operator's explicit choice. The file is created readable by its owner only (mode 0600).

Settings:
- `path` (string, default "exports/invoices.csv"): the CSV file.
- `escape_formulas` (boolean, default true): prefix cells starting with `=`, `+`, `-`, `@` with a
  quote so spreadsheets do not run them as formulas (CSV injection, OWASP).
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any, ClassVar

from turnout.authoring import (
    EXPORT,
    Artifact,
    Artifacts,
    InvoiceArtifact,
    ModuleError,
    ModuleSpec,
    Receipt,
    RunContext,
    StageModule,
    settings_with_defaults,
)
from turnout.modules.export.csv_rows import HEADER, invoice_row
from turnout.modules.export.explanation import MATCH_INPUT, Explanation
from turnout.modules.export.files import DIRECTORY_PATTERN, export_directory, planned_directory

MODULE_ID = "export.csv"
DEFAULT_PATH = "exports/invoices.csv"
_FIRST_COLUMNS = HEADER.index("reasons") + 1  # export.csv 1.0 wrote up to `reasons`
_KEY = HEADER.index("idempotency_key")  # export.csv 1.1 wrote up to `vendor_id`

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "path": {
            "type": "string",
            "pattern": DIRECTORY_PATTERN,
            "default": DEFAULT_PATH,
            "description": "The CSV file: relative to $TURNOUT_HOME (and inside it), or an "
            f"absolute path; no `..` segments. Default {DEFAULT_PATH!r}.",
        },
        "escape_formulas": {
            "type": "boolean",
            "default": True,
            "description": "Prefix cells starting with = + - @ with a quote (CSV injection); "
            "default true.",
        },
    },
}


def check_path_setting(path: str) -> PurePath:
    """The `path` setting as a path, refusing an empty one, a directory or a `..` segment."""
    pure = PurePath(path)
    if not path.strip() or path.endswith("/") or ".." in pure.parts or pure.name in ("", "."):
        raise ValueError(
            f"{MODULE_ID}: setting `path` is {path!r}; give a CSV file inside the workspace "
            "(relative, without `..`, such as 'exports/invoices.csv') or an absolute file path"
        )
    return pure


class CsvExport(StageModule):
    """Append the invoice's row to a CSV file, once per run id and review revision."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EXPORT,
        module_id=MODULE_ID,
        name="CSV file",
        version="1.2.0",
        description="One row per delivery appended to a CSV file under a file lock; a re-run "
        "of the same run adds no second row, a reviewed run one more row per review revision; "
        "cells are escaped against CSV injection.",
        extra_inputs=(MATCH_INPUT,),
        extra_guarantees={"deterministic", "offline"},
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.path = check_path_setting(str(with_defaults["path"]))
        self.escape_formulas = bool(with_defaults["escape_formulas"])

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Append the row unless this delivery's row is already there; a `Receipt` with its
        row."""
        explanation = Explanation.of(inputs, context)
        row = invoice_row(
            context.run_id,
            context.config_version,
            inputs.require(InvoiceArtifact).invoice,
            explanation.decision,
            source_file=explanation.source_file,
            vendor_id=explanation.vendor_id,
            key=context.idempotency_key,
            escape_formulas=self.escape_formulas,
        )
        if context.trial:  # a trial run: the row is built, nothing is appended (or created)
            directory = planned_directory(MODULE_ID, str(self.path.parent), context.workspace)
            return [
                Receipt(
                    target="file",
                    location=str(directory / self.path.name),
                    key=context.idempotency_key,
                    details={"trial": "not written", "cells": str(len(row))},
                )
            ]
        directory = export_directory(MODULE_ID, str(self.path.parent), context.workspace)
        target = directory / self.path.name
        number, columns = append_once(target, row, first=context.revision == 0)
        details = {"row": str(number)}
        if columns < len(HEADER):
            details["columns_left_out"] = ", ".join(HEADER[columns:])
        return [
            Receipt(
                target="file",
                location=str(target),
                key=context.idempotency_key,
                details=details,
            )
        ]


def append_once(path: Path, row: list[str], *, first: bool = True) -> tuple[int, int]:
    """Append `row` unless the file holds its delivery already (see `_same_delivery`; `first`:
    the run's first delivery, before any review); its 1-based data row number, and how many of
    its cells the file's header has room for (an earlier version's file has fewer columns: the
    row is cut to them)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # released when the file is closed
        content = fh.read()
        complete = content[: content.rfind(b"\n") + 1]
        records = _records(path, complete)
        columns = _columns(path, records[0]) if records else len(HEADER)
        for number, record in enumerate(records[1:], start=1):
            if _same_delivery(record, row[:columns], first=first):
                return number, columns
        lines = [row[:columns]] if records else [list(HEADER), row]
        fh.seek(len(complete))
        fh.truncate()  # drops a row torn by a crash, if any
        fh.write(_render(lines))
        fh.flush()
        os.fsync(fh.fileno())
        return max(len(records), 1), columns


def _same_delivery(record: list[str], row: list[str], *, first: bool) -> bool:
    """Whether `record` (a row of the file) is the delivery `row` (cut to the file's columns):
    the same run and idempotency key; in a file without the key column, the same run id for a
    first delivery, the same cells for a later revision's."""
    if not record or record[0] != row[0]:
        return False
    if len(row) > _KEY:
        return len(record) > _KEY and record[_KEY] == row[_KEY]
    return first or record == row


def _columns(path: Path, header: list[str]) -> int:
    """How many columns the file at `path` has: today's header, or the first columns of it
    (written by an earlier version); any other header is refused."""
    if _FIRST_COLUMNS <= len(header) <= len(HEADER) and header == list(HEADER[: len(header)]):
        return len(header)
    raise ModuleError(
        f"{MODULE_ID}: {path} starts with the header {header[:4]}..., not "
        f"export.csv's {list(HEADER)[:4]}...; point setting `path` to a new file"
    )


def _records(path: Path, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModuleError(
            f"{MODULE_ID}: {path} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "point setting `path` to a new file"
        ) from exc
    return [record for record in csv.reader(io.StringIO(text, newline="")) if record]


def _render(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")
