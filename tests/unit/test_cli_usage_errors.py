"""Every command of `turnout`, found from the command group itself, answers a usage error (an unknown
option, a missing argument, a bad value) with one line naming the problem and the right usage,
and exit 2: never a traceback. Parsing fails before any database is opened, so `main()` runs
in this process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from turnout.cli.app import app, main


def _commands() -> Iterator[tuple[tuple[str, ...], object]]:
    """(path, click command) of every leaf command and of every group that runs on its own."""
    root = app  # the root group; walking its commands builds every one of them

    def walk(path: tuple[str, ...], command: object) -> Iterator[tuple[tuple[str, ...], object]]:
        subcommands = getattr(command, "commands", None)
        runs_alone = subcommands is None or getattr(command, "invoke_without_command", False)
        if path and runs_alone:
            yield path, command
        for name, sub in sorted((subcommands or {}).items()):
            yield from walk((*path, name), sub)

    yield from walk((), root)


COMMANDS = dict(_commands())


def _params(command: object) -> list[object]:
    return [p for p in getattr(command, "params", []) if p.name != "help"]


def _required_arguments(command: object) -> list[object]:
    return [p for p in _params(command) if p.param_type_name == "argument" and p.required]


def _typed_option(command: object) -> object | None:
    """An option that takes a value which can be wrong (a number, a choice)."""
    for p in _params(command):
        if p.param_type_name != "option" or p.is_flag:
            continue
        kind = getattr(p, "type_descriptor", None)
        annotation = str(getattr(kind, "annotation", ""))
        if getattr(kind, "is_choice", False) or any(
            t in annotation for t in ("int", "float", "RunStatus")
        ):
            return p
    return None


def _filler(command: object) -> list[str]:
    """Plausible values for the required arguments, so the option's error is the one found."""
    return ["1" for _ in _required_arguments(command)]


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.err


def _assert_usage_error(code: int, err: str, path: tuple[str, ...], what: str) -> None:
    assert code == 2, f"turnout {' '.join(path)} with {what} exited {code}: {err}"
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) <= 3, f"{what}: {len(lines)} lines on stderr:\n{err}"
    assert err.startswith("error: "), err
    assert f"Usage: turnout {' '.join(path)}" in " ".join(err.split()), err


@pytest.fixture(autouse=True)
def _no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a case ever get past parsing, it meets an empty home, never a real database."""
    monkeypatch.setenv("TURNOUT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TURNOUT_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setenv("COLUMNS", "300")


def test_the_app_has_the_commands_we_know() -> None:
    assert {("process",), ("config", "diff"), ("runs",), ("runs", "show")} <= set(COMMANDS)
    assert len(COMMANDS) >= 25


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_unknown_option(capsys: pytest.CaptureFixture[str], path: tuple[str, ...]) -> None:
    command = COMMANDS[path]
    code, err = _run(capsys, [*path, *_filler(command), "--no-such-option"])
    _assert_usage_error(code, err, path, "an unknown option")
    assert "--no-such-option" in err


@pytest.mark.parametrize(
    "path", sorted(p for p, c in COMMANDS.items() if _required_arguments(c)), ids=" ".join
)
def test_missing_argument(capsys: pytest.CaptureFixture[str], path: tuple[str, ...]) -> None:
    code, err = _run(capsys, list(path))
    _assert_usage_error(code, err, path, "a missing argument")
    assert "Missing argument" in err


@pytest.mark.parametrize(
    "path", sorted(p for p, c in COMMANDS.items() if _typed_option(c)), ids=" ".join
)
def test_bad_value(capsys: pytest.CaptureFixture[str], path: tuple[str, ...]) -> None:
    command = COMMANDS[path]
    option = _typed_option(command)
    flag = max(option.opts, key=len)  # type: ignore[attr-defined]
    code, err = _run(capsys, [*path, flag, "not-a-value", *_filler(command)])
    _assert_usage_error(code, err, path, f"a bad value for {flag}")
    assert flag in err and "Invalid value" in err


def test_a_version_that_is_not_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, ["config", "diff", "8", "active"])
    _assert_usage_error(code, err, ("config", "diff"), "a version named active")
    assert "valid integer" in err


def test_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, ["no-such-command"])
    _assert_usage_error(code, err, (), "an unknown command")
    assert "no-such-command" in err
