"""Alembic revisions, one file each; Alembic ignores this file."""
