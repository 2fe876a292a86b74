"""`create_app(app)`: the FastAPI application over a bootstrap App.

Resources live under /api/v1 and need a bearer token; /healthz, /readyz and /metrics are at the
root without one, for probes and Prometheus. The OpenAPI document is at /openapi.json, its
Swagger UI at /docs (from the installed package). The dashboard (signed in with a token, kept in a
cookie) serves its pages from `/`. Every request first meets `RequestGuard` (body limits, NUL-free
URLs, security headers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import turnout
from turnout.api.dashboard import mount_dashboard
from turnout.api.docs import mount_docs
from turnout.api.errors import install_error_handlers
from turnout.api.guards import RequestGuard, max_json_bytes_from_env
from turnout.api.responses import declare_common_errors
from turnout.api.routes import (
    approvals,
    catalog,
    configurations,
    events,
    guards,
    health,
    profiles,
    reviews,
    runs,
    settings,
    trials,
)
from turnout.api.run_schema import declare_run_schemas
from turnout.api.uploads import MAX_FILES
from turnout.bootstrap import App
from turnout.runtime.leases import Every

API_PREFIX = "/api/v1"
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def create_app(
    app: App,
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    max_json_bytes: int | None = None,
) -> FastAPI:
    """The REST API over `app` (which the caller opens and closes).

    `max_upload_bytes` bounds each uploaded file; `max_json_bytes` every other request body
    (default: `TURNOUT_MAX_JSON_BYTES`, else 1 MiB)."""

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        # Build the runner before the first request: App.runner is built lazily and not under a
        # lock, and every upload must share one admission gate.
        runner = app.runner
        app.trials  # noqa: B018 -- one trial service (its line of trials) for every request
        # Runs (and trials) of dead processes (expired leases) are ended while the server lives,
        # so that an activation pending behind them goes through within about one lease.
        reaper = Every(runner.lease_s / 2, app.reap_orphans, "turnout-reaper").start()
        try:
            yield
        finally:
            reaper.stop()

    api = FastAPI(
        lifespan=lifespan,
        title="Turnout",
        version=turnout.__version__,
        description="Accounts-payable invoices through a pipeline chosen by versioned "
        "configuration. Send `Authorization: Bearer <token>` (`turnout tokens create NAME`).",
        docs_url=None,
        redoc_url=None,
    )
    api.state.turnout = app
    api.state.max_upload_bytes = max_upload_bytes
    install_error_handlers(api)
    routers = (
        catalog,
        configurations,
        events,
        runs,
        reviews,
        profiles,
        settings,
        approvals,
        guards,
        trials,
    )
    for module in routers:
        api.include_router(module.router, prefix=API_PREFIX)
    api.include_router(health.router)
    mount_dashboard(api)
    mount_docs(api)
    declare_common_errors(api)
    declare_run_schemas(api)
    api.add_middleware(
        RequestGuard,
        max_json_bytes=max_json_bytes or max_json_bytes_from_env(),
        # Each file is held to max_upload_bytes while it streams; the request as a whole to
        # what its files may total, plus room for the multipart framing.
        max_upload_request_bytes=MAX_FILES * max_upload_bytes + 1024 * 1024,
    )
    return api
