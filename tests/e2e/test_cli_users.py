"""`turnout users revoke NAME ROLE` from the command line: the role goes, the others stay, the
last admin keeps the admin role (exit 2, one line saying what to do), all in the audit trail."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the service runs on both
def test_an_admin_revokes_a_role_and_the_last_admin_keeps_admin(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    cli("users", "add", "ola", "--role", "operator", actor="ann", check=True)
    cli("users", "add", "ola", "--role", "reviewer", actor="ann", check=True)

    revoked = cli("users", "revoke", "ola", "operator", actor="ann", check=True)
    assert revoked.stdout.strip() == "user ola: reviewer"
    listed = cli("users", "list", "--json", actor="ann", check=True).json()
    assert {"name": "ola", "roles": ["reviewer"]} in listed
    gone = cli("users", "revoke", "ola", "reviewer", "--json", actor="ann", check=True).json()
    assert gone == {"name": "ola", "roles": []}

    last = cli("users", "revoke", "ann", "admin", actor="ann")
    assert last.code == 2
    assert "user `ann` is the last admin" in " ".join(last.stderr.split())
    refused = cli("users", "revoke", "ann", "maintainer", actor="ola")
    assert refused.code == 2 and "may not manage users" in refused.stderr

    events = cli("events", "--action", "user_revoke", "--json", actor="ann", check=True).json()
    assert [(e["actor"], e["result"]) for e in reversed(events)] == [
        ("ann", "ok"),
        ("ann", "ok"),
        ("ann", "refused"),
        ("ola", "refused"),
    ]
