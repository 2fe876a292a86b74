"""Storage: SQLAlchemy tables, repositories, unit of work and Alembic migrations.

`Database(url)` is the entry point: `upgrade()` migrates, `unit_of_work()` opens a transaction
whose repositories implement the ports of `turnout.runtime.ports`.
"""

from turnout.persistence.database import Database, normalize_url
from turnout.persistence.unit_of_work import SqlUnitOfWork

__all__ = ["Database", "SqlUnitOfWork", "normalize_url"]
