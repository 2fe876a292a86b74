"""PostgreSQL roles: an owner role migrates, the application's role only reads and writes rows.

The owner (TURNOUT_DATABASE_OWNER_URL) owns every table, sequence and function; the application's
role (TURNOUT_DATABASE_URL) gets SELECT, INSERT, UPDATE and DELETE, and only SELECT and INSERT on
the insert-only tables. Not owning a table, it cannot TRUNCATE it, ALTER it (DISABLE TRIGGER) or
replace the trigger functions guarding it: the audit trail cannot be quietly emptied with the
credentials the application runs with.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from turnout.domain.errors import StorageError
from turnout.persistence.database import Database

# Rows that are never updated nor deleted (their triggers refuse too, migration 0001).
INSERT_ONLY = ("configuration_change_events", "module_selections", "fallback_policies")
AUDIT_TABLE = "configuration_change_events"


def grant_runtime_role(owner: Database, runtime: URL) -> str:
    """Make the owner's role own Turnout's objects and give `runtime`'s role row access only.

    Idempotent: `turnout init` runs it after every upgrade, so new tables get their grants.
    Returns the runtime role's name."""
    role = runtime.username or ""
    with owner.engine.connect() as conn, conn.begin():
        me, database = conn.execute(text("SELECT current_user, current_database()")).one()
        _check(conn, role, str(me), str(database), runtime)
        _ensure_login(conn, role, runtime.password)
        _refuse_powerful(conn, role, str(me), str(database))
        _take_ownership(conn, str(me))
        _grant(conn, _quoted(conn, role))
    return role


def runtime_can_truncate_audit(database: Database) -> bool:
    """Whether the role `database` connects as may TRUNCATE the audit trail (owner or
    superuser): what a single-role PostgreSQL set-up leaves open."""
    with database.engine.connect() as conn:
        allowed = conn.execute(
            text("SELECT has_table_privilege(current_user, :t, 'TRUNCATE')"), {"t": AUDIT_TABLE}
        ).scalar_one()
    return bool(allowed)


def _check(conn: Connection, role: str, me: str, database: str, runtime: URL) -> None:
    if not role:
        raise StorageError(
            "TURNOUT_DATABASE_URL names no user; write it as postgresql://turnout_app@host/db so "
            "that Turnout runs as a role of its own"
        )
    if role == me:
        raise StorageError(
            f"TURNOUT_DATABASE_URL and TURNOUT_DATABASE_OWNER_URL both connect as `{role}`; "
            "the application needs a role of its own (e.g. turnout_app) that does not own the "
            "tables"
        )
    if runtime.database != database:
        raise StorageError(
            f"TURNOUT_DATABASE_OWNER_URL opens database `{database}` but TURNOUT_DATABASE_URL "
            f"opens `{runtime.database}`; point both at the same database"
        )


def _ensure_login(conn: Connection, role: str, password: str | None) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists:
        return
    statement = f"CREATE ROLE {_quoted(conn, role)} LOGIN"
    if password:
        statement += " PASSWORD " + _literal(password)
    try:
        with conn.begin_nested():
            conn.execute(text(statement))
    except DBAPIError as exc:
        raise StorageError(
            f"the role `{role}` of TURNOUT_DATABASE_URL does not exist and the owner cannot "
            f"create it ({exc.orig}); create it as a superuser: CREATE ROLE {role} LOGIN "
            "PASSWORD '...', then run `turnout init` again"
        ) from exc


def _refuse_powerful(conn: Connection, role: str, me: str, database: str) -> None:
    row = conn.execute(
        text(
            "SELECT r.rolsuper, pg_has_role(r.oid, :me, 'MEMBER'), "
            "pg_has_role(r.oid, d.datdba, 'MEMBER') "
            "FROM pg_roles r, pg_database d WHERE r.rolname = :r AND d.datname = :db"
        ),
        {"r": role, "me": me, "db": database},
    ).one()
    superuser, member_of_owner, owns_database = row
    why = (
        "is a superuser, which bypasses every privilege"
        if superuser
        else f"is a member of the owner role `{me}`"
        if member_of_owner
        else f"owns the database `{database}` (and its public schema), so it may drop any table"
        if owns_database
        else None
    )
    if why:
        raise StorageError(
            f"the application's role `{role}` {why}: it could still empty the audit trail. Give "
            f"Turnout a plain role (CREATE ROLE turnout_app LOGIN PASSWORD '...'), make the owner "
            f"own the database (ALTER DATABASE {database} OWNER TO {me}) and run `turnout init` "
            "again"
        )


def _take_ownership(conn: Connection, me: str) -> None:
    """Objects an earlier single-role set-up created as the application's role move to the owner."""
    owned_elsewhere = conn.execute(
        text(
            # ::text: a function's signature may be longer than `name` (63 bytes)
            "SELECT 'TABLE', c.relname::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') "
            "AND pg_get_userbyid(c.relowner) <> :me "
            "UNION ALL SELECT 'SEQUENCE', c.relname::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
            "AND c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
            "AND d.deptype IN ('a', 'i')) AND pg_get_userbyid(c.relowner) <> :me "
            "UNION ALL SELECT 'FUNCTION', p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
            "AND pg_get_userbyid(p.proowner) <> :me"
        ),
        {"me": me},
    ).all()
    for kind, name in owned_elsewhere:
        target = name if kind == "FUNCTION" else _quoted(conn, name)
        try:
            with conn.begin_nested():
                conn.execute(text(f"ALTER {kind} {target} OWNER TO CURRENT_USER"))
        except DBAPIError as exc:
            raise StorageError(
                f"{kind.lower()} {name} belongs to another role and the owner `{me}` cannot take "
                f"it ({exc.orig}); as a superuser run REASSIGN OWNED BY <its owner> TO {me}, then "
                "`turnout init` again"
            ) from exc


def _grant(conn: Connection, role: str) -> None:
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        *(f"REVOKE UPDATE, DELETE ON {t} FROM {role}" for t in INSERT_ONLY),
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role}",
    ]
    for statement in statements:
        conn.execute(text(statement))


def _quoted(conn: Connection, identifier: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(identifier)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
