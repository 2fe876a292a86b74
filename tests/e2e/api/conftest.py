"""The REST API over a real, initialised database, with one token per role.

`api.get("/api/v1/modules", role="viewer")` calls as the user holding that role's token.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.api import ADMIN, USERS, Api
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


@pytest.fixture
def api(db_url: str, tmp_path: Path, registry: ModuleRegistry) -> Iterator[Api]:
    app = bootstrap(Settings(home=tmp_path / "home", database_url=db_url), registry)
    app.init(ADMIN)
    users, tokens = UserService(app.unit_of_work), TokenService(app.unit_of_work)
    issued = {}
    for role, name in USERS.items():
        users.grant(name, Role(role), ADMIN)
        issued[role] = tokens.create(name, ADMIN).token
    with TestClient(create_app(app, max_upload_bytes=2_000_000)) as client:
        yield Api(client, app, issued)
    app.close()
