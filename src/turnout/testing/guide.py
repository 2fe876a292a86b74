"""The stage table of docs/module-authors.md, rendered from the code: each stage's contract (what it
reads, produces and guarantees) and the modules Turnout ships for it.

The guide holds the table between two markers; a test checks that it is exactly what
`stage_table()` renders. After changing a stage or a built-in module, regenerate it with

    python -m turnout.testing.guide docs/module-authors.md
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path

from turnout.domain.contracts import CapabilityContract
from turnout.domain.stages import STAGES
from turnout.runtime.registry import ENTRY_POINT_GROUP

START = "<!-- stage table: rendered by `python -m turnout.testing.guide`, do not edit by hand -->"
END = "<!-- end of the stage table -->"
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


def with_table(guide: str) -> str:
    """`guide` with the text between the markers replaced by the rendered table."""
    head, found, rest = guide.partition(START + "\n")
    if not found or END not in rest:
        raise ValueError(f"the guide has no stage table between `{START}` and `{END}`")
    return head + START + "\n" + stage_table() + END + rest.split(END, 1)[1]


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
