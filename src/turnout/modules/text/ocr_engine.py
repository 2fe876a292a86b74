"""The one place that talks to RapidOCR: load its ONNX models once, read the text boxes of a page.

`rapidocr_onnxruntime` ships its detection, direction and recognition models inside the wheel
(`rapidocr_onnxruntime/models/*.onnx`), so nothing is downloaded at run time. It is imported when
first used, so that importing Turnout never imports onnxruntime, and a missing install is
reported by `load_rapidocr` with a hint. One engine is shared by the whole process; calls are
serialised by a lock (one call already keeps the cores busy: the detector's session has a thread
a core, and the recogniser one single-threaded session a core, run side by side).

A page is read in three steps, each cheaper than RapidOCR's own pipeline:

1. the blank margins are cut off (ink found on a 4x smaller copy of the page);
2. text boxes are detected on the content scaled to `DET_SIDE_PX` on its longer side (the
   detector finds the lines of a page as well at ~110 DPI as at 200, in a third of the time);
3. each box is cut from the page at full resolution, brought to the recogniser's line height
   (bicubic: RapidOCR's own bilinear scaling blurs the gaps between words away) and recognised
   as it is, never padded to a wider neighbour (see `_recognise`).

The direction model runs on a few of the widest boxes only, to tell an upside-down page from an
upright one; a page whose lines stand upright (a landscape page scanned sideways) is turned a
quarter first. A turned page is read as turned, and `PageRead.turned` says by how much.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from PIL import Image

from turnout.authoring import ModuleUnavailable, quiet_loggers, telemetry_off

_INSTALL_HINT = "install it with `pip install rapidocr-onnxruntime` (it brings onnxruntime)"
# the largest page side read: a larger page is scaled down to this before anything else (A4 at
# 2000 px is ~170 DPI, small print stays readable)
MAX_SIDE_PX = 2000
# the longer side of the content the text detector sees: 1280 px find the boxes of 200 DPI pages
# as well as 2000 px did (same words read), in about a third of the detector's time
DET_SIDE_PX = 1280
_INK = 200  # a grey level below this is ink: the margins are what is lighter
_MARGIN_PX = 8  # kept around the ink, so that the detector sees each box's edges
_REC_HEIGHT = 48  # the height of the lines the recognition model reads (RapidOCR's rec_img_shape)
_MIN_LINE_PX = 96  # the narrowest line the recogniser is given (RapidOCR pads to 320)
_REC_BATCH = 16  # lines of one width read in one run of the recogniser
_DIRECTION_SAMPLE = 8  # boxes the direction model reads to tell an upside-down page
_UPSIDE_DOWN_SCORE = 0.9  # the direction model's score for a box to count as upside down
_ORT_ERROR = 3  # onnxruntime's log severities: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal


@dataclass(frozen=True)
class OcrBox:
    """One piece of text found on a page, its box in pixels (origin top-left) and its score."""

    left: float
    top: float
    right: float
    bottom: float
    text: str
    score: float


@dataclass(frozen=True)
class PageRead:
    """The boxes read on a page, in the pixels of the page as it was read.

    `turned` is how many degrees (0, 90, 180 or 270, counter-clockwise) the page was turned to
    stand upright before it was read; `width` and `height` are the turned page's.
    """

    boxes: tuple[OcrBox, ...]
    width: int
    height: int
    turned: int = 0


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
        # the page is scaled for the detector here; "max" keeps the detector from scaling it up
        self._engine.text_det.limit_type = "max"
        config = _model_config()  # the models' paths, read once for all the sessions
        _tune_sessions(self._engine, config)
        self._readers = _readers(self._engine, config)
        self._lock = threading.Lock()

    def read(self, image: Image.Image) -> PageRead:
        """The text boxes on `image`, in no particular order, turned upright if it is not."""
        page = image.convert("L")
        with self._lock:
            found, page, turned = self._upright(page)
            if found is None:
                return PageRead((), page.width, page.height, turned)
            texts = _recognise(self._readers, found.crops)
        boxes = tuple(
            OcrBox(left, top, right, bottom, str(result[0]), float(result[1]))
            for (left, top, right, bottom), result in zip(found.bounds, texts, strict=True)
        )
        return PageRead(boxes, page.width, page.height, turned)

    def _upright(self, page: Image.Image) -> tuple[_Detected | None, Image.Image, int]:
        """The boxes of `page` turned upright, the turned page and the degrees it was turned.

        A page whose lines stand upright is turned a quarter, and kept so only if its lines then
        lie down (a column of short cells can look like standing lines); then a page the
        direction model reads as upside down is turned a half.
        """
        turned = 0
        found = self._detect(page)
        if found is not None and _standing(found):
            quarter = page.transpose(Image.Transpose.ROTATE_90)
            found_quarter = self._detect(quarter)
            if found_quarter is not None and not _standing(found_quarter):
                page, found, turned = quarter, found_quarter, 90
        if found is not None and self._upside_down(found):
            page = page.transpose(Image.Transpose.ROTATE_180)
            found = self._detect(page)
            turned = (turned + 180) % 360
        return found, page, turned

    def _detect(self, page: Image.Image) -> _Detected | None:
        import numpy as np  # here, not at import: importing Turnout stays light

        content = _content_box(page)
        if content is None:
            return None
        left, top = content[:2]
        region = page.crop(content)
        scale = min(1.0, DET_SIDE_PX / max(region.size))
        small = region
        if scale < 1.0:
            size = (max(1, round(region.width * scale)), max(1, round(region.height * scale)))
            small = region.resize(size, Image.Resampling.BOX)
        quads, _elapsed = self._engine.text_det(_bgr(small))
        if quads is None or len(quads) == 0:
            return None
        quads = [np.asarray(q, dtype=np.float32) / scale for q in self._engine.sorted_boxes(quads)]
        crops = [_line_height(crop) for crop in self._engine.get_crop_img_list(_bgr(region), quads)]
        bounds = [
            (
                float(q[:, 0].min()) + left,
                float(q[:, 1].min()) + top,
                float(q[:, 0].max()) + left,
                float(q[:, 1].max()) + top,
            )
            for q in quads
        ]
        return _Detected(crops, bounds)

    def _upside_down(self, found: _Detected) -> bool:
        """Whether the direction model reads most of the page's widest boxes as upside down."""
        # the widest boxes say the most; RapidOCR turned tall crops a quarter already
        sample = sorted(found.crops, key=lambda crop: -crop.shape[1] / max(crop.shape[0], 1))
        sample = sample[:_DIRECTION_SAMPLE]
        if not sample:
            return False
        _crops, labels, _elapsed = self._engine.text_cls(list(sample))
        upside_down = sum(
            1 for label, score in labels if label == "180" and score >= _UPSIDE_DOWN_SCORE
        )
        return upside_down * 3 >= len(sample) * 2


def _standing(found: _Detected) -> bool:
    """Whether more of the page's clearly long boxes stand upright than lie down."""
    wide = tall = 0
    for left, top, right, bottom in found.bounds:
        width, height = right - left, bottom - top
        wide += width >= 3 * height
        tall += height >= 3 * width
    return tall > wide


@dataclass(frozen=True)
class _Detected:
    crops: Sequence[Any]  # one BGR array a box, cut from the page at full resolution
    bounds: Sequence[tuple[float, float, float, float]]  # each box's edges in page pixels


def _content_box(page: Image.Image) -> tuple[int, int, int, int] | None:
    """The part of `page` that has ink, with a margin; None for a blank page."""
    import numpy as np

    factor = 4 if min(page.size) >= 4 * 64 else 1
    small = page.reduce(factor) if factor > 1 else page
    ink = np.asarray(small) < _INK
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return None
    columns = np.flatnonzero(ink.any(axis=0))
    left = max(0, int(columns[0]) * factor - _MARGIN_PX)
    top = max(0, int(rows[0]) * factor - _MARGIN_PX)
    right = min(page.width, (int(columns[-1]) + 1) * factor + _MARGIN_PX)
    bottom = min(page.height, (int(rows[-1]) + 1) * factor + _MARGIN_PX)
    return left, top, right, bottom


def _recognise(readers: _Readers, crops: Sequence[Any]) -> list[tuple[str, float]]:
    """The text and score of each crop (all `_REC_HEIGHT` px high), in the order given.

    RapidOCR batches six lines of similar shape and pads each to the widest of its batch. The
    recogniser attends across the whole line, so the padding costs time (the model reads it like
    ink) and changes what is read: lines of exactly one width go through the model together
    here, so that no line is padded beyond `_MIN_LINE_PX` (on 10 corpus pages 20-30 % less of
    the recogniser's time than batches of six, the same words within 0.3 points).

    A line is a small input: one ONNX Runtime thread per line keeps a core busier than two on
    one line, so the lines are shared among the readers' single-threaded sessions, each run by
    a thread of its own (a fifth less time again, a sixth less CPU, on the same pages).
    """
    import numpy as np

    groups: dict[int, list[int]] = {}
    for index, crop in enumerate(crops):
        groups.setdefault(max(_MIN_LINE_PX, int(crop.shape[1])), []).append(index)
    chunks = [
        (width, indexes[start : start + _REC_BATCH])
        for width, indexes in groups.items()
        for start in range(0, len(indexes), _REC_BATCH)
    ]
    # the widest first, each to the reader with the least work so far
    chunks.sort(key=lambda chunk: -chunk[0] * len(chunk[1]))
    shares: list[list[tuple[int, list[int]]]] = [[] for _ in readers.sessions]
    loads = [0] * len(shares)
    for width, chunk in chunks:
        least = loads.index(min(loads))
        shares[least].append((width, chunk))
        loads[least] += width * len(chunk)
    read: list[tuple[str, float]] = [("", 0.0)] * len(crops)

    def run(session: Any, share: list[tuple[int, list[int]]]) -> None:
        for width, chunk in share:
            batch = np.zeros((len(chunk), 3, _REC_HEIGHT, width), dtype=np.float32)
            for row, index in enumerate(chunk):
                crop = crops[index]
                # the model's input: channels first, grey levels scaled to -1..1, padded with 0
                batch[row, :, :, : crop.shape[1]] = crop.transpose(2, 0, 1) * (2 / 255) - 1
            predictions = session.run(None, {readers.input_name: batch})[0]
            for index, (text, score) in zip(chunk, readers.decode(predictions), strict=True):
                read[index] = (str(text), float(score))

    if readers.pool is None or len(chunks) < 2:
        for session, share in zip(readers.sessions, shares, strict=True):
            run(session, share)
    else:
        futures = [
            readers.pool.submit(run, session, share)
            for session, share in zip(readers.sessions, shares, strict=True)
            if share
        ]
        for future in futures:
            future.result()
    return read


@dataclass(frozen=True)
class _Readers:
    """The recogniser's sessions (one ONNX Runtime thread each, one a core), the thread pool
    that runs them side by side (None with one core), the model's input name and decoder."""

    sessions: tuple[Any, ...]
    pool: ThreadPoolExecutor | None
    input_name: str
    decode: Any  # RapidOCR's CTC decoder: predictions -> [(text, score)]


def _readers(engine: Any, config: Any) -> _Readers:
    onnxruntime = importlib.import_module("onnxruntime")
    path = config["Rec"]["model_path"]
    options = _session_options(1)
    sessions = tuple(
        onnxruntime.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
        for _ in range(_cores())
    )
    pool = ThreadPoolExecutor(len(sessions), "ocr-rec") if len(sessions) > 1 else None
    name = str(sessions[0].get_inputs()[0].name)
    return _Readers(sessions, pool, name, engine.text_rec.postprocess_op)


def _line_height(crop: Any) -> Any:
    """`crop` scaled to the recogniser's line height, bicubic up and by area down.

    The recogniser reads lines `_REC_HEIGHT` px high and scales a crop to that itself, bilinearly:
    a 200 DPI line (~30 px) comes out blurred, and the gaps between words are lost
    ("1200InnovationWay"). Scaled here first, 98% of a page's words come out instead of 75%.
    """
    import cv2  # RapidOCR's own dependency, loaded with the engine

    height, width = crop.shape[:2]
    if height == _REC_HEIGHT or height == 0:
        return crop
    size = (max(1, round(width * _REC_HEIGHT / height)), _REC_HEIGHT)
    interpolation = cv2.INTER_CUBIC if height < _REC_HEIGHT else cv2.INTER_AREA
    return cv2.resize(crop, size, interpolation=interpolation)


def _bgr(grey: Image.Image) -> Any:
    """A grey page as the 3-channel array the models read."""
    import numpy as np

    return np.repeat(np.asarray(grey)[:, :, None], 3, axis=2)


def _tune_sessions(engine: Any, config: Any) -> None:
    """Give RapidOCR's detection and direction models sessions set for a shared machine.

    RapidOCR's own sessions turn the memory arena off (every call allocates afresh) and let
    ONNX Runtime's threads spin while they wait, which on a busy machine burns the cores other
    processes need and slows every call; ours use one thread per core, the arena, no spinning.
    """
    onnxruntime = importlib.import_module("onnxruntime")
    options = _session_options(_cores())
    # RapidOCR 1.4 keeps each model's session in a wrapper (`infer`), the ONNX Runtime session
    # in its `session`; the recogniser's own session is left unused (see `_readers`)
    for part, component, wrapper in (
        ("Det", engine.text_det, "infer"),
        ("Cls", engine.text_cls, "infer"),
    ):
        holder = getattr(component, wrapper, None)
        if holder is None or not hasattr(holder, "session"):
            continue  # another RapidOCR layout: its own session still works, only slower
        holder.session = onnxruntime.InferenceSession(
            config[part]["model_path"], sess_options=options, providers=["CPUExecutionProvider"]
        )


def _cores() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


def _session_options(threads: int) -> Any:
    """ONNX Runtime session options: `threads` threads that do not spin, the memory arena on."""
    onnxruntime = importlib.import_module("onnxruntime")
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = True
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = _ORT_ERROR
    return options


def _model_config() -> Any:
    main = importlib.import_module("rapidocr_onnxruntime.main")
    utils = importlib.import_module("rapidocr_onnxruntime.utils")
    return utils.update_model_path(utils.read_yaml(main.DEFAULT_CFG_PATH))


_shared: OcrEngine | None = None
_shared_lock = threading.Lock()


def shared_engine() -> OcrEngine:
    """The process's one engine, loaded on first use (concurrent first calls load it once)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = OcrEngine()
        return _shared
