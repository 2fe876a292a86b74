"""Postal address lines by their shape: post code and city (by the country's format), country names.

General knowledge of how addresses are written, no list of places: a post code is written before
the city in most of Europe (`80331 München`, `D-80331 München`, `3012 CN Rotterdam`,
`1000-001 Lisboa`, `00-950 Warszawa`, `75371 Paris Cedex 08`), after it in the United Kingdom
(`Leeds LS1 4AP`), after the city and the state's code in North America and Australia
(`Fremont CA 94538`, `Austin, TX 78701-1234`, `Toronto ON M5V 2T6`), after a dash in India
(`New Delhi - 110001`). A country is named in one of six languages, or English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CITY = r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\u2019.\- ]{0,38}?(?:\s+(?:cedex|CEDEX|Cedex)(?:\s+\d{1,2})?)?"
# each: the post code (group "code"), the city (group "city"), the state ("state", when written)
_FORMS = (
    # the Netherlands: four digits and two letters
    re.compile(rf"^(?:NL\s?-\s?)?(?P<code>\d{{4}}\s?[A-Z]{{2}})\s+(?P<city>{_CITY})$"),
    # the continent: a post code of 4 or 5 digits (a country letter before it), then the city
    re.compile(
        rf"^(?:[A-Z]{{1,2}}\s?-\s?|[A-Z]{{2}}\s)?(?P<code>\d{{5}}|\d{{4}})\s+(?P<city>{_CITY})$"
    ),
    # Portugal and Poland: 1234-567, 12-345
    re.compile(rf"^(?P<code>\d{{4}}-\d{{3}}|\d{{2}}-\d{{3}})\s+(?P<city>{_CITY})$"),
    # the United Kingdom: the city, then the post code
    re.compile(
        rf"^(?P<city>{_CITY}),?\s+(?P<code>[A-Z]{{1,2}}\d[A-Z\d]?\s?\d[A-Z]{{2}})$",
    ),
    # the United States, Canada, Australia: city, state code, ZIP or postal code
    re.compile(
        rf"^(?P<city>{_CITY}),?\s+(?P<state>[A-Z]{{2,3}}),?\s+"
        r"(?P<code>\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{4})$"
    ),
    # India: the city, a dash, six digits
    re.compile(rf"^(?P<city>{_CITY})\s*[-\u2013]\s*(?P<code>\d{{6}})$"),
)
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "DE": ("deutschland", "germany", "allemagne", "germania", "alemania", "duitsland"),
    "AT": ("österreich", "austria", "autriche", "oostenrijk"),
    "CH": ("schweiz", "suisse", "svizzera", "switzerland", "suiza", "zwitserland"),
    "FR": ("france", "frankreich", "francia", "frankrijk"),
    "BE": ("belgique", "belgië", "belgie", "belgium", "belgien", "belgio", "bélgica"),
    "LU": ("luxembourg", "luxemburg", "lussemburgo", "luxemburgo"),
    "NL": (
        "nederland",
        "netherlands",
        "the netherlands",
        "niederlande",
        "pays-bas",
        "paesi bassi",
        "países bajos",
    ),
    "IT": ("italia", "italy", "italien", "italie", "italië"),
    "ES": ("españa", "espana", "spain", "spanien", "espagne", "spagna", "spanje"),
    "PT": ("portugal", "portogallo"),
    "GB": (
        "united kingdom",
        "uk",
        "great britain",
        "england",
        "großbritannien",
        "vereinigtes königreich",
        "royaume-uni",
        "regno unito",
        "reino unido",
        "verenigd koninkrijk",
    ),
    "IE": ("ireland", "irland", "irlande", "irlanda", "ierland"),
    "US": (
        "united states",
        "united states of america",
        "usa",
        "u.s.a.",
        "vereinigte staaten",
        "états-unis",
        "stati uniti",
        "estados unidos",
        "verenigde staten",
    ),
    "PL": ("polska", "poland", "polen", "pologne", "polonia"),
    "DK": ("danmark", "denmark", "dänemark", "danemark", "danimarca", "dinamarca", "denemarken"),
    "SE": ("sverige", "sweden", "schweden", "suède", "svezia", "suecia", "zweden"),
    "IN": ("india", "indien", "inde"),
}
_COUNTRY_OF = {name: code for code, names in _COUNTRIES.items() for name in names}
# words that make a line something else than a place: a label, a contact, an amount
_NOT_A_CITY = re.compile(r"[:@€$£%]|\b(?:tel|fax|phone|www)\b", re.IGNORECASE)
# a street's last word: "4557 De Silva St" is a house number and a street, not a post code and city
_STREET_END = re.compile(
    r"\b(?:st|street|str|straße|strasse|road|rd|way|ave|avenue|lane|ln|drive|dr|boulevard|blvd|"
    r"court|ct|place|pl|square|sq|parkway|pkwy|highway|hwy|weg|laan|straat|rue|via|calle)\.?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PostalLine:
    """A post code and its city as written, and the state or province when one is written."""

    post_code: str
    city: str
    subdivision: str | None = None


def postal_line(text: str) -> PostalLine | None:
    """`text` read as a post code and city line, or None when it is not one."""
    text = " ".join(text.split()).strip(" ,;")
    if not text or len(text) > 60 or _NOT_A_CITY.search(text):
        return None
    for form in _FORMS:
        m = form.match(text)
        if m is None:
            continue
        city = m["city"].strip(" ,.-")
        if sum(ch.isalpha() for ch in city) < 2 or country_of(city) is not None:
            continue
        if _STREET_END.search(city):
            continue
        state = m.groupdict().get("state")
        return PostalLine(m["code"], city, state)
    return None


def country_of(text: str) -> str | None:
    """The ISO 3166 code of the country `text` names, or None."""
    return _COUNTRY_OF.get(" ".join(text.split()).strip(" ,.;").lower())
