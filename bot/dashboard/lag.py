"""The numbers both status views show, read from ``amts lag --json``'s fixed shape.

The status issue (:mod:`bot.dashboard.issue`) and the App's page (:mod:`bot.web.charts`,
:mod:`bot.web.app`) render from the same plain dict, never from the objects that made it, so
each view is a pure function tested with dicts written by hand, and a lag report stored
by an older version of the App still renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LAGGING = ("behind", "untranslated")


@dataclass(frozen=True)
class Chapter:
    """One chapter's totals: English blocks and how many are up to date, behind or missing."""

    name: str
    files: int
    blocks: int
    up_to_date: int
    behind: int
    missing: int

    @property
    def percent(self) -> float:
        """Percent of the chapter's English blocks up to date."""
        return round(100 * self.up_to_date / self.blocks, 1) if self.blocks else 100.0

    @property
    def short(self) -> str:
        """The name without d2l's ``chapter_`` prefix, for chart labels."""
        return self.name.removeprefix("chapter_")


def chapter_of(path: str) -> str:
    """A file's chapter: its first path component (d2l's ``chapter_*``), as
    :meth:`amts.lag.LagReport.chapters` groups them; a file at the root is its own."""
    return path.split("/", 1)[0]


def chapters(lag: dict[str, Any]) -> list[Chapter]:
    """Per-chapter totals of ``lag["files"]``, by chapter name (the book's own order).

    A chapter with no English blocks (only translations whose English is gone) is not
    a chapter of the English book any more: the summary counts those files instead.
    """
    sums: dict[str, list[int]] = {}
    for entry in lag.get("files") or []:
        row = sums.setdefault(chapter_of(str(entry.get("path", ""))), [0, 0, 0, 0, 0])
        row[0] += 1
        for n, key in enumerate(("blocks", "up_to_date", "behind", "missing"), 1):
            row[n] += int(entry.get(key) or 0)
    return [Chapter(name, *row) for name, row in sorted(sums.items()) if row[1]]


def lag_of(entry: dict[str, Any]) -> int:
    """English blocks a file's translation lacks in their current form."""
    return int(entry.get("behind") or 0) + int(entry.get("missing") or 0)


def lagging_files(lag: dict[str, Any]) -> list[dict[str, Any]]:
    """Files a catch-up would change, most blocks behind first, then by path."""
    files = [f for f in lag.get("files") or [] if f.get("status") in LAGGING and lag_of(f)]
    return sorted(files, key=lambda f: (-lag_of(f), str(f.get("path"))))


@dataclass(frozen=True)
class Summary:
    """The headline numbers of one translation."""

    percent: float
    blocks_behind: int  # in translated files
    untranslated: int  # English files without a translation
    english_gone: int  # translations whose English file is gone
    revision: str


def summary(lag: dict[str, Any]) -> Summary:
    files = lag.get("files") or []
    totals = lag.get("totals") or {}
    return Summary(
        percent=float(totals.get("percent_up_to_date") or 0.0),
        blocks_behind=sum(lag_of(f) for f in files if f.get("status") == "behind"),
        untranslated=sum(f.get("status") == "untranslated" for f in files),
        english_gone=sum(f.get("status") == "english-gone" for f in files),
        revision=str(lag.get("source_revision") or ""),
    )


def number(value: int) -> str:
    """``1,234``: thousands separated, as the reports write them."""
    return f"{value:,}"


def plural(count: int, word: str) -> str:
    """``1 block``, ``1,234 blocks``."""
    return f"{number(count)} {word}{'' if count == 1 else 's'}"
