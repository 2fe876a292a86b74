"""The vendor master table: loaded from a CSV file by maintainers and admins (audited), listed by
anyone. `match.vendors` reads it when its settings say `vendors: table`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from turnout.domain.errors import InputRejected, RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.vendors import StoredVendor, Vendor
from turnout.runtime.audit import Clock, record_event, run_audited, utcnow
from turnout.runtime.authorization import require_vendor_maintainer
from turnout.runtime.ports import UnitOfWork, VendorChanges

# Reads a vendor master file: its vendors in file order; `InputRejected` says what is wrong, an
# `OSError` that the file cannot be read (bootstrap gives `turnout.authoring.identifiers`'s).
VendorFileReader = Callable[[Path], Sequence[Vendor]]


class VendorService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        read_file: VendorFileReader,
        clock: Clock = utcnow,
    ) -> None:
        self._uow = uow_factory
        self._read_file = read_file
        self._now = clock

    def import_csv(self, path: Path, actor: str) -> VendorChanges:
        """Upsert the vendors of a vendor master CSV by vendor_id (maintainers and admins only).

        Vendors absent from the file are kept. A file that cannot be read, lacks a column, or
        names a vendor_id twice changes nothing; the refusal is audited like any other.
        """

        def act(uow: UnitOfWork) -> VendorChanges:
            require_vendor_maintainer(uow, actor)
            try:
                vendors = list(self._read_file(path))
            except OSError as exc:
                raise RequestError(
                    f"vendor master `{path}` cannot be read ({exc.strerror}); give the path of "
                    "a CSV file with the columns vendor_id,name,vat_id,iban"
                ) from exc
            except InputRejected as exc:
                raise RequestError(str(exc)) from exc
            twice = sorted(k for k, n in Counter(v.vendor_id for v in vendors).items() if n > 1)
            if twice:
                raise RequestError(
                    f"vendor master `{path}` names vendor_id {', '.join(twice[:5])} more than "
                    "once; keep one row per vendor_id"
                )
            changes = uow.vendors.upsert(vendors, self._now())
            record_event(
                uow,
                None,
                EventAction.VENDOR_IMPORT,
                actor,
                EventResult.OK,
                f"vendor master imported from `{path.name}`: {len(vendors)} vendor(s), "
                f"{changes.created} created, {changes.updated} updated, "
                f"{changes.unchanged} unchanged",
                self._now(),
            )
            return changes

        return run_audited(self._uow, EventAction.VENDOR_IMPORT, actor, act, clock=self._now)

    def list(self) -> list[StoredVendor]:
        """Every vendor of the table, ordered by vendor_id."""
        with self._uow() as uow:
            return uow.vendors.list()
