"""/runs: upload invoices to run through the pipeline; list and show runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from turnout.api.auth import CurrentUser, TurnoutApp, Uploader
from turnout.api.errors import PayloadTooLarge
from turnout.api.params import Offset
from turnout.domain.errors import NotFound, RequestError
from turnout.domain.runs import RunStatus
from turnout.runtime.serialize import run_to_dict

router = APIRouter(prefix="/runs", tags=["runs"])


@router.get("")
def list_runs(
    app: TurnoutApp,
    user: CurrentUser,
    status: RunStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Runs newest first, without their stage attempts (`GET /runs/{id}` has them)."""
    with app.unit_of_work() as uow:
        found = uow.runs.list(status=status, limit=limit, offset=offset)
    return [run_to_dict(r) for r in found]


@router.get("/{run_id}")
def get_run(app: TurnoutApp, user: CurrentUser, run_id: str) -> dict[str, Any]:
    """One run with every stage attempt, the invoice, findings and decision."""
    with app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    if run is None:
        raise NotFound(f"run {run_id} does not exist; GET /api/v1/runs lists them")
    return run_to_dict(run)


@router.post("", status_code=201)
def upload(
    request: Request,
    app: TurnoutApp,
    user: Uploader,
    files: Annotated[list[UploadFile], File(description="One or more invoice files.")],
) -> list[dict[str, Any]]:
    """Run each uploaded file through the pipeline and return the finished runs.

    The file name is kept as metadata only; nothing is written under that name.
    """
    limit: int = request.app.state.max_upload_bytes
    items: list[tuple[str, bytes]] = []
    for f in files:
        data = f.file.read(limit + 1)
        name = f.filename or "upload"
        if len(data) > limit:
            raise PayloadTooLarge(
                f"`{name}` is larger than {limit} bytes; split it, or start the server with a "
                "larger --max-upload-mb"
            )
        if not data:
            raise RequestError(f"`{name}` is empty; upload the invoice file itself")
        items.append((_display_name(name), data))
    runs = app.runner.run_many(items, concurrency=app.settings.workers)
    return [run_to_dict(r) for r in runs]


def _display_name(name: str) -> str:
    """The last component of the client's file name: metadata, never used as a path."""
    return name.replace("\\", "/").rsplit("/", 1)[-1][:255] or "upload"
