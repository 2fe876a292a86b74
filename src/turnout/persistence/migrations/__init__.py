"""Alembic migrations of the Turnout schema, run through `turnout.persistence.Database.upgrade`."""

# The newest revision in versions/: every command that opens the database compares the schema
# with it, which must not import Alembic and read every migration (a third of a command's start).
# A new migration raises it; tests/integration/test_migration_head.py checks it is Alembic's head.
HEAD_REVISION = "0013"
