"""`turnout tokens create|revoke` and `turnout serve --help` from the command line."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from turnout.cli.app import main
from turnout.persistence import normalize_url
from turnout.runtime.tokens import hash_token


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the API tests cover PostgreSQL
def test_an_admin_creates_and_revokes_a_token_printed_only_once(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    cli("users", "add", "vic", "--role", "viewer", actor="ann", check=True)
    created = cli("tokens", "create", "vic", actor="ann", check=True)
    first_line, token = created.stdout.strip().splitlines()[-2:]
    token_id = first_line.split()[1]
    assert len(token) >= 43 and "shown only now" in first_line

    engine = create_engine(normalize_url(db_url))
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    finally:
        engine.dispose()
    assert stored == hash_token(token) and stored != token

    revoked = cli("tokens", "revoke", token_id, "--json", actor="ann", check=True).json()
    assert revoked["user"] == "vic" and revoked["revoked_at"] is not None
    assert token not in str(revoked)


def test_serve_is_a_command_with_host_and_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "--max-upload-mb" in out
