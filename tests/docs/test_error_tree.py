"""The error tree drawn in `turnout.domain.errors`' docstring is the whole tree: every subclass of
`TurnoutError` defined anywhere in the package appears in it, under its own parent, and the drawing
names no class that does not exist."""

from __future__ import annotations

import importlib
import pkgutil
import re

import turnout
from turnout.domain import errors
from turnout.domain.errors import TurnoutError

# Alembic's env.py runs only inside Alembic; nothing else is left out.
NOT_IMPORTABLE = {"turnout.persistence.migrations.env"}
TREE_LINE = re.compile(r"^(?P<indent>    (?:[│ ]   )*)(?:[├└]── )?(?P<name>[A-Z]\w+)\s")


def _import_every_module() -> None:
    for info in pkgutil.walk_packages(turnout.__path__, "turnout."):
        if info.name not in NOT_IMPORTABLE:
            importlib.import_module(info.name)


def _drawn_tree() -> dict[str, str | None]:
    """Each class name in the docstring's drawing with the name of its parent in the drawing."""
    doc = errors.__doc__ or ""
    parents: dict[str, str | None] = {}
    stack: list[str] = []
    for line in doc.splitlines():
        match = TREE_LINE.match(line)
        if not match:
            continue
        depth = (len(line) - len(line.lstrip(" │├└─")) - 4) // 4
        name = match["name"]
        del stack[depth:]
        assert name not in parents, f"{name} is drawn twice in the error tree"
        parents[name] = stack[-1] if stack else None
        stack.append(name)
    return parents


def _real_tree() -> dict[str, str | None]:
    parents: dict[str, str | None] = {"TurnoutError": None}
    pending = [TurnoutError]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if not sub.__module__.startswith("turnout."):
                continue
            parents[sub.__name__] = cls.__name__
            pending.append(sub)
    return parents


def test_the_docstring_draws_every_turnout_error_under_its_parent() -> None:
    _import_every_module()
    drawn = _drawn_tree()
    real = _real_tree()
    missing = sorted(set(real) - set(drawn))
    assert not missing, f"add to the error tree in turnout/domain/errors.py: {missing}"
    stale = sorted(set(drawn) - set(real))
    assert not stale, f"the error tree draws classes that do not exist: {stale}"
    misplaced = {name: (drawn[name], real[name]) for name in real if drawn[name] != real[name]}
    assert not misplaced, f"drawn under the wrong parent (drawn, real): {misplaced}"


def test_the_drawing_is_read_as_a_tree() -> None:
    drawn = _drawn_tree()
    assert drawn["TurnoutError"] is None
    assert drawn["RequestError"] == "TurnoutError"
    assert drawn["PageNotFound"] == "NotFound"
    assert drawn["StageTimeout"] == "ModuleError"
