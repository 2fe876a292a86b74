"""The dashboard over a real, initialised database: one signed-in browser session per role.

`dash.session("viewer")` is a TestClient whose cookie jar holds that role's dashboard session;
`dash.csrf(client, page)` reads the CSRF token from a page's forms.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from e2e.dashboard.dashboard_support import Dashboard
from support.api import ADMIN, USERS
from turnout.api import create_app
from turnout.bootstrap import bootstrap
from turnout.domain.users import Role
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.tokens import TokenService
from turnout.runtime.users import UserService
from turnout.settings import Settings


@pytest.fixture(scope="session")
def registry() -> ModuleRegistry:
    return ModuleRegistry.discover()


@contextmanager
def _dashboard(db_url: str, tmp_path: Path, registry: ModuleRegistry) -> Iterator[Dashboard]:
    app = bootstrap(Settings(home=tmp_path / "home", database_url=db_url), registry)
    app.init(ADMIN)
    users, tokens = UserService(app.unit_of_work), TokenService(app.unit_of_work)
    issued = {}
    for role, name in USERS.items():
        users.grant(name, Role(role), ADMIN)
        issued[role] = tokens.create(name, ADMIN).token
    api = create_app(app, max_upload_bytes=2_000_000)
    with TestClient(api):  # runs the lifespan once, as `turnout serve` does
        yield Dashboard(api, app, issued)
    app.close()


@pytest.fixture
def dash(sqlite_template: Path, tmp_path: Path, registry: ModuleRegistry) -> Iterator[Dashboard]:
    """On SQLite: the pages and forms are the same whatever the database."""
    shutil.copyfile(sqlite_template, tmp_path / "turnout.db")
    with _dashboard(f"sqlite:///{tmp_path / 'turnout.db'}", tmp_path, registry) as dashboard:
        yield dashboard


@pytest.fixture
def dash_both(db_url: str, tmp_path: Path, registry: ModuleRegistry) -> Iterator[Dashboard]:
    """On SQLite and PostgreSQL, for what reads runs, attempts and the lifecycle's state."""
    with _dashboard(db_url, tmp_path, registry) as dashboard:
        yield dashboard
