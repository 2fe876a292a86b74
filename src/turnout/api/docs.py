"""/docs: Swagger UI 5 (which reads OpenAPI 3.1) from the installed `swagger-ui-py` package, never
from a CDN.

The page loads only this server's files (the bundle under /docs/assets and a small start-up
script), so it works offline and fits the Content-Security-Policy without inline scripts.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} — API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/start.js"></script>
</body>
</html>
"""
START_JS = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
"""


def swagger_ui_dir() -> Path:
    """The folder of Swagger UI's files inside the installed `swagger-ui-py` package (found
    without importing it: only its static files are used)."""
    spec = find_spec("swagger_ui")
    locations = list(spec.submodule_search_locations or []) if spec else []
    found = [Path(p) / "static" for p in locations if (Path(p) / "static").is_dir()]
    if not found:
        raise RuntimeError(
            "the swagger-ui-py package is missing, so /docs cannot be served; reinstall Turnout "
            "(`pip install -c constraints.txt -e .`)"
        )
    return found[0]


def mount_docs(api: FastAPI) -> None:
    """Serve Swagger UI at /docs (create the app with `docs_url=None`)."""
    page = DOCS_HTML.format(title=api.title)

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @api.get("/docs/start.js", include_in_schema=False)
    def start_js() -> Response:
        return Response(START_JS, media_type="text/javascript")

    api.mount("/docs/assets", StaticFiles(directory=swagger_ui_dir()), name="docs-assets")
