"""The business terms and groups of EN 16931-1 (the semantic model), and where the canonical invoice
holds each one.

Where a term lives is read from the invoice dataclasses' field metadata (`term("BT-27")`, and the
`parts` an owning field gives a shared group such as `Address`), never written a second time here:
`canonical_path("BT-38")` is `seller.address.post_code`, and a path ends in `[]` where the term
repeats (`lines[].net_amount`). The JSON Schema of the invoice takes its descriptions from the same
metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from turnout.domain.invoice import Invoice
from turnout.domain.invoice_shape import shape_of


@dataclass(frozen=True)
class BusinessTerm:
    """A business term (`BT-27`, `BT-29-1`) or group (`BG-4`) of EN 16931-1 and its name."""

    id: str
    name: str


EN16931_TERMS: tuple[BusinessTerm, ...] = (
    BusinessTerm("BT-1", "Invoice number"),
    BusinessTerm("BT-2", "Invoice issue date"),
    BusinessTerm("BT-3", "Invoice type code"),
    BusinessTerm("BT-5", "Invoice currency code"),
    BusinessTerm("BT-6", "VAT accounting currency code"),
    BusinessTerm("BT-7", "Value added tax point date"),
    BusinessTerm("BT-8", "Value added tax point date code"),
    BusinessTerm("BT-9", "Payment due date"),
    BusinessTerm("BT-10", "Buyer reference"),
    BusinessTerm("BT-11", "Project reference"),
    BusinessTerm("BT-12", "Contract reference"),
    BusinessTerm("BT-13", "Purchase order reference"),
    BusinessTerm("BT-14", "Sales order reference"),
    BusinessTerm("BT-15", "Receiving advice reference"),
    BusinessTerm("BT-16", "Despatch advice reference"),
    BusinessTerm("BT-17", "Tender or lot reference"),
    BusinessTerm("BT-18", "Invoiced object identifier"),
    BusinessTerm("BT-18-1", "Invoiced object identifier scheme identifier"),
    BusinessTerm("BT-19", "Buyer accounting reference"),
    BusinessTerm("BT-20", "Payment terms"),
    BusinessTerm("BT-21", "Invoice note subject code"),
    BusinessTerm("BT-22", "Invoice note"),
    BusinessTerm("BT-23", "Business process type"),
    BusinessTerm("BT-24", "Specification identifier"),
    BusinessTerm("BT-25", "Preceding Invoice reference"),
    BusinessTerm("BT-26", "Preceding Invoice issue date"),
    BusinessTerm("BT-27", "Seller name"),
    BusinessTerm("BT-28", "Seller trading name"),
    BusinessTerm("BT-29", "Seller identifier"),
    BusinessTerm("BT-29-1", "Seller identifier scheme identifier"),
    BusinessTerm("BT-30", "Seller legal registration identifier"),
    BusinessTerm("BT-30-1", "Seller legal registration identifier scheme identifier"),
    BusinessTerm("BT-31", "Seller VAT identifier"),
    BusinessTerm("BT-32", "Seller tax registration identifier"),
    BusinessTerm("BT-33", "Seller additional legal information"),
    BusinessTerm("BT-34", "Seller electronic address"),
    BusinessTerm("BT-34-1", "Seller electronic address scheme identifier"),
    BusinessTerm("BT-35", "Seller address line 1"),
    BusinessTerm("BT-36", "Seller address line 2"),
    BusinessTerm("BT-162", "Seller address line 3"),
    BusinessTerm("BT-37", "Seller city"),
    BusinessTerm("BT-38", "Seller post code"),
    BusinessTerm("BT-39", "Seller country subdivision"),
    BusinessTerm("BT-40", "Seller country code"),
    BusinessTerm("BT-41", "Seller contact point"),
    BusinessTerm("BT-42", "Seller contact telephone number"),
    BusinessTerm("BT-43", "Seller contact email address"),
    BusinessTerm("BT-44", "Buyer name"),
    BusinessTerm("BT-45", "Buyer trading name"),
    BusinessTerm("BT-46", "Buyer identifier"),
    BusinessTerm("BT-46-1", "Buyer identifier scheme identifier"),
    BusinessTerm("BT-47", "Buyer legal registration identifier"),
    BusinessTerm("BT-47-1", "Buyer legal registration identifier scheme identifier"),
    BusinessTerm("BT-48", "Buyer VAT identifier"),
    BusinessTerm("BT-49", "Buyer electronic address"),
    BusinessTerm("BT-49-1", "Buyer electronic address scheme identifier"),
    BusinessTerm("BT-50", "Buyer address line 1"),
    BusinessTerm("BT-51", "Buyer address line 2"),
    BusinessTerm("BT-163", "Buyer address line 3"),
    BusinessTerm("BT-52", "Buyer city"),
    BusinessTerm("BT-53", "Buyer post code"),
    BusinessTerm("BT-54", "Buyer country subdivision"),
    BusinessTerm("BT-55", "Buyer country code"),
    BusinessTerm("BT-56", "Buyer contact point"),
    BusinessTerm("BT-57", "Buyer contact telephone number"),
    BusinessTerm("BT-58", "Buyer contact email address"),
    BusinessTerm("BT-59", "Payee name"),
    BusinessTerm("BT-60", "Payee identifier"),
    BusinessTerm("BT-60-1", "Payee identifier scheme identifier"),
    BusinessTerm("BT-61", "Payee legal registration identifier"),
    BusinessTerm("BT-61-1", "Payee legal registration identifier scheme identifier"),
    BusinessTerm("BT-62", "Seller tax representative name"),
    BusinessTerm("BT-63", "Seller tax representative VAT identifier"),
    BusinessTerm("BT-64", "Tax representative address line 1"),
    BusinessTerm("BT-65", "Tax representative address line 2"),
    BusinessTerm("BT-164", "Tax representative address line 3"),
    BusinessTerm("BT-66", "Tax representative city"),
    BusinessTerm("BT-67", "Tax representative post code"),
    BusinessTerm("BT-68", "Tax representative country subdivision"),
    BusinessTerm("BT-69", "Tax representative country code"),
    BusinessTerm("BT-70", "Deliver to party name"),
    BusinessTerm("BT-71", "Deliver to location identifier"),
    BusinessTerm("BT-71-1", "Deliver to location identifier scheme identifier"),
    BusinessTerm("BT-72", "Actual delivery date"),
    BusinessTerm("BT-73", "Invoicing period start date"),
    BusinessTerm("BT-74", "Invoicing period end date"),
    BusinessTerm("BT-75", "Deliver to address line 1"),
    BusinessTerm("BT-76", "Deliver to address line 2"),
    BusinessTerm("BT-165", "Deliver to address line 3"),
    BusinessTerm("BT-77", "Deliver to city"),
    BusinessTerm("BT-78", "Deliver to post code"),
    BusinessTerm("BT-79", "Deliver to country subdivision"),
    BusinessTerm("BT-80", "Deliver to country code"),
    BusinessTerm("BT-81", "Payment means type code"),
    BusinessTerm("BT-82", "Payment means text"),
    BusinessTerm("BT-83", "Remittance information"),
    BusinessTerm("BT-84", "Payment account identifier"),
    BusinessTerm("BT-85", "Payment account name"),
    BusinessTerm("BT-86", "Payment service provider identifier"),
    BusinessTerm("BT-87", "Payment card primary account number"),
    BusinessTerm("BT-88", "Payment card holder name"),
    BusinessTerm("BT-89", "Mandate reference identifier"),
    BusinessTerm("BT-90", "Bank assigned creditor identifier"),
    BusinessTerm("BT-91", "Debited account identifier"),
    BusinessTerm("BT-92", "Document level allowance amount"),
    BusinessTerm("BT-93", "Document level allowance base amount"),
    BusinessTerm("BT-94", "Document level allowance percentage"),
    BusinessTerm("BT-95", "Document level allowance VAT category code"),
    BusinessTerm("BT-96", "Document level allowance VAT rate"),
    BusinessTerm("BT-97", "Document level allowance reason"),
    BusinessTerm("BT-98", "Document level allowance reason code"),
    BusinessTerm("BT-99", "Document level charge amount"),
    BusinessTerm("BT-100", "Document level charge base amount"),
    BusinessTerm("BT-101", "Document level charge percentage"),
    BusinessTerm("BT-102", "Document level charge VAT category code"),
    BusinessTerm("BT-103", "Document level charge VAT rate"),
    BusinessTerm("BT-104", "Document level charge reason"),
    BusinessTerm("BT-105", "Document level charge reason code"),
    BusinessTerm("BT-106", "Sum of Invoice line net amount"),
    BusinessTerm("BT-107", "Sum of allowances on document level"),
    BusinessTerm("BT-108", "Sum of charges on document level"),
    BusinessTerm("BT-109", "Invoice total amount without VAT"),
    BusinessTerm("BT-110", "Invoice total VAT amount"),
    BusinessTerm("BT-111", "Invoice total VAT amount in accounting currency"),
    BusinessTerm("BT-112", "Invoice total amount with VAT"),
    BusinessTerm("BT-113", "Paid amount"),
    BusinessTerm("BT-114", "Rounding amount"),
    BusinessTerm("BT-115", "Amount due for payment"),
    BusinessTerm("BT-116", "VAT category taxable amount"),
    BusinessTerm("BT-117", "VAT category tax amount"),
    BusinessTerm("BT-118", "VAT category code"),
    BusinessTerm("BT-119", "VAT category rate"),
    BusinessTerm("BT-120", "VAT exemption reason text"),
    BusinessTerm("BT-121", "VAT exemption reason code"),
    BusinessTerm("BT-122", "Supporting document reference"),
    BusinessTerm("BT-123", "Supporting document description"),
    BusinessTerm("BT-124", "External document location"),
    BusinessTerm("BT-125", "Attached document"),
    BusinessTerm("BT-125-1", "Attached document Mime code"),
    BusinessTerm("BT-125-2", "Attached document Filename"),
    BusinessTerm("BT-126", "Invoice line identifier"),
    BusinessTerm("BT-127", "Invoice line note"),
    BusinessTerm("BT-128", "Invoice line object identifier"),
    BusinessTerm("BT-128-1", "Invoice line object identifier scheme identifier"),
    BusinessTerm("BT-129", "Invoiced quantity"),
    BusinessTerm("BT-130", "Invoiced quantity unit of measure code"),
    BusinessTerm("BT-131", "Invoice line net amount"),
    BusinessTerm("BT-132", "Referenced purchase order line reference"),
    BusinessTerm("BT-133", "Invoice line Buyer accounting reference"),
    BusinessTerm("BT-134", "Invoice line period start date"),
    BusinessTerm("BT-135", "Invoice line period end date"),
    BusinessTerm("BT-136", "Invoice line allowance amount"),
    BusinessTerm("BT-137", "Invoice line allowance base amount"),
    BusinessTerm("BT-138", "Invoice line allowance percentage"),
    BusinessTerm("BT-139", "Invoice line allowance reason"),
    BusinessTerm("BT-140", "Invoice line allowance reason code"),
    BusinessTerm("BT-141", "Invoice line charge amount"),
    BusinessTerm("BT-142", "Invoice line charge base amount"),
    BusinessTerm("BT-143", "Invoice line charge percentage"),
    BusinessTerm("BT-144", "Invoice line charge reason"),
    BusinessTerm("BT-145", "Invoice line charge reason code"),
    BusinessTerm("BT-146", "Item net price"),
    BusinessTerm("BT-147", "Item price discount"),
    BusinessTerm("BT-148", "Item gross price"),
    BusinessTerm("BT-149", "Item price base quantity"),
    BusinessTerm("BT-150", "Item price base quantity unit of measure code"),
    BusinessTerm("BT-151", "Invoiced item VAT category code"),
    BusinessTerm("BT-152", "Invoiced item VAT rate"),
    BusinessTerm("BT-153", "Item name"),
    BusinessTerm("BT-154", "Item description"),
    BusinessTerm("BT-155", "Item Seller's identifier"),
    BusinessTerm("BT-156", "Item Buyer's identifier"),
    BusinessTerm("BT-157", "Item standard identifier"),
    BusinessTerm("BT-157-1", "Item standard identifier scheme identifier"),
    BusinessTerm("BT-158", "Item classification identifier"),
    BusinessTerm("BT-158-1", "Item classification identifier scheme identifier"),
    BusinessTerm("BT-158-2", "Item classification identifier scheme version identifier"),
    BusinessTerm("BT-159", "Item country of origin"),
    BusinessTerm("BT-160", "Item attribute name"),
    BusinessTerm("BT-161", "Item attribute value"),
)
"""Every business term of EN 16931-1, scheme and attribute terms (`BT-29-1`) included."""

EN16931_GROUPS: tuple[BusinessTerm, ...] = (
    BusinessTerm("BG-1", "Invoice note"),
    BusinessTerm("BG-2", "Process control"),
    BusinessTerm("BG-3", "Preceding invoice reference"),
    BusinessTerm("BG-4", "Seller"),
    BusinessTerm("BG-5", "Seller postal address"),
    BusinessTerm("BG-6", "Seller contact"),
    BusinessTerm("BG-7", "Buyer"),
    BusinessTerm("BG-8", "Buyer postal address"),
    BusinessTerm("BG-9", "Buyer contact"),
    BusinessTerm("BG-10", "Payee"),
    BusinessTerm("BG-11", "Seller tax representative party"),
    BusinessTerm("BG-12", "Seller tax representative postal address"),
    BusinessTerm("BG-13", "Delivery information"),
    BusinessTerm("BG-14", "Invoicing period"),
    BusinessTerm("BG-15", "Deliver to address"),
    BusinessTerm("BG-16", "Payment instructions"),
    BusinessTerm("BG-17", "Credit transfer"),
    BusinessTerm("BG-18", "Payment card information"),
    BusinessTerm("BG-19", "Direct debit"),
    BusinessTerm("BG-20", "Document level allowances"),
    BusinessTerm("BG-21", "Document level charges"),
    BusinessTerm("BG-22", "Document totals"),
    BusinessTerm("BG-23", "Vat breakdown"),
    BusinessTerm("BG-24", "Additional supporting documents"),
    BusinessTerm("BG-25", "Invoice line"),
    BusinessTerm("BG-26", "Invoice line period"),
    BusinessTerm("BG-27", "Invoice line allowances"),
    BusinessTerm("BG-28", "Invoice line charges"),
    BusinessTerm("BG-29", "Price details"),
    BusinessTerm("BG-30", "Line vat information"),
    BusinessTerm("BG-31", "Item information"),
    BusinessTerm("BG-32", "Item attributes"),
)
"""Every business group of EN 16931-1."""

# groups whose terms the model keeps directly on their parent: the process control terms on the
# invoice, a line's price details, VAT information and item information on the line
_FLATTENED = {"BG-2": "", "BG-29": "lines[]", "BG-30": "lines[]", "BG-31": "lines[]"}


def canonical_path(term_id: str) -> str | None:
    """The dotted path of the canonical invoice's JSON that holds `term_id`, or None."""
    return term_paths().get(term_id)


@cache
def term_paths() -> dict[str, str]:
    """Term or group id → canonical path, for every term the model holds."""
    found: dict[str, str] = dict(_FLATTENED)
    _walk(Invoice, "", {}, found)
    return found


def term_at(path: str) -> str | None:
    """The business term held at canonical path `path` (`lines[].net_amount` or `lines.0.net_amount`
    or `lines[0].net_amount`), or None."""
    steps = path.replace("[", ".").replace("]", "").split(".")
    normal = ".".join(p for p in steps if p and not p.isdigit())
    return _by_path().get(normal)


@cache
def _by_path() -> dict[str, str]:
    out: dict[str, str] = {}
    for term_id, path in term_paths().items():
        if path:
            out.setdefault(".".join(p for p in path.replace("[]", "").split(".") if p), term_id)
    return out


def _walk(kind: type, prefix: str, parts: dict[str, str], found: dict[str, str]) -> None:
    shape = shape_of(kind)
    repeated = {name for name, _ in shape.lists}
    nested = dict(shape.groups + shape.optional + shape.lists)
    for f in fields(kind):
        if f.name not in shape.names:
            continue
        path = f"{prefix}{f.name}" + ("[]" if f.name in repeated else "")
        meta: dict[str, Any] = dict(f.metadata)
        term_id = parts.get(f.name) or meta.get("term")
        if term_id:
            held = found.get(term_id)
            # the first place wins (BT-84 is `payment.iban`, not a further transfer's account),
            # except that a leaf under the group that named the term is more exact
            if held is None or path.startswith(f"{held}."):
                found[term_id] = path
        if f.name in nested:
            _walk(nested[f.name], f"{path}.", parts_under(f.name, meta, parts), found)


def parts_under(name: str, meta: dict[str, Any], parts: dict[str, str]) -> dict[str, str]:
    """The terms field `name` of a group gives the fields of the group under it: those of its
    own metadata (`parts`), overridden by those its owner names through it (`parts` keys
    `name.<field>`)."""
    inner = {k[len(name) + 1 :]: v for k, v in parts.items() if k.startswith(f"{name}.")}
    return {**dict(meta.get("parts") or {}), **inner}
