"""`turnout vendors import|list` from the command line: upsert by vendor_id, roles, audit.

One test on SQLite: the repository and service tests cover PostgreSQL and every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

VENDORS = """\ufeffvendor_id,name,vat_id,iban
V-1001,ACME Office Supplies GmbH,DE 136 695 976,
V-1002,Nordwind Logistik AG,,DE89 3704 0044 0532 0130 00
"""
CHANGED = """vendor_id,name,vat_id,iban
V-1001,ACME Office Supplies GmbH,DE 136 695 976,
V-1002,Nordwind Logistik SE,,DE89 3704 0044 0532 0130 00
V-1003,Lindenholz Werkstätten GmbH,,
"""


@pytest.mark.parametrize(
    "db_url", ["sqlite"], indirect=True
)  # the repository tests cover PostgreSQL
def test_maintainers_import_anyone_lists_and_a_viewer_is_refused_audited(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "vendors.csv", tmp_path / "vendors-2.csv"
    first.write_text(VENDORS, encoding="utf-8")
    second.write_text(CHANGED, encoding="utf-8")
    cli("init", actor="ann", check=True)
    cli("users", "add", "vic", "--role", "viewer", actor="ann", check=True)

    refused = cli("vendors", "import", str(first), actor="vic")
    assert refused.code == 2
    assert "may not change the vendor master" in refused.stderr
    assert "--role maintainer" in refused.stderr

    imported = cli("vendors", "import", str(first), actor="ann", check=True)
    assert "2 vendor(s) created, 0 updated, 0 unchanged" in imported.stdout
    again = cli("vendors", "import", str(second), "--json", actor="ann", check=True).json()
    assert again == {"created": 1, "updated": 1, "unchanged": 1}

    listed = cli("vendors", "list", "--json", actor="vic", check=True).json()
    assert [(v["vendor_id"], v["name"], v["vat_id"], v["iban"]) for v in listed] == [
        ("V-1001", "ACME Office Supplies GmbH", "DE 136 695 976", None),
        ("V-1002", "Nordwind Logistik SE", None, "DE89 3704 0044 0532 0130 00"),
        ("V-1003", "Lindenholz Werkstätten GmbH", None, None),
    ]
    table = cli("vendors", "list", check=True).stdout
    assert "Nordwind Logistik SE" in table and "V-1003" in table

    events = cli("events", "--action", "vendor_import", "--json", check=True).json()
    assert [(e["actor"], e["result"]) for e in events] == [
        ("ann", "ok"),
        ("ann", "ok"),
        ("vic", "refused"),
    ]
