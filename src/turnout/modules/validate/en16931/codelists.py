"""The code lists the BR-CL rules check: ISO lists from pycountry, the others from data files.

Each data file in `codelists/` names its source in a header comment and holds only the code values,
one per line. Lists are read once, on first use.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pycountry


@cache
def codes(name: str) -> frozenset[str]:
    """The codes of list `name` (a file `codelists/<name>.txt`)."""
    text = resources.files(__package__).joinpath("codelists", f"{name}.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 alpha-3 currency codes."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 country codes, plus the two EN 16931 adds (1A Kosovo, XI)."""
    return frozenset(c.alpha_2 for c in pycountry.countries) | codes("iso3166_extra")
