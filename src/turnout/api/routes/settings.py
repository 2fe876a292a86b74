"""/settings: the installation's settings (four eyes, source retention, trial share, guard
webhook) and the source files kept.

Reading needs any role; a change needs the admin role, checked before the body is read and
audited when refused. The value is sent as a person would type it (`"true"`, `"90"`, `"none"`);
JSON true/false, numbers and null are taken as those words.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from turnout.api.auth import CurrentUser, TurnoutApp, require_role
from turnout.api.bodies import json_body, json_request_body
from turnout.api.responses import WRITE_ERRORS, errors
from turnout.domain.events import EventAction
from turnout.domain.installation import DESCRIPTIONS
from turnout.domain.users import USER_ADMINS, Role, User
from turnout.runtime.installation import settings_view

router = APIRouter(prefix="/settings", tags=["settings"])


class SettingValue(BaseModel):
    value: Annotated[
        Annotated[StrictStr, Field(max_length=2000)] | StrictBool | StrictInt | StrictFloat | None,
        Field(
            description="The new value as a person types it: `true`/`false`, a number, a URL, "
            "or `none` (null) to unset."
        ),
    ]

    def text(self) -> str:
        if self.value is None:
            return "none"
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)


def settings_admin(app: TurnoutApp, user: CurrentUser, request: Request) -> User:
    """The caller, if an admin; refusals audited as `setting` (before the body is read)."""
    doing = f"change installation settings ({request.method} {request.url.path})"
    return require_role(app, user, USER_ADMINS, EventAction.SETTING, doing, Role.ADMIN)


SettingsAdmin = Annotated[User, Depends(settings_admin)]
Key = Annotated[
    str,
    Path(max_length=100, description="The setting: " + ", ".join(DESCRIPTIONS) + "."),
]


@router.get("", responses=errors(401, 403))
def read_settings(app: TurnoutApp, user: CurrentUser) -> dict[str, Any]:
    """Every setting's value, default and description, and the source files kept
    (`turnout settings --json`)."""
    service = app.installation
    return settings_view(service.show(), service.sources())


@router.put(
    "/{key}",
    responses=errors(*WRITE_ERRORS),
    openapi_extra=json_request_body(
        SettingValue.model_json_schema(), 'The new value, e.g. `{"value": "true"}`.'
    ),
)
def change_setting(
    app: TurnoutApp,
    user: SettingsAdmin,
    key: Key,
    body: Annotated[SettingValue, Depends(json_body(SettingValue))],
) -> dict[str, Any]:
    """Change one setting (admins only; audited with the old and the new value). An unknown key
    or a value that does not fit is a 400 saying the expected form."""
    service = app.installation
    changed = service.set(key, body.text(), user.name)
    return settings_view(changed, service.sources())
