"""Text modules that misbehave on demand, for the process-isolation tests.

Each echoes its document's bytes as `Text` (with the `prefix` setting in front, once warmed up),
except when the document's bytes are `MISBEHAVE`: then it segfaults, exits, hangs, hoards memory
or raises. They live at module level so a worker process can import them by name.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.domain.artifacts import Artifact, Document, Text
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.domain.stages import TEXT

MISBEHAVE = b"MISBEHAVE"


def _spec(name: str, description: str) -> ModuleSpec:
    return ModuleSpec.for_stage(
        TEXT,
        module_id=f"text.{name}",
        name=name,
        version="1.0.0",
        description=description,
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "prefix": {"type": "string", "default": "", "description": "put before the text"},
                "hoard_mb": {"type": "integer", "default": 1024, "description": "MB to allocate"},
            },
        },
    )


class EchoText(StageModule):
    """Returns the document's bytes as one page of text, the `prefix` setting in front."""

    spec: ClassVar[ModuleSpec] = _spec("echo", "echoes its input")

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.prefix = str(self.settings.get("prefix", ""))
        self.warm = False

    def warm_up(self) -> None:
        self.warm = True

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        document = inputs.require(Document)
        if document.data == MISBEHAVE:
            self.misbehave()
        if not self.warm:
            raise RuntimeError("process() was called before warm_up()")
        page = f"{self.prefix}{document.data.decode()} (pid {os.getpid()}, {context.run_id})"
        return [Text(pages=(page,), method="echo")]

    def misbehave(self) -> None:
        """What the subclass does wrong; the echo module does nothing wrong."""


class SegfaultingText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("segfault", "reads address 0")

    def misbehave(self) -> None:
        ctypes.string_at(0)


class ExitingText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("exits", "calls os._exit(3)")

    def misbehave(self) -> None:
        os._exit(3)


class HangingText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("hangs", "sleeps for an hour")

    def misbehave(self) -> None:
        time.sleep(3600)


class HoardingText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("hoards", "allocates `hoard_mb` megabytes")

    def misbehave(self) -> None:
        hoard = bytearray(int(self.settings.get("hoard_mb", 1024)) * 1024 * 1024)
        raise AssertionError(f"allocated {len(hoard)} bytes beyond the memory limit")


class NotAPdf(InputRejected):
    """A module's own refinement of a domain error."""


class RejectingText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("rejects", "rejects its input")

    def misbehave(self) -> None:
        raise NotAPdf("the document is not a PDF; send the invoice as a PDF")


class UnpicklableError(Exception):
    """Cannot cross a process boundary: two constructor arguments and a lock."""

    def __init__(self, what: str, code: int) -> None:
        super().__init__(f"{what} failed with code {code}")
        self.lock = threading.Lock()


class RaisingUnpicklableText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("unpicklable", "raises an exception that cannot be pickled")

    def misbehave(self) -> None:
        raise UnpicklableError("the native decoder", 42)


class FailingWarmUpText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("cold", "cannot warm up")

    def warm_up(self) -> None:
        raise FileNotFoundError("model file /nonexistent/model.bin is missing")


class SlowWarmUpText(EchoText):
    spec: ClassVar[ModuleSpec] = _spec("slow", "takes five seconds to warm up")

    def warm_up(self) -> None:
        time.sleep(5)
        super().warm_up()
