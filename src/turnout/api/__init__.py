"""The REST API (FastAPI) under /api/v1; `create_app(app)` builds it from the bootstrap App."""

from turnout.api.app import create_app

__all__ = ["create_app"]
