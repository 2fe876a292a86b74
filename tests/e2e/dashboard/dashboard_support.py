"""Driving the dashboard in tests: one signed-in TestClient per role, CSRF tokens from pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.testclient import TestClient

from turnout.bootstrap import App, bundled_examples

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def example(name: str) -> tuple[str, bytes]:
    path = next(p for p in bundled_examples() if p.name == name)
    return path.name, path.read_bytes()


@dataclass
class Dashboard:
    api: FastAPI
    app: App
    tokens: dict[str, str]
    _sessions: dict[str, TestClient] = field(default_factory=dict)

    def client(self) -> TestClient:
        """A client with no session (redirects are not followed)."""
        return TestClient(self.api, follow_redirects=False)

    def session(self, role: str) -> TestClient:
        """A client signed in with `role`'s token."""
        if role not in self._sessions:
            client = self.client()
            response = client.post("/signin", data={"token": self.tokens[role]})
            assert response.status_code == 303, response.text
            self._sessions[role] = client
        return self._sessions[role]

    def csrf(self, client: TestClient, page: str = "/") -> str:
        found = CSRF.search(client.get(page).text)
        assert found, f"no CSRF token on {page}"
        return found.group(1)
