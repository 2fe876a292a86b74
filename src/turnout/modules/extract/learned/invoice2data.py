"""Profiles as invoice2data templates, both ways: nothing learned is locked in.

Export writes one regular expression a field, from its label and its value's form: a value on
its label's line is the first value of its form after the label (`Vorgang[^\\n]*?(\\d+-\\d+)`);
a value under its label is the value of its form in the same column of the lines below; a value
with no label is the first of its form. Dates are written in the form the page prints them
(`options.date_formats`), amounts with the page's decimal separator (`options.decimal_separator`),
and the keywords are the issuer's name (else its VAT id) as printed.

Import turns every regex field of a template whose name maps to a canonical path
(`template_fields.CANONICAL`) into a `regex` rule, read over the page's text by
`extract.learned`; the template's issuer (else its first keyword) becomes the profile's name
key, and keywords shaped like a VAT id or an IBAN become keys too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

import regex as regex_package
import yaml

from turnout.authoring import IssuerProfile
from turnout.modules.extract.learned.rules import (
    CORRECTION,
    NUMBER,
    ProfileData,
    Rule,
    compact,
    issuer_keys,
    normalised_name,
    shape_pattern,
)
from turnout.modules.extract.locate import kind_of
from turnout.modules.extract.template_fields import CANONICAL

# the seller's name is the template's `issuer`, printed the same on every invoice
_NAME_OF = {path: name for name, path in CANONICAL.items() if path != "seller.name"}
_TYPES = {"date": "date", "amount": "float"}
_DATE_PARTS = {
    "%d": r"\d{1,2}",
    "%m": r"\d{1,2}",
    "%Y": r"\d{4}",
    "%y": r"\d{2}",
    "%B": r"[^\W\d_]+",
}
_ANY_DATE = (
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.?\s[^\W\d_]+\.?\s\d{4}"
    r"|[^\W\d_]+\s\d{1,2},\s\d{4}"
)
_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z]{8,12}$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def to_template(profile: IssuerProfile) -> str:
    """The profile as an invoice2data YAML template."""
    data = ProfileData.of(profile.data)
    fields: dict[str, Any] = {}
    for path, rule in sorted(data.fields.items()):
        name = _NAME_OF.get(path)
        if name is not None and rule.where == "value" and rule.value:
            fields[name] = {"parser": "static", "value": rule.value}
            continue
        regex = rule.regex if rule.where == "regex" else _regex(rule, data.options)
        if name is None or not regex:
            continue
        spec: dict[str, Any] = {"parser": "regex", "regex": regex}
        if rule.kind in _TYPES:
            spec["type"] = _TYPES[rule.kind]
        fields[name] = spec
    issuer = str(data.options.get("issuer") or profile.name or profile.issuer_key)
    options: dict[str, Any] = {
        "currency": str(data.options.get("currency") or "EUR"),
        "decimal_separator": str(data.options.get("decimal_separator") or "."),
    }
    if data.options.get("date_formats"):
        options["date_formats"] = list(data.options["date_formats"])
    required = [n for n in ("invoice_number", "date", "amount") if n in fields]
    template = {
        "issuer": issuer,
        "keywords": list(data.options.get("keywords") or [_keyword(profile, issuer)]),
        "fields": fields,
        "options": options,
        "required_fields": [*required, "issuer"],
    }
    header = (
        f"# invoice2data template of {issuer}, exported by Turnout from issuer profile "
        f"{profile.issuer_key} version {profile.version}\n"
    )
    return header + yaml.safe_dump(template, sort_keys=False, allow_unicode=True, width=1000)


def _keyword(profile: IssuerProfile, issuer: str) -> str:
    if profile.name:
        return profile.name
    vat = next((k for k in profile.keys if k.startswith("vat:")), None)
    return vat.removeprefix("vat:") if vat else issuer


def _regex(rule: Rule, options: Mapping[str, Any]) -> str | None:
    value = _value_regex(rule, options)
    if value is None:
        return None
    if not rule.label or rule.where not in ("right", "below"):
        return f"({value})"
    label = _label_regex(rule.label)
    # the label's printing the rule read at: the earlier ones skipped
    skip = f"(?:{label}[\\s\\S]*?){{{rule.nth}}}" if rule.nth else ""
    if rule.where == "right":
        # a label of its own phrase stands apart from what follows it
        after = "" if rule.inline else "(?=:|\\s{2,}|\\s*$)"
        return f"(?i){skip}{label}{after}[^\\n]*?({value})"
    return f"(?i){skip}{label}[^\\n]*\\n(?:[^\\n]*\\n){{0,2}}?[^\\n]*?({value})"


def _label_regex(label: str) -> str:
    parts = [r"\S*\d\S*" if token == NUMBER else re.escape(token) + ":?" for token in label.split()]
    return r"\s+".join(parts)


def _value_regex(rule: Rule, options: Mapping[str, Any]) -> str | None:
    if rule.kind == "date":
        if rule.format:
            out = re.escape(rule.format)
            for part, pattern in _DATE_PARTS.items():
                out = out.replace(part, pattern)
            return out
        if rule.shapes:
            return "|".join(f"(?:{shape_pattern(s)})" for s in rule.shapes)
        return _ANY_DATE
    if rule.kind == "amount":
        sep = rule.format or options.get("decimal_separator") or "."
        other = "." if sep == "," else ","
        return rf"-?\d{{1,3}}(?:[{re.escape(other)}' ]?\d{{3}})*{re.escape(sep)}\d{{2}}"
    if rule.kind in ("id", "exact") and rule.shapes:
        return "|".join(f"(?:{shape_pattern(s)})" for s in rule.shapes)
    if rule.kind in ("name", "text"):
        return r"\S(?:[^\n]*?\S)?(?=\s{2,}|\s*$)"
    return None


def from_template(text: str, actor: str, now: dt.datetime) -> IssuerProfile:
    """A profile (version 0, not stored) from an invoice2data template in YAML or JSON."""
    template = _load(text)
    keywords = [str(k) for k in template.get("keywords") or []]
    issuer = str(template.get("issuer") or (keywords[0] if keywords else "")).strip()
    if not issuer:
        raise ValueError(
            "the template names no issuer and has no keywords; add `issuer: <name>` and "
            "`keywords: [<text printed on its invoices>]`"
        )
    fields: dict[str, Rule] = {}
    for name, spec in (template.get("fields") or {}).items():
        path = CANONICAL.get(str(name))
        regex = _regex_of(spec)
        if path is None or regex is None:
            continue
        try:
            regex_package.compile(regex)
        except (regex_package.error, ValueError) as exc:
            raise ValueError(
                f"field {name}: the regular expression {regex!r} is invalid ({exc}); fix it "
                "in the template"
            ) from exc
        kind = kind_of(path, "x") or "text"
        fields[path] = Rule(kind=kind, where="regex", regex=regex, taught=CORRECTION)
    if not fields:
        raise ValueError(
            "the template has no regex field Turnout knows (invoice_number, date, amount, "
            "vat, iban, ...); add `fields: {invoice_number: {parser: regex, regex: ...}}`"
        )
    options = dict(template.get("options") or {})
    options["issuer"] = issuer
    options["keywords"] = keywords
    vat = next((k for k in keywords if _is_vat_id(k)), None)
    iban = next((k for k in keywords if _IBAN.match(compact(k))), None)
    keys = issuer_keys(vat, iban, issuer)
    return IssuerProfile(
        issuer_key=keys[0] if keys else f"name:{normalised_name(issuer)}",
        name=issuer,
        version=0,
        data=ProfileData(fields, options).to_dict(),
        updated_at=now,
        updated_by=actor,
        keys=tuple(keys),
    )


def _is_vat_id(keyword: str) -> bool:
    """A keyword written as a VAT id: a country prefix, then mostly digits, no lower case."""
    value = compact(keyword)
    return (
        keyword == keyword.upper()
        and _VAT.match(value) is not None
        and sum(ch.isdigit() for ch in value) >= 6
    )


def _load(text: str) -> Mapping[str, Any]:
    try:
        loaded = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"the template is neither YAML nor JSON ({exc})") from exc
    if not isinstance(loaded, Mapping):
        raise ValueError(
            "the template is not a mapping; an invoice2data template has `issuer`, "
            "`keywords` and `fields`"
        )
    return loaded


def _regex_of(spec: object) -> str | None:
    if isinstance(spec, str):  # invoice2data's legacy form: `invoice_number: Nr\.\s+(\d+)`
        return spec
    if isinstance(spec, Mapping) and spec.get("parser", "regex") == "regex":
        regex = spec.get("regex")
        if isinstance(regex, list):
            regex = regex[0] if regex else None
        return str(regex) if regex else None
    return None
