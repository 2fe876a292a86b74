"""What a UBL invoice carries beyond the EN 16931 binding → `Extension`s, kept verbatim.

`BINDING` is the tree of elements the UBL readers map (EN 16931-3-2). Every child of a mapped
element that the binding does not name (an `ext:UBLExtensions`, a CIUS's `cac:SubInvoiceLine`, a
`cbc:UBLVersionID`), every repeat of an element the readers read once (any not `REPEATING`: a
second `cac:PaymentTerms`, `cac:AddressLine` or `cac:Contact`), and every mapped element whose
content the model cannot hold (`CHECKS`: a surcharge on a price, a later `cac:PaymentMeans`' own
means code, a buyer's SEPA identifier) becomes one `Extension`, with its path and its XML as
written, subtree included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from turnout.authoring import Extension
from turnout.modules.einvoice.reading import Element, attribute_of
from turnout.modules.einvoice.siblings import extensions_of, forget, once
from turnout.modules.einvoice.ubl_parties import SEPA
from turnout.modules.einvoice.ubl_payment import MEANS_CHECKS
from turnout.modules.einvoice.ubl_tree import NAMESPACES, is_surcharge

Tree = dict[str, "Tree"]
LEAF: Tree = {}


def _leaves(*names: str) -> Tree:
    return dict.fromkeys(names, LEAF)


_ADDRESS: Tree = {
    **_leaves("cbc:StreetName", "cbc:AdditionalStreetName", "cbc:CityName", "cbc:PostalZone"),
    **_leaves("cbc:CountrySubentity"),
    "cac:AddressLine": _leaves("cbc:Line"),
    "cac:Country": _leaves("cbc:IdentificationCode"),
}
_TAX_SCHEME: Tree = {"cbc:CompanyID": LEAF, "cac:TaxScheme": _leaves("cbc:ID")}
_PARTY: Tree = {
    "cbc:EndpointID": LEAF,
    "cac:PartyIdentification": _leaves("cbc:ID"),
    "cac:PartyName": _leaves("cbc:Name"),
    "cac:PostalAddress": _ADDRESS,
    "cac:PartyTaxScheme": _TAX_SCHEME,
    "cac:PartyLegalEntity": _leaves(
        "cbc:RegistrationName", "cbc:CompanyID", "cbc:CompanyLegalForm"
    ),
    "cac:Contact": _leaves("cbc:Name", "cbc:Telephone", "cbc:ElectronicMail"),
}
_TAX_CATEGORY: Tree = {**_leaves("cbc:ID", "cbc:Percent"), "cac:TaxScheme": _leaves("cbc:ID")}
_ALLOWANCE_CHARGE: Tree = _leaves(
    "cbc:ChargeIndicator", "cbc:AllowanceChargeReasonCode", "cbc:AllowanceChargeReason",
    "cbc:MultiplierFactorNumeric", "cbc:Amount", "cbc:BaseAmount",
)  # fmt: skip
_ID = _leaves("cbc:ID")
_PERIOD = _leaves("cbc:StartDate", "cbc:EndDate")
_ITEM: Tree = {
    **_leaves("cbc:Description", "cbc:Name"),
    "cac:BuyersItemIdentification": _ID,
    "cac:SellersItemIdentification": _ID,
    "cac:StandardItemIdentification": _ID,
    "cac:OriginCountry": _leaves("cbc:IdentificationCode"),
    "cac:CommodityClassification": _leaves("cbc:ItemClassificationCode"),
    "cac:ClassifiedTaxCategory": _TAX_CATEGORY,
    "cac:AdditionalItemProperty": _leaves("cbc:Name", "cbc:Value"),
}
_LINE: Tree = {
    **_leaves("cbc:ID", "cbc:Note", "cbc:InvoicedQuantity", "cbc:CreditedQuantity"),
    **_leaves("cbc:LineExtensionAmount", "cbc:AccountingCost"),
    "cac:InvoicePeriod": _PERIOD,
    "cac:OrderLineReference": _leaves("cbc:LineID"),
    "cac:DocumentReference": _leaves("cbc:ID", "cbc:DocumentTypeCode"),
    "cac:AllowanceCharge": _ALLOWANCE_CHARGE,
    "cac:Item": _ITEM,
    "cac:Price": {
        **_leaves("cbc:PriceAmount", "cbc:BaseQuantity"),
        "cac:AllowanceCharge": _leaves("cbc:ChargeIndicator", "cbc:Amount", "cbc:BaseAmount"),
    },
}
BINDING: Tree = {
    **_leaves("cbc:CustomizationID", "cbc:ProfileID", "cbc:ID", "cbc:IssueDate", "cbc:DueDate"),
    **_leaves("cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode", "cbc:Note", "cbc:TaxPointDate"),
    **_leaves("cbc:DocumentCurrencyCode", "cbc:TaxCurrencyCode", "cbc:AccountingCost"),
    **_leaves("cbc:BuyerReference"),
    "cac:InvoicePeriod": {**_PERIOD, "cbc:DescriptionCode": LEAF},
    "cac:OrderReference": _leaves("cbc:ID", "cbc:SalesOrderID"),
    "cac:BillingReference": {"cac:InvoiceDocumentReference": _leaves("cbc:ID", "cbc:IssueDate")},
    "cac:DespatchDocumentReference": _ID,
    "cac:ReceiptDocumentReference": _ID,
    "cac:OriginatorDocumentReference": _ID,
    "cac:ContractDocumentReference": _ID,
    "cac:AdditionalDocumentReference": {
        **_leaves("cbc:ID", "cbc:DocumentTypeCode", "cbc:DocumentDescription"),
        "cac:Attachment": {
            "cbc:EmbeddedDocumentBinaryObject": LEAF,
            "cac:ExternalReference": _leaves("cbc:URI"),
        },
    },
    "cac:ProjectReference": _ID,
    "cac:AccountingSupplierParty": {"cac:Party": _PARTY},
    "cac:AccountingCustomerParty": {"cac:Party": _PARTY},
    "cac:PayeeParty": {
        "cac:PartyIdentification": _ID,
        "cac:PartyName": _leaves("cbc:Name"),
        "cac:PartyLegalEntity": _leaves("cbc:CompanyID"),
    },
    "cac:TaxRepresentativeParty": {
        "cac:PartyName": _leaves("cbc:Name"),
        "cac:PostalAddress": _ADDRESS,
        "cac:PartyTaxScheme": _TAX_SCHEME,
    },
    "cac:Delivery": {
        "cbc:ActualDeliveryDate": LEAF,
        "cac:DeliveryLocation": {"cbc:ID": LEAF, "cac:Address": _ADDRESS},
        "cac:DeliveryParty": {"cac:PartyName": _leaves("cbc:Name")},
    },
    "cac:PaymentMeans": {
        **_leaves("cbc:PaymentMeansCode", "cbc:PaymentDueDate", "cbc:PaymentID"),
        "cac:CardAccount": _leaves("cbc:PrimaryAccountNumberID", "cbc:NetworkID", "cbc:HolderName"),
        "cac:PayeeFinancialAccount": {
            **_leaves("cbc:ID", "cbc:Name"),
            "cac:FinancialInstitutionBranch": _ID,
        },
        "cac:PaymentMandate": {"cbc:ID": LEAF, "cac:PayerFinancialAccount": _ID},
    },
    "cac:PaymentTerms": _leaves("cbc:Note"),
    "cac:AllowanceCharge": {**_ALLOWANCE_CHARGE, "cac:TaxCategory": _TAX_CATEGORY},
    "cac:TaxTotal": {
        "cbc:TaxAmount": LEAF,
        "cac:TaxSubtotal": {
            **_leaves("cbc:TaxableAmount", "cbc:TaxAmount"),
            "cac:TaxCategory": {
                **_TAX_CATEGORY,
                **_leaves("cbc:TaxExemptionReasonCode", "cbc:TaxExemptionReason"),
            },
        },
    },
    "cac:LegalMonetaryTotal": _leaves(
        "cbc:LineExtensionAmount",
        "cbc:TaxExclusiveAmount",
        "cbc:TaxInclusiveAmount",
        "cbc:AllowanceTotalAmount",
        "cbc:ChargeTotalAmount",
        "cbc:PrepaidAmount",
        "cbc:PayableRoundingAmount",
        "cbc:PayableAmount",
    ),
    "cac:InvoiceLine": _LINE,
    "cac:CreditNoteLine": _LINE,
}
"""Every element the UBL readers map, as a tree of prefixed names under the document root."""

_ID_TAG = f"{{{NAMESPACES['cbc']}}}ID"
_IDENTIFICATION = f"{{{NAMESPACES['cac']}}}PartyIdentification"
_PAYEE = f"{{{NAMESPACES['cac']}}}PayeeParty"

_LINE_REPEATING = (
    "cac:AllowanceCharge",
    "cac:DocumentReference",  # BT-128 is one: the reader hands the others over as unmapped
    "cac:Item/cac:CommodityClassification",
    "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
    "cac:Item/cac:AdditionalItemProperty",
)
REPEATING = frozenset(
    {
        "cbc:Note",
        "cac:BillingReference",
        "cac:BillingReference/cac:InvoiceDocumentReference",
        "cac:AdditionalDocumentReference",
        "cac:PaymentMeans",
        "cac:PaymentMeans/cbc:PaymentID",
        "cac:PaymentMeans/cbc:PaymentDueDate",
        "cac:PaymentMeans/cac:PayeeFinancialAccount",
        "cac:AllowanceCharge",
        "cac:TaxTotal",
        "cac:TaxTotal/cac:TaxSubtotal",
        "cac:InvoiceLine",
        "cac:CreditNoteLine",
        "cac:PayeeParty/cac:PartyIdentification",
        *(
            f"{party}/cac:Party/{name}"
            for party in ("cac:AccountingSupplierParty", "cac:AccountingCustomerParty")
            for name in ("cac:PartyIdentification", "cac:PartyTaxScheme")
        ),
        *(
            f"{line}/{name}"
            for line in ("cac:InvoiceLine", "cac:CreditNoteLine")
            for name in _LINE_REPEATING
        ),
    }
)
"""Elements the readers read every occurrence of (or hand the ones the model has no place for
over as unmapped, or check each of, `CHECKS`). Any other element the binding names is read once:
a repeat of it (a second `cac:AddressLine`, `cac:PartyName`, `cac:Contact`, price
`cac:AllowanceCharge`, `cbc:TaxExemptionReason`) is kept as an extension."""


def _not_a_surcharge(price_allowance: Element) -> bool:
    return not is_surcharge(price_allowance)


def _sepa(identification: Element) -> bool:
    return attribute_of(next(identification.iterchildren(_ID_TAG), None), "schemeID") == SEPA


def _first_sepa(party: Element) -> Element | None:
    return once(
        party, "first SEPA", lambda: next(filter(_sepa, party.iterchildren(_IDENTIFICATION)), None)
    )


def _payee_id_read(identification: Element) -> bool:
    """The payee's first identifier is BT-60 and its first with scheme SEPA BT-90; others are
    not read."""
    party = identification.getparent()
    if party is None:
        return True
    if _sepa(identification):
        return _first_sepa(party) is identification
    first = once(
        party,
        "first identifier",
        lambda: next((i for i in party.iterchildren(_IDENTIFICATION) if not _sepa(i)), None),
    )
    return first is identification


def _seller_id_read(identification: Element) -> bool:
    """Every seller identifier is read (BT-29); one with scheme SEPA is BT-90 when it is the
    first such and the payee gives none."""
    if not _sepa(identification):
        return True
    party = identification.getparent()
    accounting = None if party is None else party.getparent()
    root = None if accounting is None else accounting.getparent()
    if party is None or root is None:
        return True
    payee = next(root.iterchildren(_PAYEE), None)
    if payee is not None and _first_sepa(payee) is not None:
        return False
    return _first_sepa(party) is identification


def _buyer_id_read(identification: Element) -> bool:
    """A buyer identifier with scheme SEPA is no term of the model (BT-90 is the seller's)."""
    return not _sepa(identification)


CHECKS: dict[str, Callable[[Element], bool]] = {
    # BT-147 is a discount on the gross price: a surcharge has no term, and is kept whole
    "cac:InvoiceLine/cac:Price/cac:AllowanceCharge": _not_a_surcharge,
    "cac:CreditNoteLine/cac:Price/cac:AllowanceCharge": _not_a_surcharge,
    # a later payment means' own code, payment id, card ... that differ from what was read
    **{f"cac:PaymentMeans/{name}": check for name, check in MEANS_CHECKS.items()},
    "cac:PayeeParty/cac:PartyIdentification": _payee_id_read,
    "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification": _seller_id_read,
    "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification": _buyer_id_read,
}
"""Elements mapped only when their content says so, with the test each must pass."""


@dataclass(frozen=True)
class _Mapped:
    """A mapped element's children by Clark name (`{namespace}Name`): None for a leaf."""

    children: dict[str, _Mapped | None]
    single: frozenset[str]  # the children of which only the first is mapped (not REPEATING)
    checks: dict[str, Callable[[Element], bool]]  # children mapped only when they pass


def _compile(tree: Tree, path: str) -> _Mapped:
    children: dict[str, _Mapped | None] = {}
    single: set[str] = set()
    checks: dict[str, Callable[[Element], bool]] = {}
    for name, below in tree.items():
        prefix, local = name.split(":")
        clark = f"{{{NAMESPACES[prefix]}}}{local}"
        child_path = f"{path}/{name}" if path else name
        children[clark] = _compile(below, child_path) if below else None
        if child_path not in REPEATING:
            single.add(clark)
        if child_path in CHECKS:
            checks[clark] = CHECKS[child_path]
    return _Mapped(children, frozenset(single), checks)


_ROOT = _compile(BINDING, "")


def extensions(root: Element, unmapped: list[Element]) -> list[Extension]:
    """Every element of a UBL document the binding does not map, verbatim, in document order;
    `unmapped` adds mapped elements whose content the model has no place for (found by the
    readers, which look at it)."""
    found: list[Element] = []
    try:
        _unmapped(root, _ROOT, found)
    finally:
        forget()
    if unmapped:  # rare: only then is the list put in document order
        wanted = {*found, *unmapped}
        found = [element for element in root.iter() if element in wanted]
    return extensions_of(found)


def _unmapped(element: Element, mapped: _Mapped, found: list[Element]) -> None:
    """Collect the children of a mapped element that the binding does not name, and repeats of
    its single children; descend into the mapped ones. Only mapped elements are visited, each
    once: on the bundled invoice this takes about a quarter of the time one XPath union of the
    same steps takes in libxml2."""
    children, single, checks = mapped.children, mapped.single, mapped.checks
    seen: set[str] = set()
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        below = children.get(tag, _UNNAMED)
        if (
            below is _UNNAMED
            or (tag in single and tag in seen)
            or (tag in checks and not checks[tag](child))
        ):
            found.append(child)
        elif below is not None:
            _unmapped(child, below, found)
        if single:
            seen.add(tag)


_UNNAMED = _Mapped({}, frozenset(), {})
