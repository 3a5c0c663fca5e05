"""The lag of a translation repository: one entry per file, totals per chapter and language.

``LagReport.as_json()`` is a fixed shape that the App and the dashboard read (issue 10 §2);
change it only with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

#: A file's state: its English blocks all up to date, some behind or missing, no
#: translation at its path, or a translation whose English path is gone.
STATUSES = ("up-to-date", "behind", "untranslated", "english-gone")
COUNTS = ("blocks", "up_to_date", "behind", "missing")


@dataclass(frozen=True, slots=True)
class FileLag:
    """One file: ``path`` is the English path, or the translation's for "english-gone"."""

    path: str
    status: str
    blocks: int = 0
    up_to_date: int = 0
    behind: int = 0
    missing: int = 0
    renamed_to: str | None = None

    @property
    def chapter(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def lag(self) -> int:
        return self.behind + self.missing

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            **{key: getattr(self, key) for key in COUNTS},
            "renamed_to": self.renamed_to,
        }


def totals(files: Iterable[FileLag]) -> dict:
    """``files``, ``blocks``, ``up_to_date``, ``behind``, ``missing``, ``percent_up_to_date``."""
    files = list(files)
    sums = {key: sum(getattr(f, key) for f in files) for key in COUNTS}
    percent = 100.0 * sums["up_to_date"] / sums["blocks"] if sums["blocks"] else 100.0
    return {"files": len(files), **sums, "percent_up_to_date": round(percent, 1)}


@dataclass
class LagReport:
    """Every file of one language against the English at ``source_revision``."""

    source_revision: str
    language: str
    files: list[FileLag] = field(default_factory=list)

    def file(self, path: str) -> FileLag | None:
        return next((f for f in self.files if f.path == path), None)

    def totals(self) -> dict:
        return totals(self.files)

    def chapters(self) -> dict[str, dict]:
        """Totals per chapter (a path's first component), in path order."""
        grouped: dict[str, list[FileLag]] = {}
        for file in sorted(self.files, key=lambda f: f.path):
            grouped.setdefault(file.chapter, []).append(file)
        return {chapter: totals(files) for chapter, files in grouped.items()}

    def as_json(self) -> dict:
        return {
            "source_revision": self.source_revision,
            "language": self.language,
            "files": [f.as_json() for f in sorted(self.files, key=lambda f: f.path)],
            "totals": self.totals(),
        }

    def table(self) -> str:
        """Per file, per chapter and for the language, for a terminal."""
        header = f"{'file':<60} {'status':<13} {'blocks':>6} {'up':>5} {'behind':>6} {'miss':>5}"
        lines = [f"{self.language}: lag behind the English at {self.source_revision[:8]}", header]
        for file in sorted(self.files, key=lambda f: f.path):
            note = f" -> {file.renamed_to}" if file.renamed_to else ""
            lines.append(
                f"{file.path:<60} {file.status:<13} {file.blocks:>6} {file.up_to_date:>5} "
                f"{file.behind:>6} {file.missing:>5}{note}"
            )
        lines += ["", f"{'chapter':<60} {'files':>5} {'blocks':>6} {'up to date':>12}"]
        for chapter, sums in self.chapters().items():
            lines.append(_total_line(chapter, sums))
        lines.append(_total_line(f"total ({self.language})", self.totals()))
        return "\n".join(lines) + "\n"


def _total_line(name: str, sums: dict) -> str:
    return f"{name:<60} {sums['files']:>5} {sums['blocks']:>6} {sums['percent_up_to_date']:>11.1f}%"
