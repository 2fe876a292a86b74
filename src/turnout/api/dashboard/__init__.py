"""The operator dashboard at `/`: server-rendered pages (Jinja2) over the same services as the API.

`mount_dashboard(api)` adds its pages, forms and static files to the FastAPI app.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from turnout.api.dashboard import actions, pages, review, safe_change
from turnout.api.dashboard.render import HERE
from turnout.api.dashboard.throttle import SignInThrottle

__all__ = ["mount_dashboard"]


def mount_dashboard(api: FastAPI) -> None:
    """Serve the dashboard from `api` (pages at /, static files under /static)."""
    api.state.signin_throttle = SignInThrottle()
    api.include_router(pages.router)
    api.include_router(actions.router)
    api.include_router(review.router)
    api.include_router(safe_change.router)
    api.include_router(pages.missing)  # last: what no other route answers
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
