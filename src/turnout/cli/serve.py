"""`turnout serve`: the REST API over HTTP (uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from turnout.cli.common import close_app, console, get_app


def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="The TCP port.")] = 8000,
    max_upload_mb: Annotated[
        int, typer.Option(min=1, help="The largest file POST /api/v1/runs accepts, in MiB.")
    ] = 20,
) -> None:
    """Serve the dashboard (/) and the REST API (/api/v1, OpenAPI at /openapi.json) until
    interrupted."""
    import uvicorn

    from turnout.api import create_app
    from turnout.runtime.installation import SourcePruning

    app = get_app()
    api = create_app(app, max_upload_bytes=max_upload_mb * 1024 * 1024)
    console.print(
        f"Turnout dashboard on http://{host}:{port}/ (sign in with a token from "
        f"`turnout tokens create NAME`); API on http://{host}:{port}/api/v1 (docs at /docs)",
        markup=False,
    )
    pruning = SourcePruning(app.installation).start()  # past retention: now, then hourly
    try:
        uvicorn.run(api, host=host, port=port, log_level=app.settings.log_level.lower())
    finally:
        pruning.stop()
        close_app()
