"""Third-party module packages, installed for real: a package directory and a `*.dist-info` with
METADATA and entry_points.txt, in a directory that goes on PYTHONPATH. `importlib.metadata` finds
them there exactly as it finds a package pip installed."""

from __future__ import annotations

import textwrap
from pathlib import Path

ENTRY_POINT_GROUP = "turnout.modules"


def install_plugin(root: Path, package: str, entry_points: dict[str, str], source: str) -> None:
    """Install `package` (one module, `source`) under `root`, publishing `entry_points`
    (module id -> `package:Class`) in the `turnout.modules` group."""
    root.mkdir(parents=True, exist_ok=True)
    (root / package).mkdir()
    (root / package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist = root / f"{package}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n", encoding="utf-8"
    )
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}", encoding="utf-8")


EXITS_AT_IMPORT = """
    import sys

    sys.exit(3)
"""

HANGS_AT_IMPORT = """
    import time

    while True:
        time.sleep(3600)
"""

# a route module whose process() calls sys.exit(): inline, it used to end Turnout
EXITS_INLINE = """
    import dataclasses
    import sys

    from turnout.modules.route.rules import RulesRoute


    class ExitingRoute(RulesRoute):
        spec = dataclasses.replace(
            RulesRoute.spec,
            module_id="route.exits",
            name="exits",
            description="calls sys.exit() while routing",
            is_fallback=False,
        )

        def process(self, inputs, context):
            sys.exit(7)
"""

# a validate module whose Findings hold strings and numbers instead of Finding items
BREAKS_SCHEMA = """
    import dataclasses

    from turnout.domain.artifacts import Findings
    from turnout.modules.validate.basic import BasicValidate


    class SloppyValidate(BasicValidate):
        spec = dataclasses.replace(
            BasicValidate.spec,
            module_id="validate.sloppy",
            name="sloppy",
            description="returns findings that are not Finding items",
            is_fallback=False,
        )

        def process(self, inputs, context):
            return [Findings(("looks fine", 42), "sloppy")]
"""


def install_misbehaving_plugins(root: Path) -> None:
    """The four packages of the plugin-containment tests, under `root`."""
    install_plugin(
        root,
        "turnout_plugin_exits",
        {"validate.exitsatimport": "turnout_plugin_exits:Module"},
        EXITS_AT_IMPORT,
    )
    install_plugin(
        root,
        "turnout_plugin_hangs",
        {"match.hangsatimport": "turnout_plugin_hangs:Module"},
        HANGS_AT_IMPORT,
    )
    install_plugin(
        root,
        "turnout_plugin_route",
        {"route.exits": "turnout_plugin_route:ExitingRoute"},
        EXITS_INLINE,
    )
    install_plugin(
        root,
        "turnout_plugin_sloppy",
        {"validate.sloppy": "turnout_plugin_sloppy:SloppyValidate"},
        BREAKS_SCHEMA,
    )
