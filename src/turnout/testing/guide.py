"""The tables of docs/module-authors.md rendered from the code: the stage table, each stage's
contract (what it reads, produces and guarantees) and the modules Turnout ships for it; and the
framework's reserved settings with their defaults (`turnout.domain.framework_settings`).

The guide holds each table between two markers; a test checks that they are exactly what
`stage_table()` and `framework_table()` render. After changing a stage or a built-in module, regenerate it with

    python -m turnout.testing.guide docs/module-authors.md
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path

from turnout.domain.contracts import CapabilityContract
from turnout.domain.framework_settings import FRAMEWORK_SETTINGS_SCHEMA, RESERVED_SETTINGS
from turnout.domain.stages import STAGES
from turnout.runtime.registry import ENTRY_POINT_GROUP

START = "<!-- stage table: rendered by `python -m turnout.testing.guide`, do not edit by hand -->"
END = "<!-- end of the stage table -->"
FRAMEWORK_START = "<!-- framework settings: rendered by `python -m turnout.testing.guide`, do not edit by hand -->"
FRAMEWORK_END = "<!-- end of the framework settings -->"
REGENERATE = "python -m turnout.testing.guide docs/module-authors.md"


def stage_table() -> str:
    """The markdown table of the ten stages, their contracts and built-in modules."""
    builtin = _builtin_modules()
    rows = [
        "| stage | contract | reads | produces | guarantees | built-in modules |",
        "|---|---|---|---|---|---|",
    ]
    for stage in STAGES:
        contract = stage.contract
        modules = ", ".join(f"`{m}`" for m in builtin.get(stage.stage_id, ())) or "none"
        rows.append(
            f"| {stage.stage_id}{'' if stage.is_required else ' (optional)'} "
            f"| `{contract.contract_id}` | {_reads(contract)} "
            f"| {_refs(contract.outputs)} | {', '.join(sorted(contract.guarantees))} "
            f"| {modules} |"
        )
    return "\n".join(rows) + "\n"


def framework_table() -> str:
    """The markdown table of the settings the framework reserves, with their defaults."""
    rows = ["| setting | what it does |", "|---|---|"]
    for key in RESERVED_SETTINGS:
        prop = FRAMEWORK_SETTINGS_SCHEMA["properties"][key]
        said = str(prop["description"]).removeprefix("reserved: ")
        default = f" (default `{prop['default']}`)" if "default" in prop else ""
        rows.append(f"| `{key}` | {said}{default} |")
    return "\n".join(rows) + "\n"


def with_table(guide: str) -> str:
    """`guide` with the text between each pair of markers replaced by its rendered table."""
    guide = _between(guide, START, END, stage_table(), "stage table")
    return _between(guide, FRAMEWORK_START, FRAMEWORK_END, framework_table(), "framework settings")


def _between(guide: str, start: str, end: str, table: str, what: str) -> str:
    head, found, rest = guide.partition(start + "\n")
    if not found or end not in rest:
        raise ValueError(f"the guide has no {what} between `{start}` and `{end}`")
    return head + start + "\n" + table + end + rest.split(end, 1)[1]


def _reads(contract: CapabilityContract) -> str:
    required = [
        " or ".join(f"`{a}`" for a in g.alternatives) for g in contract.inputs if g.required
    ]
    optional = [
        " or ".join(f"`{a}`" for a in g.alternatives) for g in contract.inputs if not g.required
    ]
    text = ", ".join(required)
    if optional:
        text += ", optional " + ", ".join(optional)
    if contract.skip_when_present:
        text += f" (skipped when {_refs(contract.skip_when_present)} is present)"
    return text


def _refs(refs: Iterable[object]) -> str:
    return ", ".join(f"`{r}`" for r in refs)


def _builtin_modules() -> dict[str, list[str]]:
    """The module ids Turnout's own distribution publishes, by stage (nothing is imported)."""
    by_stage: dict[str, list[str]] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.value.startswith("turnout.modules."):
            by_stage.setdefault(ep.name.split(".", 1)[0], []).append(ep.name)
    return {stage: sorted(ids) for stage, ids in by_stage.items()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(f"usage: {REGENERATE}", file=sys.stderr)
        return 2
    path = Path(argv[0])
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
