"""/runs: upload invoices to run through the pipeline; list and show runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from turnout.api.auth import CurrentUser, TurnoutApp, Uploader
from turnout.api.params import Offset
from turnout.api.responses import errors
from turnout.api.run_schema import RUN, runs
from turnout.api.uploads import read_upload
from turnout.domain.errors import NotFound
from turnout.domain.runs import RunStatus
from turnout.views import run_to_dict

router = APIRouter(prefix="/runs", tags=["runs"])


@router.get(
    "", response_model=None, responses={**errors(401, 403, 422), **runs(200, "Runs, newest first")}
)
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


@router.get("/{run_id}", response_model=None, responses={**errors(401, 403, 404), **RUN})
def get_run(app: TurnoutApp, user: CurrentUser, run_id: str) -> dict[str, Any]:
    """One run with every stage attempt, the invoice, findings and decision."""
    with app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    if run is None:
        raise NotFound(f"run {run_id} does not exist; GET /api/v1/runs lists them")
    return run_to_dict(run)


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "title": "Upload",
                "required": ["files"],
                "properties": {
                    "files": {
                        "type": "array",
                        "title": "Files",
                        "description": "One or more invoice files.",
                        "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                    }
                },
            }
        }
    },
}


@router.post(
    "",
    status_code=201,
    openapi_extra={"requestBody": UPLOAD_BODY},
    response_model=None,
    responses={**errors(400, 401, 403, 413, 422), **runs(201, "The finished runs")},
)
async def upload(request: Request, app: TurnoutApp, user: Uploader) -> list[dict[str, Any]]:
    """Run each uploaded file through the pipeline and return the finished runs.

    The body is read as it streams in: a file over the size limit is refused with 413 at once.
    The file name is kept as metadata only; nothing is written under that name.
    """
    form = await read_upload(request, request.app.state.max_upload_bytes)
    runs = await run_in_threadpool(app.runner.run_many, form.files, app.settings.workers)
    return [run_to_dict(r) for r in runs]
