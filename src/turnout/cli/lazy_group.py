"""The `turnout` group: each command's module is imported when that command is used.

A command is written where it lives as `module:attribute`, naming a Typer app (a group such as
`runs`) or a command function (such as `check`). `turnout check FILE` imports the check command's
module and nothing else; `turnout --help` lists every command from its help text alone (each
module imported, no command's options built, so no command's dependencies are loaded).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

import typer
from typer import main as typer_main
from typer.core import DEFAULT_MARKUP_MODE, TyperCommand, TyperGroup
from typer.models import CommandInfo, TyperInfo

# as `typer.Typer()` builds its commands by default (short tracebacks, suggestions on a typo)
_BUILD: dict[str, Any] = {"pretty_exceptions_short": True, "rich_markup_mode": DEFAULT_MARKUP_MODE}


def _target(reference: str) -> Any:
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _build(name: str, target: Any) -> Any:
    """The command Typer builds for `target`, as `add_typer(target, name=...)` or `command()`."""
    if isinstance(target, typer.Typer):
        info = TyperInfo(target, name=name)
        return typer_main.get_group_from_info(info, suggest_commands=True, **_BUILD)
    return typer_main.get_command_from_info(CommandInfo(name=name, callback=target), **_BUILD)


def _listing(name: str, target: Any) -> TyperCommand:
    """A stand-in carrying only what a help listing shows: the name and the help text."""
    if isinstance(target, typer.Typer):
        text = typer_main.solve_typer_info_help(TyperInfo(target, name=name))
    else:
        text = inspect.getdoc(target) or ""
    return TyperCommand(name=name, help=text)


class LazyCommands(MutableMapping[str, Any]):
    """Command name -> command, each built from its `module:attribute` when first looked up."""

    def __init__(self, references: Mapping[str, str]) -> None:
        self._references = dict(references)
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = _build(name, _target(self._references[name]))
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._references.setdefault(name, "")
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._references[name]
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._references  # without building it (Mapping's would)

    def __iter__(self) -> Iterator[str]:
        return iter(self._references)

    def __len__(self) -> int:
        return len(self._references)

    def listing(self, name: str) -> Any:
        """The built command when there is one, else a stand-in with its help text."""
        if name in self._built:
            return self._built[name]
        return _listing(name, _target(self._references[name]))


class LazyGroup(TyperGroup):
    """A TyperGroup over `LazyCommands`; while it prints its own help, the commands it lists are
    stand-ins, so that `turnout --help` builds none of them."""

    def __init__(self, *, references: Mapping[str, str], **attrs: Any) -> None:
        super().__init__(**attrs)
        self._lazy = LazyCommands(references)
        self._listing = False
        self.commands = self._lazy

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._lazy)  # the names alone (TyperGroup's would build every command)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self._lazy:
            return None
        return self._lazy.listing(cmd_name) if self._listing else self._lazy[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
