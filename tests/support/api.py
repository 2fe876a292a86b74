"""Calling the REST API in tests: a TestClient with a bearer token per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient

from turnout.bootstrap import App

ADMIN = "root"  # `turnout init` makes it admin and maintainer
USERS = {"viewer": "vic", "operator": "ola", "maintainer": "mai", "admin": "ada"}
ROLES = tuple(USERS)


@dataclass
class Api:
    """A TestClient plus the App behind it and a bearer token per role."""

    client: TestClient
    app: App
    tokens: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, role: str | None = "viewer", **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return self.client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, role: str | None = "viewer", **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, role, **kwargs)

    def post(self, path: str, role: str | None = "operator", **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, role, **kwargs)
