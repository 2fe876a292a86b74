"""/configurations/{version}/approve: four eyes, a second maintainer approves a version for
activation.

The role is checked before anything else (an operator's or viewer's refusal is a 403, audited as
`approve`);
the author of a version approving it is refused by the configuration service (403, audited).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from turnout.api.auth import CurrentUser, TurnoutApp
from turnout.api.params import Version
from turnout.api.responses import errors
from turnout.domain.events import EventAction
from turnout.domain.users import User
from turnout.runtime.audit import run_audited
from turnout.runtime.authorization import require_approver

router = APIRouter(prefix="/configurations", tags=["configurations"])


def approver(app: TurnoutApp, user: CurrentUser, version: Version) -> User:
    """The caller, if a maintainer; a refusal is audited as `approve` of that version (before
    anything else is looked at)."""
    run_audited(
        app.unit_of_work,
        EventAction.APPROVE,
        user.name,
        lambda uow: require_approver(uow, user.name),
        version=version,
    )
    return user


Approver = Annotated[User, Depends(approver)]


@router.post("/{version}/approve", responses=errors(400, 401, 403, 404, 422))
def approve_configuration(app: TurnoutApp, user: Approver, version: Version) -> dict[str, Any]:
    """Approve a draft or validated version for activation, as a maintainer who did not write
    it (the approval is given as the authenticated user). With the installation setting
    `four_eyes` on, activating a version needs such an approval, by a user who is a maintainer
    still when it is activated; `four_eyes` in the answer says whether it is on. Then
    `POST /configurations/{version}/activate`."""
    result = app.configurations.approve(version, user.name)
    return {**result.to_dict(), "four_eyes": app.installation.show().four_eyes}
