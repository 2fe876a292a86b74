"""`turnout check` against the official EN 16931 XSLT, each as a whole job, side by side.

The official unit tests (`../shared/corpora/en16931/test`: testSets of partial UBL and CII
invoices, one `<test>` each) are written out as one XML file per test into a temporary folder.
Then, in turn, one round of each after a warm-up round of each:
(a) `turnout check FILE...` over every file, one real process of the console script: start-up,
    reading, parsing and the rules, as a person or a CI job would run it;
(b) the official artefacts (`../shared/corpora/en16931/xslt/{ubl,cii}`) run with SaxonC-HE
    (`saxonche`) over the same files in one process (this script, `--xslt-job`): importing
    saxonche, compiling both stylesheets, then each file through `bench/xslt_validator.py`
    (parsed, transformed, its SVRL report read), as the issue's reference job did.
Both jobs run without PYTHONDONTWRITEBYTECODE (as on an installation: the warm-up round writes
the bytecode each imports, so neither compiles Python source in the timed rounds). Wall clock of
each whole process; medians and ranges over the rounds; the files each side found
with a fatal rule are printed (no verdict is compared here: `bench_en16931.py` does that).

`turnout check` runs as a user runs it: with 605 files on this machine's cores it forks one
checker per core (`--jobs` defaults). For context the same job runs with `--jobs 1` (one
process, as the XSLT job is).

Prints `BENCH check_vs_official_xslt` (median XSLT job time / median `turnout check` job time;
target >= 2), `BENCH check_job_s`, `BENCH xslt_job_s` and
`BENCH check_one_process_vs_official_xslt` (the XSLT job against `--jobs 1`). Skips (exit 0) without the corpus,
its XSLT or saxonche. Env knob: `BENCH_ROUNDS` (3).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from turnout.modules.xmlsafe import parse_xml

CORPORA = Path(
    os.environ.get("TURNOUT_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora")
)
TESTS = CORPORA / "en16931" / "test"
XSLT = CORPORA / "en16931" / "xslt"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TURNOUT = Path(sys.executable).with_name("turnout")
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
MAX_BYTES = 50_000_000


def write_unit_tests(folder: Path) -> list[Path]:
    """One file per `<test>` invoice of every testSet, named after the set and its position."""
    written = []
    for path in sorted(TESTS.rglob("*.xml")):
        root = parse_xml(path.read_bytes(), max_bytes=MAX_BYTES, what=str(path))
        if root.tag != f"{VEFA}testSet":
            continue  # a complete example (testfiles/), not a unit test
        for n, test in enumerate(root.iter(f"{VEFA}test"), 1):
            invoice = next(
                (c for c in test if isinstance(c.tag, str) and c.tag != f"{VEFA}assert"), None
            )
            if invoice is None:
                continue
            target = folder / f"{path.parent.name}_{path.stem}_{n:02d}.xml"
            target.write_bytes(etree.tostring(invoice, xml_declaration=True, encoding="UTF-8"))
            written.append(target)
    return written


def xslt_job(folder: Path) -> int:
    """(b), run in its own process: import saxonche, compile, validate every file; prints the
    number of files with a fatal failed assert as JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package
    from xslt_validator import OfficialValidator

    validator = OfficialValidator(XSLT)
    fatal = 0
    for path in sorted(folder.glob("*.xml")):
        failed = validator.failed_asserts(path.read_bytes(), what=path.name)
        fatal += any(f.flag == "fatal" for f in failed)
    print(json.dumps({"fatal": fatal}))
    return 0


def _timed(argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: some file has a fatal finding, as expected here
        raise SystemExit(f"{argv[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed, done.stdout


def main() -> int:
    if not TESTS.exists() or not XSLT.exists():
        print(f"skipped: {TESTS} or {XSLT} not found (../shared/corpora is absent)")
        return 0
    try:
        import saxonche  # noqa: F401
    except ImportError:
        print("skipped: saxonche is not installed (it is in the `dev` extra)")
        return 0
    with tempfile.TemporaryDirectory(prefix="turnout-bench-xslt-") as tmp:
        folder = Path(tmp)
        files = write_unit_tests(folder)
        names = [str(p) for p in files]
        jobs = {
            "check": [str(TURNOUT), "check", "--json", *names],
            "check_one": [str(TURNOUT), "check", "--json", "--jobs", "1", *names],
            "xslt": [sys.executable, __file__, "--xslt-job", str(folder)],
        }
        env_home = folder / "home"  # `turnout check` needs no database; none is made here
        os.environ["TURNOUT_HOME"] = str(env_home)
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # else every start compiles its imports
        outputs = {name: _timed(argv)[1] for name, argv in jobs.items()}  # warm-up round
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for _ in range(ROUNDS):
            for name, argv in jobs.items():
                times[name].append(_timed(argv)[0])
        checked = json.loads(outputs["check"])
        check_fatal = sum(1 for r in checked if not r["valid"])
        xslt_fatal = json.loads(outputs["xslt"].splitlines()[-1])["fatal"]
    check_s, xslt_s = statistics.median(times["check"]), statistics.median(times["xslt"])
    print(f"{len(files)} official unit-test invoices, {ROUNDS} rounds of each job in turn:")
    labels = (
        ("check", "turnout check FILE..."),
        ("check_one", "turnout check --jobs 1"),
        ("xslt", "saxonche + official XSLT"),
    )
    for name, label in labels:
        values = times[name]
        print(
            f"  {label:<26} {statistics.median(values):6.2f} s  "
            f"({min(values):.2f}-{max(values):.2f}), {len(files) / statistics.median(values):5.0f}"
            " invoices/s"
        )
    print(f"  files with a fatal rule: turnout check {check_fatal}, official XSLT {xslt_fatal}")
    print(f"BENCH check_vs_official_xslt {xslt_s / check_s:.2f}")
    print(f"BENCH check_job_s {check_s:.2f}")
    one_s = statistics.median(times["check_one"])
    print(f"BENCH check_one_process_vs_official_xslt {xslt_s / one_s:.2f}")
    print(f"BENCH xslt_job_s {xslt_s:.2f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--xslt-job"]:
        sys.exit(xslt_job(Path(sys.argv[2])))
    sys.exit(main())
