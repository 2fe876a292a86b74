"""No comment, docstring or page cites a document a reader of this repository cannot open."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Written in pieces so that this file does not cite them itself.
UNFOLLOWABLE = ("PRODUCT" + ".md", "the seed" + "'s", "design" + " document")
SCANNED = ("src", "docs", "bench", "tools")


def _files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    for folder in SCANNED:
        files += [
            path
            for path in sorted((ROOT / folder).rglob("*"))
            if path.suffix in {".py", ".md", ".html", ".js", ".css", ".txt", ".toml", ".yaml"}
            and "egg-info" not in str(path)
        ]
    return files


def test_nothing_cites_a_document_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in _files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(phrase.lower() in line.lower() for phrase in UNFOLLOWABLE)
    ]
    assert not found, "say what is meant instead:\n" + "\n".join(found)
