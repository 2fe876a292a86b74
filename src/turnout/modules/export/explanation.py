"""What every export says about where an invoice came from and why it went where it went.

An `Explanation` is the run's source file name (`RunContext.file_name`, as received), the matched
`vendor_id` (the `match` stage's `Match`; None when the stage did not run or found no vendor), and
the decision with its reasons (and, after a review, the person who decided). Each export carries it
in its own way:

- `export.json` and `export.webhook`: top-level `source_file` and `vendor_id` beside `decision`
  (which holds `outcome`, `reasons` and, for a person's decision, `decided_by` and `final`);
- `export.csv`: the columns `source_file` and `vendor_id`, beside `decision` and `reasons`;
- `export.ubl`: a UBL extension (`ext:UBLExtensions`, see `ubl_explanation`), unless its setting
  `explain` is false;
- `export.cii`: CII has no extension point, so, only when its setting `explain` is true, an invoice
  note (BT-22) with subject code `ACB` (additional information), written by `note`.

Text XML cannot carry (control characters) is replaced by spaces here: a file name is what the
sender chose, and an odd one must not stop the invoice's export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from turnout.authoring import (
    Artifacts,
    Decision,
    InputGroup,
    Invoice,
    Match,
    Note,
    RunContext,
    needs,
)

MATCH_INPUT: InputGroup = needs("match/v1", required=False)
"""The export modules' optional input for the matched vendor (not in the export contract: a
configuration without a `match` stage still exports, with no vendor id)."""

NOTE_SUBJECT = "ACB"  # UNTDID 4451 "Additional information"
NOTE_PREFIX = "Turnout"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Explanation:
    """The source file, the matched vendor and the decision of one run."""

    source_file: str | None
    vendor_id: str | None
    decision: Decision

    @classmethod
    def of(cls, inputs: Artifacts, context: RunContext) -> Explanation:
        """The explanation of the run whose `inputs` reach the export stage."""
        match = inputs.get(Match)
        return cls(
            source_file=context.file_name,
            vendor_id=match.vendor_id if match is not None else None,
            decision=inputs.require(Decision),
        )

    def note(self) -> Note:
        """The explanation as one invoice note (BT-21 `ACB`, BT-22 on one line)."""
        decision = self.decision
        parts = [f"{NOTE_PREFIX}: decision {decision.outcome}"]
        if decision.decided_by is not None:
            parts[0] += f" by {decision.decided_by}"
        if decision.reasons:
            parts[0] += " (" + "; ".join(decision.reasons) + ")"
        parts.append(f"source file {self.source_file or 'unknown'}")
        parts.append(f"vendor id {self.vendor_id or 'none matched'}")
        return Note(text=xml_safe(". ".join(parts)), subject_code=NOTE_SUBJECT)

    def noted(self, invoice: Invoice) -> Invoice:
        """`invoice` with the explanation as its last note."""
        return replace(invoice, notes=[*invoice.notes, self.note()])


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot carry (and DEL) replaced by spaces."""
    return _CONTROL.sub(" ", text)
