"""Render an example case as UBL 2.1 and as UN/CEFACT CII (used by make_xml_examples.py).
 Element order follows the schemas; amounts are written exactly as the
computed Decimals print, so the expected JSON matches the XML character for character.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lxml import etree
from lxml.builder import ElementMaker

from turnout.domain.invoice import Invoice

if TYPE_CHECKING:
    from make_xml_examples import Case, Trader

UBL_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"


def s(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------- UBL


def write_ubl(case: Case, inv: Invoice) -> bytes:
    kind = case.document_type
    root_ns = UBL_NS[kind]
    doc = ElementMaker(namespace=root_ns, nsmap={None: root_ns, "cac": CAC, "cbc": CBC})
    b = ElementMaker(namespace=CBC)
    a = ElementMaker(namespace=CAC)
    cur = {"currencyID": case.currency}

    def vat_category(tag: str, category: str, rate: Decimal) -> etree._Element:
        return a(tag, b.ID(category), b.Percent(s(rate)), a.TaxScheme(b.ID("VAT")))

    def party(t: Trader) -> etree._Element:
        contact = []
        if t.contact:
            contact = [
                a.Contact(b.Name(t.contact), b.Telephone(t.phone), b.ElectronicMail(t.email))
            ]
        return a.Party(
            b.EndpointID(t.email, schemeID="EM"),
            a.PartyName(b.Name(t.name)),
            a.PostalAddress(
                b.StreetName(t.street),
                b.CityName(t.city),
                b.PostalZone(t.postcode),
                a.Country(b.IdentificationCode(t.country)),
            ),
            a.PartyTaxScheme(b.CompanyID(t.vat_id), a.TaxScheme(b.ID("VAT"))),
            a.PartyLegalEntity(b.RegistrationName(t.name)),
            *contact,
        )

    head: list[etree._Element] = [
        b.CustomizationID(case.profile),
        b.ProfileID("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"),
        b.ID(case.number),
        b.IssueDate(case.issue.isoformat()),
    ]
    if kind == "Invoice":
        head.append(b.DueDate(case.due.isoformat()))
    head += [
        b(f"{kind}TypeCode", case.type_code),
        b.Note(case.note),
        b.DocumentCurrencyCode(case.currency),
        b.BuyerReference(case.buyer_reference),
        a.OrderReference(b.ID(case.order_reference)),
    ]
    if kind == "CreditNote":
        head.append(a.BillingReference(a.InvoiceDocumentReference(b.ID("LW-2024-0815"))))
    means = [b.PaymentMeansCode("58")]
    if kind == "CreditNote":
        means.append(b.PaymentDueDate(case.due.isoformat()))
    means.append(
        a.PayeeFinancialAccount(
            b.ID(case.iban), b.Name(case.seller.name), a.FinancialInstitutionBranch(b.ID(case.bic))
        )
    )
    adjustments = [
        a.AllowanceCharge(
            b.ChargeIndicator("true" if adj.charge else "false"),
            b.AllowanceChargeReason(adj.reason),
            b.Amount(s(adj.amount), **cur),
            vat_category("TaxCategory", adj.category, adj.rate),
        )
        for adj in case.adjustments
    ]
    t = inv.totals
    money = [
        ("LineExtensionAmount", t.line_net),
        ("TaxExclusiveAmount", t.tax_exclusive),
        ("TaxInclusiveAmount", t.tax_inclusive),
        ("AllowanceTotalAmount", t.allowances),
        ("ChargeTotalAmount", t.charges),
        ("PrepaidAmount", t.prepaid),
        ("PayableRoundingAmount", t.rounding),
        ("PayableAmount", t.payable),
    ]
    quantity_tag = "CreditedQuantity" if kind == "CreditNote" else "InvoicedQuantity"
    lines = [
        a(
            f"{kind}Line",
            b.ID(line.id),
            b(quantity_tag, s(line.quantity), unitCode=line.unit),
            b.LineExtensionAmount(s(line.net_amount), **cur),
            a.Item(
                b.Name(line.name),
                vat_category("ClassifiedTaxCategory", line.vat_category, line.vat_rate),
            ),
            a.Price(b.PriceAmount(s(line.net_price), **cur)),
        )
        for line in inv.lines
    ]
    root = doc(
        kind,
        *head,
        a.AccountingSupplierParty(party(case.seller)),
        a.AccountingCustomerParty(party(case.buyer)),
        a.PaymentMeans(*means),
        a.PaymentTerms(b.Note(f"Zahlbar bis {case.due:%d.%m.%Y} ohne Abzug.")),
        *adjustments,
        a.TaxTotal(
            b.TaxAmount(s(t.tax), **cur),
            *[
                a.TaxSubtotal(
                    b.TaxableAmount(s(v.taxable), **cur),
                    b.TaxAmount(s(v.tax), **cur),
                    vat_category("TaxCategory", v.category, v.rate),
                )
                for v in inv.vat_breakdown
            ],
        ),
        a.LegalMonetaryTotal(*[b(tag, s(v), **cur) for tag, v in money if v is not None]),
        *lines,
    )
    return _xml(root)


# ---------------------------------------------------------------- CII


def write_cii(case: Case, inv: Invoice) -> bytes:
    rsm = ElementMaker(namespace=RSM, nsmap={"rsm": RSM, "ram": RAM, "udt": UDT})
    r = ElementMaker(namespace=RAM)
    u = ElementMaker(namespace=UDT)

    def date(d: Any) -> etree._Element:
        return u.DateTimeString(d.strftime("%Y%m%d"), format="102")

    def party(tag: str, t: Trader) -> etree._Element:
        contact = []
        if t.contact:
            contact = [
                r.DefinedTradeContact(
                    r.PersonName(t.contact),
                    r.TelephoneUniversalCommunication(r.CompleteNumber(t.phone)),
                    r.EmailURIUniversalCommunication(r.URIID(t.email)),
                )
            ]
        return r(
            tag,
            r.Name(t.name),
            *contact,
            r.PostalTradeAddress(
                r.PostcodeCode(t.postcode),
                r.LineOne(t.street),
                r.CityName(t.city),
                r.CountryID(t.country),
            ),
            r.URIUniversalCommunication(r.URIID(t.email, schemeID="EM")),
            r.SpecifiedTaxRegistration(r.ID(t.vat_id, schemeID="VA")),
        )

    items = [
        r.IncludedSupplyChainTradeLineItem(
            r.AssociatedDocumentLineDocument(r.LineID(line.id)),
            r.SpecifiedTradeProduct(r.Name(line.name)),
            r.SpecifiedLineTradeAgreement(
                r.NetPriceProductTradePrice(r.ChargeAmount(s(line.net_price)))
            ),
            r.SpecifiedLineTradeDelivery(r.BilledQuantity(s(line.quantity), unitCode=line.unit)),
            r.SpecifiedLineTradeSettlement(
                r.ApplicableTradeTax(
                    r.TypeCode("VAT"),
                    r.CategoryCode(line.vat_category),
                    r.RateApplicablePercent(s(line.vat_rate)),
                ),
                r.SpecifiedTradeSettlementLineMonetarySummation(
                    r.LineTotalAmount(s(line.net_amount))
                ),
            ),
        )
        for line in inv.lines
    ]
    taxes = [
        r.ApplicableTradeTax(
            r.CalculatedAmount(s(v.tax)),
            r.TypeCode("VAT"),
            r.BasisAmount(s(v.taxable)),
            r.CategoryCode(v.category),
            r.RateApplicablePercent(s(v.rate)),
        )
        for v in inv.vat_breakdown
    ]
    adjustments = [
        r.SpecifiedTradeAllowanceCharge(
            r.ChargeIndicator(u.Indicator("true" if adj.charge else "false")),
            r.ActualAmount(s(adj.amount)),
            r.Reason(adj.reason),
            r.CategoryTradeTax(
                r.TypeCode("VAT"),
                r.CategoryCode(adj.category),
                r.RateApplicablePercent(s(adj.rate)),
            ),
        )
        for adj in case.adjustments
    ]
    t = inv.totals
    summation = [
        r.LineTotalAmount(s(t.line_net)),
        *([r.ChargeTotalAmount(s(t.charges))] if t.charges is not None else []),
        *([r.AllowanceTotalAmount(s(t.allowances))] if t.allowances is not None else []),
        r.TaxBasisTotalAmount(s(t.tax_exclusive)),
        r.TaxTotalAmount(s(t.tax), currencyID=case.currency),
        r.GrandTotalAmount(s(t.tax_inclusive)),
        *([r.TotalPrepaidAmount(s(t.prepaid))] if t.prepaid is not None else []),
        r.DuePayableAmount(s(t.payable)),
    ]
    root = rsm.CrossIndustryInvoice(
        rsm.ExchangedDocumentContext(
            r.GuidelineSpecifiedDocumentContextParameter(r.ID(case.profile)),
        ),
        rsm.ExchangedDocument(
            r.ID(case.number),
            r.TypeCode(case.type_code),
            r.IssueDateTime(date(case.issue)),
            r.IncludedNote(r.Content(case.note)),
        ),
        rsm.SupplyChainTradeTransaction(
            *items,
            r.ApplicableHeaderTradeAgreement(
                r.BuyerReference(case.buyer_reference),
                party("SellerTradeParty", case.seller),
                party("BuyerTradeParty", case.buyer),
                r.BuyerOrderReferencedDocument(r.IssuerAssignedID(case.order_reference)),
            ),
            r.ApplicableHeaderTradeDelivery(),
            r.ApplicableHeaderTradeSettlement(
                r.InvoiceCurrencyCode(case.currency),
                r.SpecifiedTradeSettlementPaymentMeans(
                    r.TypeCode("58"),
                    r.PayeePartyCreditorFinancialAccount(r.IBANID(case.iban)),
                    r.PayeeSpecifiedCreditorFinancialInstitution(r.BICID(case.bic)),
                ),
                *taxes,
                *adjustments,
                r.SpecifiedTradePaymentTerms(
                    r.Description(f"Payable by {case.due.isoformat()}"),
                    r.DueDateDateTime(date(case.due)),
                ),
                r.SpecifiedTradeSettlementHeaderMonetarySummation(*summation),
            ),
        ),
    )
    return _xml(root)
