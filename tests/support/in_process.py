"""Run a `turnout` command inside the test's process, as a process of its own would run it.

Starting the console script costs about 0.85 s of CPU, nearly all of it imports, and the
end-to-end tests run hundreds of commands. `run_turnout` calls what the console script calls,
`turnout.cli.app.main(argv)`, giving the command what its own process would have had and putting
back everything it changed:

- the environment: exactly the call's (`os.environ` is replaced for the call and restored after,
  so what a command sets, as `quiet_dependencies` does, does not outlive it);
- the working directory, `sys.argv`;
- stdin at end of file (/dev/null); stdout and stderr into buffers that are not terminals, as
  pipes are, decoded as `subprocess.run(text=True)` decodes a pipe;
- the consoles `turnout.cli.common` builds when it is imported (Rich reads COLUMNS, the terminal
  and the colour system when a console is built): built again, by that module's own code, under
  the call's environment and streams, and put back after;
- logging as in a fresh interpreter: no handler on the root logger (a warning reaches stderr
  through logging's last resort), level WARNING; warnings filtered by Python's defaults and
  printed on stderr (after the command's own output);
- the application the command wired (settings, database, runner; reaping done once a process):
  closed and forgotten after the call (`turnout.cli.common.close_app`), as the process's end
  would; the signal handlers put back; a thread the command leaves running fails the call;
- the exit code `run()` would exit with: `main`'s result, or a `SystemExit`'s code.

What is about the process itself (workers, signals, leases of a dead process, servers, start-up
imports, packaging) runs the real console script instead: see the `real_process` marker.
"""

from __future__ import annotations

import importlib.util
import io
import locale
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from turnout.authoring.quiet import NOISY_LOGGERS
from turnout.cli import common
from turnout.cli.app import main

TURNOUT = Path(sys.executable).parent / "turnout"
_THREAD_GRACE_S = 10.0  # how long a thread the command started may take to end after it
_SIGNALS = [
    s for s in signal.Signals if s not in (signal.SIGKILL, signal.SIGSTOP) and s < signal.NSIG
]
# Python's default warning filters (no -W, not in development mode), first match first
_DEFAULT_FILTERS = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
)


class _Pipe(io.TextIOWrapper):
    """What a command's stdout or stderr is when piped: text over bytes, not a terminal."""

    def __init__(self, *, line_buffering: bool) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", line_buffering=line_buffering)

    def text(self) -> str:
        """What was written, as the reading end of `subprocess.run(text=True)` decodes it."""
        self.flush()
        raw = self.buffer.getvalue()  # type: ignore[attr-defined]
        decoded: str = raw.decode(locale.getpreferredencoding(False))
        return decoded.replace("\r\n", "\n").replace("\r", "\n")


def run_turnout_process(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float = 120
) -> tuple[int, str, str]:
    """`turnout ARGS` run by the console script in a process of its own: (exit code, stdout,
    stderr), what `run_turnout` gives in this process."""
    done = subprocess.run(
        [str(TURNOUT), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )
    return done.returncode, done.stdout, done.stderr


def run_turnout(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> tuple[int, str, str]:
    """`turnout ARGS` in this process with environment `env` in `cwd`: (exit code, stdout,
    stderr), as the console script's process would give them."""
    out, err = _Pipe(line_buffering=False), _Pipe(line_buffering=True)
    with ExitStack() as stack:
        stack.enter_context(_environment(env))
        stack.enter_context(_working_directory(cwd))
        stack.enter_context(_streams(out, err, [str(TURNOUT), *args]))
        stack.enter_context(_fresh_consoles())
        stack.enter_context(_fresh_logging())
        stack.enter_context(_signal_handlers())
        stack.enter_context(_threads_end(args))
        shown = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.resetwarnings()
        for action, category, module in _DEFAULT_FILTERS[::-1]:
            warnings.filterwarnings(action, category=category, module=module)  # type: ignore[arg-type]
        stack.callback(common.close_app)  # first of all: as the process ends
        code = _exit_code(args)
    for warning in shown:
        err.write(
            warnings.formatwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
        )
    return code, out.text(), err.text()


def _exit_code(args: Sequence[str]) -> int:
    """The code `sys.exit(main())` leaves the process with."""
    try:
        return main(list(args))
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _working_directory(cwd: Path) -> Iterator[None]:
    saved = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved)


@contextmanager
def _streams(out: _Pipe, err: _Pipe, argv: list[str]) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr, sys.argv
    with Path(os.devnull).open(encoding="utf-8") as stdin:
        sys.stdin, sys.stdout, sys.stderr, sys.argv = stdin, out, err, argv
        try:
            yield
        finally:
            out.flush()
            err.flush()
            sys.stdin, sys.stdout, sys.stderr, sys.argv = saved


@contextmanager
def _fresh_consoles() -> Iterator[None]:
    """`turnout.cli.common`'s consoles as its import in this process would build them now.

    The commands' modules hold the two console objects themselves, so the objects stay and their
    state is swapped for that of consoles built by the module's own code, run again."""
    spec = importlib.util.find_spec(common.__name__)
    assert spec is not None and spec.loader is not None
    again = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(again)
    swapped = [(common.console, again.console), (common.err_console, again.err_console)]
    saved = [dict(vars(console)) for console, _ in swapped]
    for console, fresh in swapped:
        vars(console).clear()
        vars(console).update(vars(fresh))
    try:
        yield
    finally:
        for (console, _), state in zip(swapped, saved, strict=True):
            vars(console).clear()
            vars(console).update(state)


@contextmanager
def _fresh_logging() -> Iterator[None]:
    """No handler on the root logger, level WARNING; after the call every logger that existed
    before it (and those the command quiets) is as it was."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name)  # created now, so that the level the command gives is undone
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [
        (logger, logger.level, logger.handlers[:], logger.filters[:], logger.propagate)
        for logger in loggers
    ]
    disabled = {logger: logger.disabled for logger in loggers}
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level, handlers, filters, propagate in saved:
            logger.handlers[:] = handlers
            logger.filters[:] = filters
            logger.propagate = propagate
            logger.disabled = disabled[logger]
            logger.setLevel(level)


@contextmanager
def _signal_handlers() -> Iterator[None]:
    saved: dict[signal.Signals, Any] = {s: signal.getsignal(s) for s in _SIGNALS}
    try:
        yield
    finally:
        for number, handler in saved.items():
            if handler is not None and signal.getsignal(number) is not handler:
                signal.signal(number, handler)


@contextmanager
def _threads_end(args: Sequence[str]) -> Iterator[None]:
    """The threads a command starts end with it (its process would end them)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + _THREAD_GRACE_S
    left = [t for t in threading.enumerate() if t not in before]
    for thread in left:
        thread.join(max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in left if t.is_alive()]
    assert not alive, f"`turnout {' '.join(args)}` left threads running: {alive}"
