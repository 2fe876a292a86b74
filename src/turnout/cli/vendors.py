"""`turnout vendors ...`: the vendor master table `match.vendors` reads with `vendors: table`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app
from turnout.cli.tables import fitted, narrow, one_line
from turnout.domain.vendors import StoredVendor

app = typer.Typer(
    help="The vendor master table that match.vendors reads with `vendors: table`.",
    no_args_is_help=True,
)


def _vendor_dict(s: StoredVendor) -> dict[str, str | None]:
    return {
        "vendor_id": s.vendor.vendor_id,
        "name": s.vendor.name,
        "vat_id": s.vendor.vat_id,
        "iban": s.vendor.iban,
        "created_at": s.created_at.isoformat(),
        "updated_at": s.updated_at.isoformat(),
    }


@app.command("import")
def import_vendors(
    file: Annotated[
        Path, typer.Argument(help="A UTF-8 CSV file with the columns vendor_id,name,vat_id,iban.")
    ],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Add or update the vendors of FILE by vendor_id (maintainers and admins); others are kept."""
    changes = get_app().vendors.import_csv(file, actor(as_))
    if json_:
        emit_json(
            {"created": changes.created, "updated": changes.updated, "unchanged": changes.unchanged}
        )
        return
    console.print(
        f"{changes.created} vendor(s) created, {changes.updated} updated, "
        f"{changes.unchanged} unchanged",
        markup=False,
    )


@app.command("list")
def list_vendors(json_: JsonOpt = False) -> None:
    """Every vendor of the table, by vendor_id."""
    stored = get_app().vendors.list()
    if json_:
        emit_json([_vendor_dict(s) for s in stored])
        return
    cut = 10 if narrow() else 19  # below 100 columns the day it was updated: the ids keep room
    table = fitted(
        one_line("vendor id"), "name", one_line("VAT id"), one_line("IBAN"), one_line("updated")
    )
    for s in stored:
        v = s.vendor
        table.add_row(
            v.vendor_id, v.name, v.vat_id or "", v.iban or "", s.updated_at.isoformat()[:cut]
        )
    console.print(table)
