"""What a canonical invoice can hold that no EN 16931 XML document can carry as it is.

Both XML exports refuse such an invoice before writing anything (`InputRejected` naming each
value and what to do), rather than write a code the binding does not know or drop a value
silently: the invoice is corrected in review, or exported with export.json.
"""

from __future__ import annotations

from turnout.authoring import InputRejected, Invoice

# EN 16931 restricts BT-8 to UNTDID 2005 3 (invoice date), 35 (delivery date), 432 (paid to
# date); the CII binding writes them as UNTDID 2475 5, 29, 72 and knows no other
TAX_POINT_CODES = ("3", "35", "432")


def unwritable_values(invoice: Invoice) -> list[str]:
    """What in `invoice` an EN 16931 UBL or CII document cannot carry, one phrase each."""
    problems: list[str] = []
    code = invoice.tax_point_code
    if code is not None and code not in TAX_POINT_CODES:
        problems.append(
            f"the VAT point date code (BT-8) {code!r}, which is not one EN 16931 allows "
            f"({', '.join(TAX_POINT_CODES)}: invoice date, delivery date, paid to date)"
        )
    for index, line in enumerate(invoice.lines, start=1):
        for kind, entries in (("allowance", line.allowances), ("charge", line.charges)):
            for number, entry in enumerate(entries, start=1):
                if entry.vat_category is not None or entry.vat_rate is not None:
                    problems.append(
                        f"line {index}'s {kind} {number} with a VAT category or rate (a line "
                        f"{kind}, BG-27/BG-28, has no VAT terms in EN 16931: clear them, or make "
                        f"it a document-level {kind})"
                    )
    return problems


def refuse_unwritable(problems: list[str], document: str, export: str) -> None:
    """Raise `InputRejected` naming `problems` when there are any; `document` names what cannot
    be written (`a valid UBL 2.1 document`), `export` the syntax in the advice (`UBL`)."""
    if problems:
        raise InputRejected(
            f"cannot write {document}: the invoice holds "
            + "; ".join(problems)
            + f". Correct the invoice in review before exporting it as {export}, "
            "or export it with export.json"
        )
