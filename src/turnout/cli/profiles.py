"""`turnout profiles ...`: what Turnout learned of each issuer's layout from people's reviews
(through `App.profiles`). ISSUER is a profile's issuer key (`vat:DE123456789`), any key it knows
(`iban:…`, `name:…`) or its name. Profiles export as invoice2data templates and import from
them; a wrong profile is reset (its history stays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Column, Table
from rich.text import Text

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, fail, get_app
from turnout.cli.run_fields import short_id
from turnout.cli.tables import fitted
from turnout.domain.profiles import IssuerProfile

app = typer.Typer(
    help="Issuer profiles learned from reviews: list, show, export and import as invoice2data "
    "templates, reset.",
    no_args_is_help=True,
)

IssuerArg = Annotated[
    str,
    typer.Argument(help="Issuer key (vat:…, iban:…, name:…), any key it knows, or its name."),
]


@app.command("list")
def list_profiles(json_: JsonOpt = False) -> None:
    """Every issuer profile: its key, name, version, the fields it knows, who changed it last."""
    profiles = get_app().profiles.list()
    if json_:
        emit_json([_summary(p) for p in profiles])
        return
    table = fitted(
        Column("issuer", no_wrap=True),
        Column("name", overflow="fold"),
        Column("version", justify="right"),
        Column("fields", overflow="fold"),
        Column("updated", no_wrap=True),
        Column("by", no_wrap=True),
    )
    for p in profiles:
        table.add_row(
            Text(p.issuer_key),
            Text(p.name or ""),
            str(p.version),
            Text(", ".join(p.fields) or "(none)"),
            _when(p.updated_at),
            Text(p.updated_by),
        )
    console.print(table)
    console.print(f"{len(profiles)} profile(s)", highlight=False)


@app.command()
def show(issuer: IssuerArg, json_: JsonOpt = False) -> None:
    """One profile: its keys, each field's rule and every version.

    A rule says the label near the value, where the value is from it, and its shape; a version
    says what made it (learn, import, reset), who, and which run taught it."""
    service = get_app().profiles
    profile = service.show(issuer)
    versions = service.versions(profile.issuer_key)
    if json_:
        emit_json({**profile.to_dict(), "versions": [v.to_dict() for v in versions]})
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in (
        ("issuer", profile.issuer_key),
        ("name", profile.name or "-"),
        ("keys", ", ".join(profile.keys) or "-"),
        ("version", str(profile.version)),
        ("updated", f"{_when(profile.updated_at)} by {profile.updated_by}"),
    ):
        grid.add_row(label, Text(value))
    console.print(grid)
    rules = profile.data.get("fields")
    table = Table(
        Column("field", no_wrap=True),
        Column("rule", overflow="fold"),
        title=f"rules ({len(profile.fields)})",
    )
    for path in profile.fields:
        rule = rules.get(path) if isinstance(rules, Mapping) else None
        table.add_row(Text(path), Text(_rule_text(rule)))
    console.print(table)
    history = Table("version", "action", "by", "when", "run", "fields", title="versions")
    for v in versions:
        fields = v.data.get("fields")
        history.add_row(
            str(v.version),
            str(v.action),
            Text(v.actor),
            _when(v.created_at),
            short_id(v.run_id) if v.run_id else "-",
            str(len(fields)) if isinstance(fields, Mapping) else "0",
        )
    console.print(history)


@app.command()
def export(
    issuer: IssuerArg,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the template to this file (default: stdout)."),
    ] = None,
) -> None:
    """The profile as an invoice2data YAML template.

    Fields are regular expressions built from each label and shape, with the issuer's keywords
    and options."""
    text = get_app().profiles.export(issuer)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    console.print(f"wrote {output}", markup=False, highlight=False)


@app.command("import")
def import_template(
    file: Annotated[Path, typer.Argument(help="An invoice2data template (YAML or JSON).")],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Import an invoice2data template as its issuer's profile's next version.

    Operators and maintainers: the template's fields become rules read over the page's text."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise fail(f"cannot read {file}: {why}") from None
    profile = get_app().profiles.import_template(text, actor(as_))
    _print_changed(profile, "imported", json_)


@app.command()
def reset(issuer: IssuerArg, as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Empty a wrong profile; its earlier versions are kept.

    Operators and maintainers: the issuer's next invoices are read by the layout reader alone
    until reviews teach it again."""
    profile = get_app().profiles.reset(issuer, actor(as_))
    _print_changed(profile, "reset", json_)


def _print_changed(profile: IssuerProfile, verb: str, json_: bool) -> None:
    if json_:
        emit_json(_summary(profile))
        return
    console.print(
        Text(
            f"profile {profile.issuer_key} {verb}: version {profile.version}, "
            f"{len(profile.fields)} rule(s){': ' if profile.fields else ''}"
            f"{', '.join(profile.fields)}"
        ),
        highlight=False,
    )


def _summary(profile: IssuerProfile) -> dict[str, Any]:
    """A profile without its rules' data (`profiles show --json` has it)."""
    return {k: v for k, v in profile.to_dict().items() if k != "data"}


def _rule_text(rule: Any) -> str:
    """A rule's scalar settings as `key=value` (label, where, shape ...), in the rule's order."""
    if not isinstance(rule, Mapping):
        return "" if rule is None else str(rule)
    parts = []
    for key, value in rule.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "|".join(value)
        if value is None or isinstance(value, Mapping | list):
            continue
        parts.append(f"{key}={value}")
    return " ".join(parts)


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
