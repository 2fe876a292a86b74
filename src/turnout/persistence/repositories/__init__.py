"""One repository per aggregate, each on the unit of work's connection."""

from turnout.persistence.repositories.configurations import SqlConfigurationRepository
from turnout.persistence.repositories.events import SqlEventRepository
from turnout.persistence.repositories.modules import SqlModuleRepository
from turnout.persistence.repositories.runs import SqlRunRepository
from turnout.persistence.repositories.sessions import SqlSessionRepository
from turnout.persistence.repositories.stages import SqlStageRepository
from turnout.persistence.repositories.tokens import SqlTokenRepository
from turnout.persistence.repositories.users import SqlUserRepository
from turnout.persistence.repositories.vendors import SqlVendorRepository
from turnout.persistence.repositories.work import (
    SqlJobQueue,
    SqlSourceRepository,
    SqlStageResultRepository,
)

__all__ = [
    "SqlConfigurationRepository",
    "SqlEventRepository",
    "SqlJobQueue",
    "SqlModuleRepository",
    "SqlRunRepository",
    "SqlSessionRepository",
    "SqlSourceRepository",
    "SqlStageRepository",
    "SqlStageResultRepository",
    "SqlTokenRepository",
    "SqlUserRepository",
    "SqlVendorRepository",
]
