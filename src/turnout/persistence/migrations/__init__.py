"""Alembic migrations of the Turnout schema, run through `turnout.persistence.Database.upgrade`."""
