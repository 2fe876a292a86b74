"""/docs: Swagger UI 5 (which reads OpenAPI 3.1) from the two distribution files shipped in this
package (`static/swagger-ui/`, see its README), never from a CDN.

The page loads only this server's files (the bundle under /docs/assets and a small start-up
script), so it works offline and fits the Content-Security-Policy without inline scripts.
"""

from __future__ import annotations

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


SWAGGER_UI_DIR = Path(__file__).parent / "static" / "swagger-ui"


def mount_docs(api: FastAPI) -> None:
    """Serve Swagger UI at /docs (create the app with `docs_url=None`)."""
    page = DOCS_HTML.format(title=api.title)

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @api.get("/docs/start.js", include_in_schema=False)
    def start_js() -> Response:
        return Response(START_JS, media_type="text/javascript")

    api.mount("/docs/assets", StaticFiles(directory=SWAGGER_UI_DIR), name="docs-assets")
