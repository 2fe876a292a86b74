"""What can be a party's name: not a label, a date, an amount, an address, a contact line.

The name of a party is the first line of its address block that names someone; the lines a
clerk skips over are recognised by their shape here (general layout knowledge, every language),
a letter's opening ("Sehr geehrter Herr Mustermann,", "Dear Sir,") and its sentences among them.
"""

from __future__ import annotations

import re

from turnout.modules.extract.amounts import find_amounts
from turnout.modules.normalize.dates import find_dates

_STREET = re.compile(
    r"(?:(?:stra(?:ß|ss)e|weg|platz|allee|gasse|ring|damm|ufer|chaussee|road|street|avenue|lane|"
    r"drive|boulevard|blvd|rue|chemin|via|viale|piazza|corso|calle|avenida|plaza|paseo|laan|"
    r"straat|plein|gracht|kade|dijk)\b|(?:str|rd|st|ave)\.)[^\n]*\d",
    re.IGNORECASE,
)
# "1200 Innovation Way", "12 rue ...", and OCR's "35ruedela République"
_NUMBER_FIRST = re.compile(
    r"^\d+[a-zA-Z]?,?\s+[A-Za-zÀ-ÿ]|^\d{1,4}\s*(?:rue|via|viale|calle|avenida|avenue|chemin|"
    r"boulevard|bd|allée|place|route|impasse|quai|cours)",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"(?:^|\s)(?:[A-Z]{1,2}[- ]?)?\d{4,5}(?:\s?[A-Z]{2})?\s*[A-ZÄÖÜÀ-Ý][\w-]+|"
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b"
)
_CONTACT = re.compile(
    r"@|www\.|https?:|\.(?:com|de|fr|it|es|nl|eu|org|net)\b|"
    r"^(?:tel|telefon|phone|fax|mobil|mobile|e-?mail|web|internet|tél|tfno|teléfono)\b|"
    r"\+\d{2}\s?\d",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"^(?:invoice|tax invoice|rechnung|gutschrift|facture|avoir|factuur|creditnota|factura|"
    r"fattura|nota di credito|credit note|receipt|quittung|copy|kopie|page|seite|"
    r"pos\.?|position|artikel|article|description|beschreibung|bezeichnung|menge|quantity)\b",
    re.IGNORECASE,
)
_SALUTATION = re.compile(
    r"^(?:firma|herrn?|frau|mr\.?|mrs\.?|ms\.?|monsieur|madame|m\.|mme|sig\.?(?:ra)?|spett\.le|"
    r"sr\.?|sra\.?|dhr\.?|mevr\.?|attn\.?:?|z\.\s?hd\.?|c/o)\s*$",
    re.IGNORECASE,
)
# a letter's opening ("Sehr geehrter Herr Mustermann,"): the words that open one only, and those
# that may also begin a name ("Beste Preise GmbH") only with the comma that ends an opening
_OPENING = re.compile(
    r"^(?:sehr\s+geehrte[rn]?|geachte|egregi[oa]|gentil[ei]ssim[oa]|estimad[oa]s?|"
    r"madame,?\s+monsieur|mesdames|messieurs)\b|"
    r"^(?:dear|liebe[rn]?|hallo|hello|hi|bonjour|cher|chère|gentil[ei]|caro|cara|"
    r"querid[oa]s?|beste)\b.*,\s*$",
    re.IGNORECASE,
)
# a sentence, not a name: two sentences ("... ein. Die Zahlung ..."), words ending with a full
# stop after a lower-case word ("... werden wir verrechnen."), or six words and more opening with
# a lower-case one that is no name's particle ("zu Ihrer Wohngebäudeversicherung berechnen wir
# Ihnen für den Zeitraum", but "van der Meer Bouw en Onderhoud B.V.")
_SENTENCE = re.compile(
    r"[a-zäöüßà-ÿ]{2}\.\s+[A-ZÄÖÜÀ-Ý][a-zäöüßà-ÿ]|(?:\S+\s+){3}[a-zäöüßà-ÿ]{3,}\.$|"
    r"^(?!(?:van|von|de|di|da|del|della|le|la|du|des|der|den|ter|ten)\s)[a-zäöüßà-ÿ]+\s+"
    r"(?:\S+\s+){4}\S+"
)
_GLUED_FORM = re.compile(
    r"([a-zäöüßà-ÿ])(GmbH|AG|KG|OHG|UG|SE|SARL|SAS|SA|BV|B\.V\.|NV|Ltd\.?|LLC|Inc\.?|S\.?r\.?l\.?|"
    r"S\.?p\.?A\.?|S\.L\.)(?=$|[\s&,.;)])"
)
_GLUED_CAPS = re.compile(r"([A-ZÄÖÜ]{2})(GMBH)(?=$|[\s&,.;)])")
_GLUED_CO = re.compile(r"(?<=\bCo\.)(?=[A-Z])")
_GLUED_AMPERSAND = re.compile(r"(?<=\S)&(?=Co\b)|(?<=GmbH)\s*&\s*(?=Co\b)")
_KEY = re.compile(r"^[^:]{1,30}\s?:\s")
_FIRMA = re.compile(r"^(?:firma|company)\s+", re.IGNORECASE)
_COUNTRY = re.compile(
    r"^(?:deutschland|germany|france|frankreich|italia|italy|españa|spain|nederland|"
    r"netherlands|belgium|belgique|österreich|austria|schweiz|suisse|switzerland|"
    r"united kingdom|uk|usa|united states)$",
    re.IGNORECASE,
)


def name_in(text: str) -> str | None:
    """`text` as a party name (a leading "Firma" dropped), or None if it cannot be one."""
    if text.rstrip().endswith(":"):
        return None  # a key of a form, not its value
    if _OPENING.match(text.strip()) or _SENTENCE.search(text.strip()):
        return None  # a letter's opening or a sentence of its text
    text = text.strip(" ,;:·|/")
    if text[:1] in ("#", "(", "[", "*", "-", "+"):
        return None  # a number mark, a remark in brackets, a bullet
    if _KEY.match(text):
        return None  # "Numéro de dossier : 365146": a key and its value
    if not text or _SALUTATION.match(text) or _COUNTRY.match(text):
        return None
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or letters < len(text.replace(" ", "")) / 2:
        return None
    if _CONTACT.search(text) or _TITLE.match(text):
        return None
    if is_address(text):
        return None
    if any(True for _ in find_dates(text)) or _mostly_amount(text):
        return None
    return _spaced(_FIRMA.sub("", text))


def _spaced(name: str) -> str:
    """A legal form glued to the name ("RohstoffAG", "GrundbesitzGmbH&Co.", as OCR and some
    text layers give them) set apart by its spaces."""
    name = _GLUED_FORM.sub(r"\1 \2", name)
    name = _GLUED_CAPS.sub(r"\1 \2", name)
    name = _GLUED_CO.sub(" ", name)
    return _GLUED_AMPERSAND.sub(" & ", name)


def is_salutation(text: str) -> bool:
    """Whether `text` is the salutation line over a recipient's name ("Herrn", "Firma")."""
    return bool(_SALUTATION.match(text.strip(" ,;:")))


def is_address(text: str) -> bool:
    """Whether `text` is a street or a postcode-and-city line."""
    return bool(_STREET.search(text) or _NUMBER_FIRST.match(text) or _POSTCODE.search(text))


def _mostly_amount(text: str) -> bool:
    amounts = find_amounts(text)
    return sum(a.end - a.start for a in amounts) > len(text) / 2
