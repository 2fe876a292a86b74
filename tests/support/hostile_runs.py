"""What tests/hostile and bench/bench_hostile.py expect of each attack, and how they run turnout.

Every attack is refused within its document's budget: the run ends with the status and a reason
naming the limit and its setting, other runs of the same batch complete, and the command's (or
the server's) whole process tree stays within `MAX_ABOVE_BASELINE_MB` of a plain run's peak and
each run within `MAX_SECONDS` (generous bounds: the machine is shared; bench/bench_hostile.py
reports the figures).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from support import hostile_files
from support.peak_rss import Measured, run_measured, tree_rss_mb
from turnout.bootstrap import bundled_examples

TURNOUT = Path(sys.executable).parent / "turnout"
MAX_ABOVE_BASELINE_MB = 600
MAX_SECONDS = 30
# just under text.ocr's default page limit (36 Mpx at 200 DPI): only the document's total is over
UNDER_PAGE_LIMIT_PX = 5_900
UNDER_PAGE_LIMIT_PT = 2_120
T = TypeVar("T")


@dataclass(frozen=True)
class Attack:
    """A hostile file and the run Turnout must make of it."""

    name: str
    status: str
    setting: str


ATTACKS = (
    Attack("pixel-bomb.png", "needs_review", "`max_page_pixels`"),
    Attack("pixel-bomb.tiff", "needs_review", "`max_total_pixels`"),
    Attack("blank-pages.pdf", "needs_review", "`max_total_pixels`"),
    Attack("inflating-attachment.pdf", "failed", "`max_inflated_bytes`"),
    Attack("inflating-content.pdf", "failed", "`max_content_bytes`"),
    Attack("operator-content.pdf", "failed", "`max_content_bytes`"),
)
PLAIN = ("ubl-invoice.xml", "invoice-acme-en.pdf")  # runs beside the attacks, which must complete


def write_attacks(folder: Path) -> Path:
    """Every attack and the plain invoices in `folder`, generated in about three seconds."""
    made = {
        "pixel-bomb.png": hostile_files.pixel_bomb_png(),
        "pixel-bomb.tiff": hostile_files.pixel_bomb_tiff(side=UNDER_PAGE_LIMIT_PX),
        "blank-pages.pdf": hostile_files.blank_pages_pdf(side_pt=UNDER_PAGE_LIMIT_PT),
        "inflating-attachment.pdf": hostile_files.inflating_attachment_pdf(),
        "inflating-content.pdf": hostile_files.inflating_content_pdf(),
        "operator-content.pdf": hostile_files.operator_content_pdf(),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    examples = {path.name: path for path in bundled_examples()}
    for name in PLAIN:
        (folder / name).write_bytes(examples[name].read_bytes())
    return folder


def turnout(env: dict[str, str], *args: str) -> Measured:
    """Run `turnout ARGS`, measuring its process tree's peak memory and its time."""
    return run_measured([str(TURNOUT), *args], env, timeout=180)


def assert_refused_within_budget(runs: list[dict[str, object]]) -> None:
    """Each attack's run ended as it must, naming its setting; the plain runs completed."""
    by_file = {str(run["file"]): run for run in runs}
    assert set(by_file) == {a.name for a in ATTACKS} | set(PLAIN), sorted(by_file)
    for attack in ATTACKS:
        run = by_file[attack.name]
        assert run["status"] == attack.status, (attack.name, run["status"], run["reason"])
        assert attack.setting in str(run["reason"]), (attack.name, run["reason"])
    for name in PLAIN:
        assert str(by_file[name]["status"]).startswith("completed"), by_file[name]["reason"]


@dataclass(frozen=True)
class Server:
    """A running `turnout serve`: its URL, an admin's token and its process id."""

    url: str
    token: str
    pid: int


@contextmanager
def served(env: dict[str, str], log: Path) -> Iterator[Server]:
    """`turnout serve` on a free port of this machine, with a token for the environment's actor."""
    made = turnout(env, "tokens", "create", env["TURNOUT_ACTOR"])
    assert made.code == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(TURNOUT), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not _ready(url):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "turnout serve was not ready in 60 s"
                time.sleep(0.1)
            yield Server(url, token, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def peak_while(pid: int, call: Callable[[], T]) -> tuple[T, float]:
    """What `call()` returns, and the peak RSS (MB) of `pid`'s process tree while it ran."""
    peak = [tree_rss_mb(pid)]
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], tree_rss_mb(pid))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        result = call()
    finally:
        done.set()
        poller.join()
    return result, max(peak[0], tree_rss_mb(pid))


def upload(server: Server, folder: Path, names: Iterable[str]) -> httpx.Response:
    """POST the named files of `folder` to /api/v1/runs in one request."""
    files = [("files", (name, (folder / name).read_bytes())) for name in names]
    return httpx.post(
        f"{server.url}/api/v1/runs",
        files=files,
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=180,
    )
