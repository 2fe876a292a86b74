"""The one place that talks to RapidOCR: load its ONNX models once, read the text boxes of an image.

`rapidocr_onnxruntime` ships its detection, direction and recognition models inside the wheel
(`rapidocr_onnxruntime/models/*.onnx`), so nothing is downloaded at run time. It is imported when
first used, so that importing Turnout never imports onnxruntime, and a missing install is
reported by `load_rapidocr` with a hint. One engine is shared by the whole process; RapidOCR keeps
per-call state on the engine (its score threshold), so calls are serialised by a lock.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from PIL import Image

from turnout.domain.errors import ModuleUnavailable
from turnout.runtime.quiet import quiet_loggers, telemetry_off

_INSTALL_HINT = "install it with `pip install rapidocr-onnxruntime` (it brings onnxruntime)"
# RapidOCR scales an image whose longer side exceeds this down before reading it; 2000 px keeps
# an A4 page near 170 DPI, which reads invoices well at about two seconds a page on one core.
MAX_SIDE_PX = 2000
_ORT_ERROR = 3  # onnxruntime's log severities: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal


@dataclass(frozen=True)
class OcrBox:
    """One piece of text found on an image, its box in pixels (origin top-left) and its score."""

    left: float
    top: float
    right: float
    bottom: float
    text: str
    score: float


def load_rapidocr() -> ModuleType:
    """Import onnxruntime and rapidocr_onnxruntime, or raise `ModuleUnavailable` with a hint;
    with onnxruntime's telemetry off and both packages' logging down to errors."""
    telemetry_off()  # before the import, which would create onnxruntime's queue in $HOME
    modules: list[ModuleType] = []
    for name in ("onnxruntime", "rapidocr_onnxruntime"):
        try:
            modules.append(importlib.import_module(name))
        except ImportError as exc:
            raise ModuleUnavailable(
                f"`{name}` cannot be imported ({exc}); {_INSTALL_HINT}"
            ) from exc
    onnxruntime, rapidocr = modules
    onnxruntime.disable_telemetry_events()
    onnxruntime.set_default_logger_severity(_ORT_ERROR)  # its C++ log writes to fd 2 itself
    quiet_loggers()  # RapidOCR's loggers set themselves to DEBUG when it is imported
    return rapidocr


class OcrEngine:
    """A loaded RapidOCR engine; `read` is safe to call from several threads (one at a time)."""

    def __init__(self) -> None:
        rapidocr = load_rapidocr()
        # score filtering is ours (the module's `min_confidence`), so the engine keeps every box
        self._engine: Any = rapidocr.RapidOCR(text_score=0.0, max_side_len=MAX_SIDE_PX)
        self._lock = threading.Lock()

    def read(self, image: Image.Image) -> list[OcrBox]:
        """The text boxes RapidOCR finds on `image`, in no particular order."""
        rgb = image.convert(
            "RGB"
        )  # RapidOCR turns a PIL image to BGR itself, an array it would not
        with self._lock:
            result, _elapsed = self._engine(rgb)
        return [_box(points, text, score) for points, text, score in result or ()]


_shared: OcrEngine | None = None
_shared_lock = threading.Lock()


def shared_engine() -> OcrEngine:
    """The process's one engine, loaded on first use (concurrent first calls load it once)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = OcrEngine()
        return _shared


def _box(points: Any, text: Any, score: Any) -> OcrBox:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return OcrBox(min(xs), min(ys), max(xs), max(ys), str(text), float(score))
