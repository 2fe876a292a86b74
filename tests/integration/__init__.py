"""Integration tests: persistence on real SQLite and PostgreSQL databases."""
