"""/profiles: what Turnout learned of each issuer's layout from people's reviews.

Reading needs any role. Importing an invoice2data template and resetting a wrong profile need the
operator or maintainer role, checked before the body is read and audited when refused (reviews
teach profiles by themselves). An issuer is named by its issuer key (`vat:DE123456789`), any key
its profile knows (`iban:…`, `name:…`) or its name; one with a `/` in it is written as it is.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from turnout.api.auth import CurrentUser, ProfileKeeper, TurnoutApp
from turnout.api.responses import errors
from turnout.bootstrap import App
from turnout.domain.errors import RequestError
from turnout.domain.profiles import IssuerProfile, ProfileVersion

router = APIRouter(prefix="/profiles", tags=["profiles"])

YAML_TYPES = ("application/yaml", "text/yaml", "application/x-yaml", "text/plain")

_SUMMARY_PROPERTIES: dict[str, Any] = {
    "issuer_key": {
        "type": "string",
        "description": "`vat:<VAT id>`, else `iban:<IBAN>`, else `name:<normalised name>`.",
    },
    "name": {"type": ["string", "null"], "description": "The issuer's name as last read."},
    "version": {"type": "integer", "description": "The profile's current version."},
    "updated_at": {"type": "string", "format": "date-time"},
    "updated_by": {"type": "string"},
    "keys": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Every key the profile is found by.",
    },
    "fields": {
        "type": "array",
        "items": {"type": "string"},
        "description": "The field paths the profile knows how to read.",
    },
}
SUMMARY: dict[str, Any] = {
    "title": "IssuerProfileSummary",
    "type": "object",
    "required": ["issuer_key", "version", "updated_at", "updated_by", "keys", "fields"],
    "properties": _SUMMARY_PROPERTIES,
}
VERSION: dict[str, Any] = {
    "type": "object",
    "required": ["version", "action", "actor", "created_at"],
    "properties": {
        "version": {"type": "integer"},
        "action": {"type": "string", "enum": ["learn", "import", "reset"]},
        "actor": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "run_id": {"type": ["string", "null"], "description": "The reviewed run that taught it."},
    },
}
DETAIL: dict[str, Any] = {
    "title": "IssuerProfile",
    "type": "object",
    "required": [*SUMMARY["required"], "data", "versions"],
    "properties": {
        **_SUMMARY_PROPERTIES,
        "data": {
            "type": "object",
            "description": "The learned rules, as `extract.learned` reads them.",
            "additionalProperties": True,
        },
        "versions": {"type": "array", "items": VERSION, "description": "Oldest first."},
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def summary(profile: IssuerProfile) -> dict[str, Any]:
    """A profile without its rules."""
    return {
        "issuer_key": profile.issuer_key,
        "name": profile.name,
        "version": profile.version,
        "updated_at": profile.updated_at.isoformat(),
        "updated_by": profile.updated_by,
        "keys": list(profile.keys),
        "fields": list(profile.fields),
    }


def version_to_dict(v: ProfileVersion) -> dict[str, Any]:
    return {
        "version": v.version,
        "action": str(v.action),
        "actor": v.actor,
        "created_at": v.created_at.isoformat(),
        "run_id": v.run_id,
    }


Issuer = Annotated[
    str,
    Path(
        min_length=1,
        max_length=300,
        description="The issuer key (`vat:DE123456789`), any key the profile knows, or its name.",
    ),
]


@router.get(
    "",
    responses={
        200: _json({"type": "array", "items": SUMMARY}, "Every profile, by issuer key"),
        **errors(401, 403),
    },
)
def list_profiles(app: TurnoutApp, user: CurrentUser) -> list[dict[str, Any]]:
    """Every issuer profile, without its rules (`GET /profiles/{issuer}` has them)."""
    return [summary(p) for p in app.profiles.list()]


@router.post(
    "/import",
    status_code=201,
    responses={201: _json(DETAIL, "The profile as imported"), **errors(400, 401, 403, 422)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "An invoice2data template (YAML).",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def import_profile(request: Request, app: TurnoutApp, user: ProfileKeeper) -> dict[str, Any]:
    """Import an invoice2data template as a new version of its issuer's profile (operator or
    maintainer): its keywords name the issuer, its regular expressions become rules."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(
            f"the template is not UTF-8 text (byte {exc.start}); save it as UTF-8 and send it again"
        ) from exc
    if not text.strip():
        raise RequestError(
            "the body is empty; send an invoice2data template (YAML) as the body, e.g. "
            "`curl --data-binary @template.yml -H 'Content-Type: application/yaml' ...`"
        )
    if "\x00" in text:
        raise RequestError("the template contains a NUL character, which no field accepts")
    profile = app.profiles.import_template(text, user.name)
    return _detail(app, profile.issuer_key)


@router.get(
    "/{issuer:path}/export",
    responses={
        200: {
            "description": "The profile as an invoice2data template",
            "content": {"text/yaml": {"schema": {"type": "string"}}},
        },
        **errors(401, 403, 404),
    },
)
def export_profile(app: TurnoutApp, user: CurrentUser, issuer: Issuer) -> Response:
    """The profile as an invoice2data YAML template, so that nothing is locked in."""
    profile = app.profiles.show(issuer)
    text = app.profiles.export(issuer)
    file_name = re.sub(r"[^A-Za-z0-9._-]+", "_", profile.issuer_key).strip("_") or "profile"
    return Response(
        content=text,
        media_type="text/yaml",
        headers={"Content-Disposition": f'attachment; filename="{file_name}.yml"'},
    )


@router.post(
    "/{issuer:path}/reset",
    responses={200: _json(DETAIL, "The profile, emptied"), **errors(401, 403, 404)},
)
def reset_profile(app: TurnoutApp, user: ProfileKeeper, issuer: Issuer) -> dict[str, Any]:
    """Empty a wrong profile (operator or maintainer): a new version without rules; the next
    invoices from that issuer are read by the layout reader alone until reviews teach it again."""
    profile = app.profiles.reset(issuer, user.name)
    return _detail(app, profile.issuer_key)


@router.get(
    "/{issuer:path}",
    responses={
        200: _json(DETAIL, "The profile with its rules and versions"),
        **errors(401, 403, 404),
    },
)
def get_profile(app: TurnoutApp, user: CurrentUser, issuer: Issuer) -> dict[str, Any]:
    """One profile: its keys, its rules (`data`) and its versions, oldest first."""
    return _detail(app, issuer)


def _detail(app: App, issuer: str) -> dict[str, Any]:
    profile = app.profiles.show(issuer)
    versions = app.profiles.versions(profile.issuer_key)
    return {
        **summary(profile),
        "data": dict(profile.data),
        "versions": [version_to_dict(v) for v in versions],
    }
