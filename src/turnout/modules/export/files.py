"""Where file exports go and how they are written: inside a checked directory, atomically.

Shared by the file-writing export modules. The rules:

- The export directory is an operator setting. A *relative* directory resolves against the
  workspace ($TURNOUT_HOME) and must stay inside it, symlinks included; an *absolute* directory is
  the operator's explicit choice and is used as given. No directory may contain a `..` segment.
- The file name is built from the run id only, never from the invoice or the submitted file's
  name, and the run id must be a plain name (letters, digits, `.`, `_`, `-`; no separators), so
  the written file is always a direct child of the export directory.
- The content goes to a temporary file in the same directory, is flushed to disk, then renamed
  over the target (`os.replace`): readers see the old file or the new one, never half of one. The
  file is readable by its owner only (mode 0600), as invoice data is confidential.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path, PurePath
from typing import Any

from turnout.authoring import ModuleError, Receipt, RunContext

_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")

DIRECTORY_PATTERN = r"^(?!(?:.*/)?\.\.(?:/.*)?$).+$"
"""JSON-Schema pattern for a directory setting: not empty and without a `..` segment."""


def directory_setting(default: str) -> dict[str, Any]:
    """The JSON Schema of a one-file-per-run export's `directory` setting."""
    return {
        "type": "string",
        "pattern": DIRECTORY_PATTERN,
        "default": default,
        "description": "Where the files go: relative to $TURNOUT_HOME (and inside it), or an "
        f"absolute path; no `..` segments. Default {default!r}.",
    }


def export_file(
    module_id: str, directory: str, context: RunContext, suffix: str, data: bytes, **details: str
) -> Receipt:
    """Write `data` to `<directory>/<run_id><suffix>` atomically; the file's `Receipt` (path,
    idempotency key, `details` plus the bytes' SHA-256 and size). In a trial run
    (`context.trial`) nothing is written, not even the directory: the receipt says where the
    file would have gone (`trial: not written`)."""
    name = file_name(module_id, context.run_id, suffix)
    if context.trial:
        path = planned_directory(module_id, directory, context.workspace) / name
        details = {**details, "trial": "not written"}
    else:
        path = write_atomically(
            export_directory(module_id, directory, context.workspace), name, data
        )
    return Receipt(
        target="file",
        location=str(path),
        key=context.idempotency_key,
        details={**details, "sha256": hashlib.sha256(data).hexdigest(), "bytes": str(len(data))},
    )


def check_directory_setting(module_id: str, directory: str) -> None:
    """Refuse an empty directory or one with a `..` segment (raises ValueError with the fix)."""
    if not directory.strip() or ".." in PurePath(directory).parts:
        raise ValueError(
            f"{module_id}: setting `directory` is {directory!r}; give a directory inside the "
            "workspace (relative, without `..`) or an absolute path"
        )


def export_directory(module_id: str, directory: str, workspace: Path) -> Path:
    """The absolute export directory, created if missing; relative ones must stay in workspace."""
    check_directory_setting(module_id, directory)
    raw = Path(directory)
    if raw.is_absolute():
        target = raw.resolve()
        target.mkdir(parents=True, exist_ok=True)
        return target.resolve()
    root = workspace.resolve()
    resolved = _inside(module_id, directory, (root / raw).resolve(), root)
    if resolved.is_dir():
        return resolved  # there already (every run after the first): no symlink left, inside
    target = root / raw
    target.mkdir(parents=True, exist_ok=True)
    # checked again once created: a symlink planted in between must not lead outside
    return _inside(module_id, directory, target.resolve(), root)


def planned_directory(module_id: str, directory: str, workspace: Path) -> Path:
    """Where `export_directory` would put files, checked the same way, but nothing is created
    (a trial run delivers nothing)."""
    check_directory_setting(module_id, directory)
    raw = Path(directory)
    if raw.is_absolute():
        return raw.resolve()
    root = workspace.resolve()
    return _inside(module_id, directory, (root / raw).resolve(), root)


def file_name(module_id: str, run_id: str, suffix: str) -> str:
    """`<run_id><suffix>`, refusing a run id that is not a plain file name."""
    if not _PLAIN_NAME.fullmatch(run_id):
        raise ModuleError(
            f"{module_id}: run id {run_id[:80]!r} cannot name an export file; run ids must be "
            "letters, digits, `.`, `_` or `-` (at most 128) — this is a bug in whoever made the run"
        )
    return run_id + suffix


def write_atomically(directory: Path, name: str, data: bytes) -> Path:
    """Write `data` to `directory/name` through a temporary file and a rename; return the path."""
    target = directory / name
    if target.parent != directory:
        raise ModuleError(f"export file name {name!r} would leave {directory}; refusing to write")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_directory(directory)
    return target


def _inside(module_id: str, setting: str, path: Path, root: Path) -> Path:
    if not path.is_relative_to(root):
        raise ModuleError(
            f"{module_id}: setting `directory` {setting!r} resolves to {path}, outside the "
            f"workspace {root}; remove the symlink or give an absolute directory instead"
        )
    return path


def _sync_directory(directory: Path) -> None:
    # makes the rename itself durable; not every platform can open a directory
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
