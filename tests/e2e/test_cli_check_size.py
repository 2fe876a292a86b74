"""`turnout check` refuses a file over intake's size limit from its size, before reading it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from turnout.cli.app import main


def test_check_refuses_a_huge_file_from_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as f:  # 200 MB on paper, sparse on disk
        f.truncate(200_000_000)
    assert main(["check", str(huge), "--json"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert result["error"].startswith("the file is 200,000,000 bytes, over the limit of 20,000,000")
    assert "not read" in result["error"]
