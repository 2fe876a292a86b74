"""Naming a module class so that a fresh interpreter can import it again."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from turnout.domain.errors import ModuleUnavailable
from turnout.domain.modules import StageModule


@dataclass(frozen=True)
class ClassPath:
    """Where a module class lives: `package.module` and its qualified name inside it."""

    module: str
    qualname: str

    def __str__(self) -> str:
        return f"{self.module}:{self.qualname}"

    @classmethod
    def of(cls, module_class: type[StageModule]) -> ClassPath:
        """The path of `module_class`; `ModuleUnavailable` when a worker could not import it."""
        path = cls(module_class.__module__, module_class.__qualname__)
        fix = "define the class at the top level of an importable module to run it in a worker"
        if "<locals>" in path.qualname:
            raise ModuleUnavailable(
                f"module class `{path}` is defined inside a function, so a worker process "
                f"cannot import it by name; {fix}"
            )
        if path.module == "__main__":
            raise ModuleUnavailable(
                f"module class `{path.qualname}` is defined in the `__main__` script, which a "
                f"worker process does not import; {fix}"
            )
        try:
            found = path.load()
        except (ImportError, AttributeError) as exc:
            raise ModuleUnavailable(
                f"module class `{path}` cannot be imported by name ({exc}); {fix}"
            ) from exc
        if found is not module_class:
            raise ModuleUnavailable(
                f"`{path}` names another object than the module class given (was the class "
                f"replaced or created dynamically?); {fix}"
            )
        return path

    def load(self) -> type[StageModule]:
        """Import the module and look the class up by its qualified name."""
        found: object = importlib.import_module(self.module)
        for part in self.qualname.split("."):
            found = getattr(found, part)
        if not (isinstance(found, type) and issubclass(found, StageModule)):
            raise ImportError(f"`{self}` is not a StageModule subclass")
        return found
