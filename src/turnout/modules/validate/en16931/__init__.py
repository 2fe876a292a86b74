"""EN 16931 business rules in pure Python, over UBL, CII and the canonical invoice.

`validate_xml(root)` checks a parsed UBL or CII document; `RULES` holds every implemented rule by
id. See `engine` for the run, `registry` for the `@rule` decorator, `view` for the syntax-neutral
view the rules read, and the `rules_*` modules for the rules themselves.
"""

from turnout.modules.validate.en16931.engine import (
    NotAnInvoice,
    Report,
    syntax_of,
    validate_node,
    validate_xml,
)
from turnout.modules.validate.en16931.registry import RULES, Rule

__all__ = ["RULES", "NotAnInvoice", "Report", "Rule", "syntax_of", "validate_node", "validate_xml"]
