"""`turnout init` with TURNOUT_DATABASE_OWNER_URL on PostgreSQL: the owner role migrates and owns
the tables; the application's role (TURNOUT_DATABASE_URL, created by init) reads and writes rows
but cannot TRUNCATE the audit trail, disable its triggers, delete from it or replace its guard.

The test server's `postgres` is a superuser, which bypasses privileges: the refusals are checked
connected as the application's role."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from conftest import PostgresServer
from support.in_process import TURNOUT, run_turnout
from support.tamper import TABLE, tamper
from turnout.bootstrap import bundled_examples

pytestmark = pytest.mark.postgres


@pytest.fixture
def owned_database(pg_server: PostgresServer) -> Iterator[tuple[str, str]]:
    """(owner URL, application URL) of a new database, the application's role not created yet."""
    name = pg_server.create_database("turnout_test_roles")
    role = f"turnout_app_{secrets.token_hex(4)}"
    owner_url = pg_server.url(name)
    app_url = owner_url.replace("//postgres@", f"//{role}@", 1)
    assert app_url != owner_url, "the test server URL must name the user postgres"
    try:
        yield owner_url, app_url
    finally:
        pg_server.drop_database(name)
        pg_server.admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def _turnout(
    tmp_path: Path, owner_url: str, app_url: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """`turnout ARGS` with these roles: in the test's process, `turnout worker` as a real one."""
    env = {
        **os.environ,
        "TURNOUT_HOME": str(tmp_path / "home"),
        "TURNOUT_DATABASE_URL": app_url,
        "TURNOUT_DATABASE_OWNER_URL": owner_url,
        "TURNOUT_ACTOR": "ann",
    }
    if args[0] != "worker":
        return subprocess.CompletedProcess(args, *run_turnout(args, env, tmp_path))
    return subprocess.run(
        [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )


def test_the_application_role_cannot_empty_the_audit_trail(
    owned_database: tuple[str, str], tmp_path: Path
) -> None:
    owner_url, app_url = owned_database
    init = _turnout(tmp_path, owner_url, app_url, "init")
    assert init.returncode == 0, init.stderr
    example = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")
    processed = _turnout(tmp_path, owner_url, app_url, "process", str(example), "--json")
    assert processed.returncode == 0, processed.stderr
    submitted = _turnout(tmp_path, owner_url, app_url, "submit", str(example), "--again")
    assert submitted.returncode == 0, submitted.stderr  # Procrastinate's tables work too
    worked = _turnout(tmp_path, owner_url, app_url, "worker", "--until-empty")
    assert worked.returncode == 0, worked.stderr

    with psycopg.connect(app_url, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() != ("postgres",)
        assert conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] > 0  # type: ignore[index]
        queued = conn.execute("SELECT status FROM runs WHERE origin = 'queue'").fetchall()
        assert len(queued) == 1 and queued[0][0] != "queued", (submitted.stdout, worked.stderr)
        for statement in (
            f"TRUNCATE {TABLE}",
            f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
            f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only",
            f"DELETE FROM {TABLE}",
            f"UPDATE {TABLE} SET actor = 'mallory'",
            f"DROP TABLE {TABLE}",
            "CREATE OR REPLACE FUNCTION turnout_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
            "TRUNCATE module_selections CASCADE",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)

    verified = _turnout(tmp_path, owner_url, app_url, "events", "verify")
    assert verified.returncode == 0, verified.stderr
    tamper(owner_url, f"DELETE FROM {TABLE} WHERE event_id = (SELECT min(event_id) FROM {TABLE})")
    broken = _turnout(tmp_path, owner_url, app_url, "events", "verify")
    assert broken.returncode == 3 and "events before it were deleted" in broken.stderr


def test_init_refuses_an_application_role_that_could_still_truncate(
    owned_database: tuple[str, str], pg_server: PostgresServer, tmp_path: Path
) -> None:
    owner_url, app_url = owned_database
    same = _turnout(tmp_path, owner_url, owner_url, "init")
    assert same.returncode != 0 and "both connect as `postgres`" in " ".join(same.stderr.split())
    role = app_url.split("//", 1)[1].split("@", 1)[0]
    pg_server.admin.execute(f'CREATE ROLE "{role}" LOGIN SUPERUSER')
    superuser = _turnout(tmp_path, owner_url, app_url, "init")
    assert superuser.returncode != 0
    assert "is a superuser, which bypasses every privilege" in " ".join(superuser.stderr.split())


def test_an_earlier_single_role_set_up_is_handed_to_the_owner(
    owned_database: tuple[str, str], pg_server: PostgresServer, tmp_path: Path
) -> None:
    owner_url, app_url = owned_database
    role = app_url.split("//", 1)[1].split("@", 1)[0]
    database = owner_url.rsplit("/", 1)[1]
    pg_server.admin.execute(f'CREATE ROLE "{role}" LOGIN')
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute(f'GRANT CREATE ON SCHEMA public TO "{role}"')
    alone = _turnout(tmp_path, "", app_url, "init")  # the application's role creates everything
    assert alone.returncode == 0, alone.stderr
    assert "could TRUNCATE the audit trail" in " ".join(alone.stderr.split())
    handed = _turnout(tmp_path, owner_url, app_url, "init")
    assert handed.returncode == 0, handed.stderr
    with psycopg.connect(app_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"TRUNCATE {TABLE}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP FUNCTION turnout_refuse_change() CASCADE")
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
        ).fetchall()
    assert owners == [("postgres",)], database
    verified = _turnout(tmp_path, owner_url, app_url, "events", "verify")
    assert verified.returncode == 0, verified.stderr
