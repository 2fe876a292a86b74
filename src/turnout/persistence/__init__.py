"""Storage: SQLAlchemy tables, repositories, unit of work and Alembic migrations."""
