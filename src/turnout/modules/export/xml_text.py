"""The text an XML export writes for a value, refusing what no XML document can carry.

Both `ubl_xml` and `cii_xml` write a Decimal exactly (`format(d, "f")`: no exponent, no rounding)
and a text as it is; an infinite or NaN amount and a control character XML 1.0 cannot hold are
refused with `InputRejected` naming the element.
"""

from __future__ import annotations

import re
from decimal import Decimal

from turnout.authoring import InputRejected

# the characters below U+0020 that XML 1.0 cannot carry: all but tab, line feed, carriage return
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def decimal_text(element: str, value: Decimal, kind: str) -> str:
    """`value` written exactly; `element` (`cbc:PriceAmount`) is refused a value that is not
    `kind` (`an amount`) when it is infinite or NaN."""
    if not value.is_finite():
        raise InputRejected(
            f"{element} would be {value}, which is not {kind}; correct the invoice's value"
        )
    return format(value, "f")


def plain_text(element: str, value: str) -> str:
    """`value` as it is; refused when it holds control characters XML cannot carry."""
    if _CONTROL.search(value) is not None:
        raise InputRejected(
            f"{element} would be {value[:60]!r}, which holds control characters XML cannot carry; "
            "fix the invoice's value"
        )
    return value
