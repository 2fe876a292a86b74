"""Installation settings: choices an admin makes once for the whole installation, stored in its
database (so every process, the CLI, the API and the workers, obeys the same ones).

- `four_eyes`: activating a version needs the approval of a maintainer other than its author
  (a rollback, by a person or by a guard, is exempt and audited as such).
- `source_retention_days`: source files of finished runs older than this are deleted
  (None: kept for ever). Trials and reviews need them, so keep them as long as you may want to
  try a change on them.
- `trial_share`: the share of a process's run slots trial runs may take (0 < share <= 1).
- `guard_webhook_url`: where a guard's automatic rollback is announced (a JSON POST); None: not sent.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, fields, replace
from typing import Any

from turnout.domain.errors import RequestError

MAX_RETENTION_DAYS = 36_500  # a hundred years; more is "for ever": say none

DESCRIPTIONS = {
    "four_eyes": "activating a version needs another maintainer's approval (true/false)",
    "source_retention_days": "days the source files of finished runs are kept (none: for ever)",
    "trial_share": "share of a process's run slots trial runs may take (0.01 to 1)",
    "guard_webhook_url": "http(s) URL a guard's automatic rollback is posted to (none: not sent)",
}


@dataclass(frozen=True)
class InstallationSettings:
    four_eyes: bool = False
    source_retention_days: int | None = None
    trial_share: float = 0.25
    guard_webhook_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> InstallationSettings:
        """From the stored key/value pairs (unknown keys of a newer Turnout are ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in stored.items() if k in known})

    def with_value(self, key: str, text: str) -> InstallationSettings:
        """A copy with `key` set from `text` as typed by a person; RequestError naming the form
        expected when the key is unknown or the value does not fit."""
        if key not in DESCRIPTIONS:
            from difflib import get_close_matches

            near = get_close_matches(key, DESCRIPTIONS, n=1)
            hint = f"did you mean `{near[0]}`? " if near else ""
            raise RequestError(
                f"there is no installation setting `{key}`; {hint}the settings are: "
                + ", ".join(DESCRIPTIONS)
            )
        return replace(self, **{key: parse_value(key, text)})


def parse_value(key: str, text: str) -> Any:
    """The typed value of setting `key` from `text`; RequestError with the expected form."""
    value = text.strip()
    none = value.lower() in ("none", "null", "")
    if key == "four_eyes":
        if value.lower() in ("true", "yes", "on", "1"):
            return True
        if value.lower() in ("false", "no", "off", "0"):
            return False
        raise RequestError(f"four_eyes must be true or false, not {text!r}")
    if key == "source_retention_days":
        if none:
            return None
        if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_RETENTION_DAYS:
            return int(value)
        raise RequestError(
            f"source_retention_days must be a whole number of days from 1 to "
            f"{MAX_RETENTION_DAYS} or none (kept for ever), not {text!r}"
        )
    if key == "trial_share":
        try:
            share = float(value)
        except ValueError:
            share = -1.0
        if 0.01 <= share <= 1:
            return share
        raise RequestError(f"trial_share must be a number from 0.01 to 1, not {text!r}")
    if key == "guard_webhook_url":
        if none:
            return None
        parts = urllib.parse.urlsplit(value)
        if parts.scheme in ("http", "https") and parts.hostname and parts.username is None:
            return value
        raise RequestError(
            f"guard_webhook_url must be an http:// or https:// URL without user:password, "
            f"not {text!r}"
        )
    raise RequestError(f"there is no installation setting `{key}`")
