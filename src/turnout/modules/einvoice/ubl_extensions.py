"""What a UBL invoice carries beyond the EN 16931 binding → `Extension`s, kept verbatim.

`BINDING` is the tree of elements the UBL readers map (EN 16931-3-2). Every child of a mapped
element that the binding does not name (an `ext:UBLExtensions`, a CIUS's `cac:SubInvoiceLine`, a
`cbc:UBLVersionID`), every repeat of an element of which the model holds one (a second
`cac:PaymentTerms`), and every mapped element whose content the model cannot hold (`CHECKS`: a
surcharge on a price, a later `cac:PaymentMeans`' own means code) becomes one `Extension`, with its
path and its XML as written, subtree included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from turnout.domain.invoice import Extension
from turnout.modules.einvoice.reading import Element
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

SINGLE = frozenset(
    {
        "cac:PaymentTerms",
        "cac:PaymentTerms/cbc:Note",
        "cac:ProjectReference",
        "cac:ContractDocumentReference",
        "cac:ReceiptDocumentReference",
        "cac:DespatchDocumentReference",
        "cac:OriginatorDocumentReference",
        "cac:Delivery",
        "cac:InvoicePeriod",
        "cac:InvoiceLine/cac:InvoicePeriod",
        "cac:CreditNoteLine/cac:InvoicePeriod",
        "cac:InvoiceLine/cbc:Note",
        "cac:CreditNoteLine/cbc:Note",
        "cac:InvoiceLine/cac:Item/cbc:Description",
        "cac:CreditNoteLine/cac:Item/cbc:Description",
        "cac:InvoiceLine/cac:OrderLineReference",
        "cac:CreditNoteLine/cac:OrderLineReference",
    }
)
"""Elements UBL lets repeat of which the model holds one: the first is read, repeats are kept."""


def _not_a_surcharge(price_allowance: Element) -> bool:
    return not is_surcharge(price_allowance)


CHECKS: dict[str, Callable[[Element], bool]] = {
    # BT-147 is a discount on the gross price: a surcharge has no term, and is kept whole
    "cac:InvoiceLine/cac:Price/cac:AllowanceCharge": _not_a_surcharge,
    "cac:CreditNoteLine/cac:Price/cac:AllowanceCharge": _not_a_surcharge,
    # a later payment means' own code, payment id, card ... that differ from what was read
    **{f"cac:PaymentMeans/{name}": check for name, check in MEANS_CHECKS.items()},
}
"""Elements mapped only when their content says so, with the test each must pass."""


@dataclass(frozen=True)
class _Mapped:
    """A mapped element's children by Clark name (`{namespace}Name`): None for a leaf."""

    children: dict[str, _Mapped | None]
    single: frozenset[str]  # the children of which only the first is mapped
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
        if child_path in SINGLE:
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
    _unmapped(root, _ROOT, found)
    if unmapped:  # rare: only then is the list put in document order
        wanted = {*found, *unmapped}
        found = [element for element in root.iter() if element in wanted]
    return [
        Extension(path_of(element), etree.tostring(element, encoding="unicode", with_tail=False))
        for element in found
    ]


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


def path_of(element: Element) -> str:
    """An XPath to `element` with the document's prefixes, a position where a name repeats."""
    steps: list[str] = []
    node: Element | None = element
    while node is not None:
        qname = etree.QName(node)
        name = f"{node.prefix}:{qname.localname}" if node.prefix else qname.localname
        parent = node.getparent()
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == node.tag]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))
