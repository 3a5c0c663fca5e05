"""Lag reports in ``amts lag --json``'s fixed shape, written by hand for the view tests."""

from __future__ import annotations

from typing import Any


def entry(path: str, status: str, blocks: int, up: int, behind: int = 0, renamed=None) -> dict:
    missing = blocks - up - behind
    return {
        "path": path,
        "status": status,
        "blocks": blocks,
        "up_to_date": up,
        "behind": behind,
        "missing": missing,
        "renamed_to": renamed,
    }


def report(files: list[dict], revision: str = "0123456789abcdef" * 2 + "01234567") -> dict:
    totals: dict[str, Any] = {"files": len(files)}
    for key in ("blocks", "up_to_date", "behind", "missing"):
        totals[key] = sum(f[key] for f in files)
    totals["percent_up_to_date"] = round(100 * totals["up_to_date"] / totals["blocks"], 1)
    return {"source_revision": revision, "language": "zh", "files": files, "totals": totals}


#: Three chapters: one behind, one with an untranslated file, one whose English is gone.
SMALL = report(
    [
        entry("chapter_introduction/index.md", "behind", 40, 13, 20),
        entry("chapter_preliminaries/ndarray.md", "up-to-date", 30, 30),
        entry("chapter_preliminaries/probability.md", "behind", 50, 46, 4),
        entry("chapter_preliminaries/lookup-api.md", "untranslated", 12, 0),
        entry("chapter_old/gone.md", "english-gone", 0, 0, renamed="chapter_new/here.md"),
        entry("index.md", "up-to-date", 8, 8),
    ]
)


def many_chapters(count: int = 34, files_per_chapter: int = 2) -> dict:
    """A book as long as d2l: ``count`` chapters, every file some blocks behind."""
    files = []
    for c in range(count):
        for f in range(files_per_chapter):
            behind = 1 + (c * 7 + f * 3) % 23
            path = f"chapter_topic{c:02d}/part{f}.md"
            files.append(entry(path, "behind", 40, 40 - behind, behind))
    return report(files)
