"""E-mail addresses and phone numbers printed without a label, given to the party that prints them.

An e-mail address is recognisable by its shape wherever it is; it is a party's when it stands in
that party's block, and the seller's when it stands in the letterhead or a footer, which speak for
the issuer. A phone number without a label is read only inside a party's block (elsewhere a run
of digits is too often something else), only first on its line (after a key or a word it is
another field's number), and only in a phone's shape: digit groups with
separators, 7 to 15 digits, not a date, a post code line or an amount — or, in the letterhead or
a footer, one written with its country code or its area code in brackets. Labelled ones are
`terms`' to read; these come with a lower confidence.

The seller's website is read the same way as its e-mail: a web address in the seller's block, the
letterhead or a footer (`http://...`, `www....`, or a bare host under a common top-level domain),
given as its site — the scheme and host as printed, without the page's path. A software credit
("Powered by ... (www...)") is not the seller's. EN 16931 has no term for a website: it is kept
under `extra.partner_website`, the name the template reader gives it.
"""

from __future__ import annotations

import re

from turnout.modules.extract.layout.page import Found, Layout
from turnout.modules.extract.layout.postal import postal_line
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.term_labels import VALUES
from turnout.modules.extract.layout.terms import Owner, ocr_weighed
from turnout.modules.extract.layout.values import Candidate
from turnout.modules.normalize.dates import find_dates

IN_BLOCK = 0.7
LETTERHEAD_OR_FOOTER = 0.55
PHONE_IN_BLOCK = 0.6
_EMAIL = VALUES["seller.contact.email"]
_PHONE = re.compile(
    r"(?<![\w+,.])(?:\+\d{1,3}[\s./-]?)?(?:\(\d{1,5}\)|\d{1,5})(?:[\s./-]{1,2}\(?\d{2,5}\)?){1,4}"
    r"(?![\w,.]\d|\w)"
)
_LETTER = re.compile(r"[^\W\d_]")
WEBSITE = "extra.partner_website"
_TLD = (
    r"com|net|org|info|biz|io|eu|de|fr|nl|be|lu|it|es|pt|at|ch|uk|ie|dk|se|no|fi|pl|cz|in|us|ca|au"
)
_WEB = re.compile(
    r"(?<![\w@.\-/])(?:https?://[\w-]+(?:\.[\w-]+)+|www\.[\w-]+(?:\.[\w-]+)+|"
    rf"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_TLD}))(?=/|[.,;:)]?(?:\s|$))",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"(?:powered|generated|created|made|produced|printed)\s+(?:by|with|using)|erstellt\s+mit|"
    r"r[ée]alis[ée]\s+avec|gemaakt\s+met|generad[oa]\s+con",
    re.IGNORECASE,
)
_LETTERHEAD_SHARE = 0.25
_FOOTER_SHARE = 0.2


def unlabelled_contacts(
    texts: dict[int, LineText], layout: Layout, owner: Owner
) -> list[Candidate]:
    """The e-mail addresses and phone numbers of the parties' blocks, letterhead and footers."""
    out: list[Candidate] = []
    for text in texts.values():
        line = text.line
        edge = (line.page == 1 and line.top < _LETTERHEAD_SHARE * layout.page_height(1)) or (
            line.top > (1 - _FOOTER_SHARE) * layout.page_height(line.page)
        )
        for m in _EMAIL.finditer(text.text):
            who = owner(line.index, text.phrase_at(m.start()))
            if who is None and not edge:
                continue
            confidence = IN_BLOCK if who is not None else LETTERHEAD_OR_FOOTER
            out.append(_candidate(f"{who or 'seller'}.contact.email", text, m, confidence))
        for m in _PHONE.finditer(text.text):
            if _LETTER.search(text.text, 0, m.start()):
                continue  # after a key or a word: another field's number ("Steuernummer: ...")
            who = owner(line.index, text.phrase_at(m.start()))
            if who is None and edge and m.group()[:1] in "+(":
                who = "seller"  # "+49 89 ...", "(870) ...": an issuer's number at the page's edge
                confidence = LETTERHEAD_OR_FOOTER
            else:
                confidence = PHONE_IN_BLOCK
            if who is not None and _is_phone(m.group(), text.text):
                out.append(_candidate(f"{who}.contact.phone", text, m, confidence))
        for m in _WEB.finditer(text.text):
            who = owner(line.index, text.phrase_at(m.start()))
            if who == "buyer" or (who is None and not edge) or _CREDIT.search(text.text):
                continue
            confidence = IN_BLOCK if who is not None else LETTERHEAD_OR_FOOTER
            out.append(_candidate(WEBSITE, text, m, confidence))
    return out


def _is_phone(value: str, line: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    if not 7 <= digits <= 15 or any(True for _ in find_dates(value)):
        return False
    return postal_line(line.strip()) is None


def _candidate(path: str, text: LineText, m: re.Match[str], confidence: float) -> Candidate:
    words = text.words(m.start(), m.end())
    value = m.group().replace(" ", "") if path.endswith(".email") else m.group()
    found = Found(value, ocr_weighed(confidence, words), words)
    return Candidate(path, found, text.line.index)
