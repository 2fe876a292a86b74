"""The generated invoice's payment instructions (BG-16 to BG-19) and supporting documents (BG-24),
for `turnout.testing.einvoices`."""

from __future__ import annotations

import hashlib
import random

from turnout.domain.invoice import (
    Attachment,
    Card,
    CreditTransfer,
    DirectDebit,
    Invoice,
    Payment,
    SupportingDocument,
)
from turnout.testing import einvoice_codes as codes


def digits(rng: random.Random, n: int) -> str:
    """`n` random decimal digits."""
    return "".join(rng.choice("0123456789") for _ in range(n))


def payment_instructions(rng: random.Random, kind: str, inv: Invoice) -> Payment:
    """A credit transfer (30 or 58, one or two accounts), a card payment (48 or 54) or a direct
    debit (59) with its mandate and creditor id."""

    def maybe(chance: float = 0.5) -> bool:
        return rng.random() < chance

    pay = Payment(remittance=f"{inv.invoice_number}" if maybe(0.7) else None)
    if kind == "credit_transfer":
        pay.means_code = rng.choice(("30", "58"))
        pay.means_text = "SEPA credit transfer" if pay.means_code == "58" and maybe() else None
        pay.iban = f"DE{digits(rng, 20)}"
        pay.bic = "COBADEFFXXX" if maybe(0.6) else None
        pay.account_name = inv.seller.name if maybe() else None
        if maybe(0.4):  # a second account (BG-17 repeats)
            pay.more_transfers = [
                CreditTransfer(f"AT{digits(rng, 18)}", None, "BKAUATWW" if maybe() else None)
            ]
    elif kind == "card":
        pay.means_code = rng.choice(("48", "54"))
        pay.means_text = "Credit card" if maybe() else None
        # BR-51: never the whole card number, only its last digits
        pay.card = Card(digits(rng, 4), "J. Smith" if maybe() else None)
    else:
        pay.means_code = "59"
        pay.means_text = "SEPA direct debit" if maybe() else None
        pay.direct_debit = DirectDebit(
            mandate=f"MANDATE-{digits(rng, 6)}",
            creditor_id=f"DE98ZZZ{digits(rng, 11)}",
            debited_account=f"DE{digits(rng, 20)}" if maybe(0.8) else None,
        )
    return pay


def supporting_documents(
    rng: random.Random, seed: int, blobs: dict[str, bytes], attachments: bool
) -> list[SupportingDocument]:
    """None to three supporting documents: plain references, external URIs and attachments (whose
    bytes go to `blobs` by SHA-256; with `attachments` false, a URI instead)."""
    found = []
    for number in range(1, rng.choice((0, 1, 1, 2, 3)) + 1):
        doc = SupportingDocument(reference=f"DOC-{seed}-{number}")
        doc.description = rng.choice(("Timesheet", "Delivery note", None))
        kind = rng.choice(("attachment", "uri", "plain"))
        if kind == "attachment" and attachments:
            mime, extension = rng.choice(codes.MIME)
            data = attachment_bytes(rng, mime)
            digest = hashlib.sha256(data).hexdigest()
            blobs[digest] = data
            doc.attachment = Attachment(mime, f"{doc.reference}.{extension}", digest, len(data))
        elif kind != "plain":
            doc.uri = f"https://documents.example/{doc.reference}"
        found.append(doc)
    return found


def attachment_bytes(rng: random.Random, mime: str) -> bytes:
    """Some bytes that look like a file of type `mime` at a glance."""
    body = bytes(rng.randrange(256) for _ in range(rng.randint(16, 400)))
    if mime == "text/csv":
        rows = [f"{i};{digits(rng, 4)}" for i in range(rng.randint(1, 12))]
        return ("item;hours\n" + "\n".join(rows) + "\n").encode()
    if mime == "application/pdf":
        return b"%PDF-1.4\n%" + body + b"\n%%EOF\n"
    return body
