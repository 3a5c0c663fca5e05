"""What a sync did, and what it says about it: pull-request title and body, commit message,
JSON report and the terminal summary. The per-file block details come from
:mod:`amts.report`; this adds what only a repository-level run knows (renames, deletions,
skipped files)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from amts.files import atomic_output
from amts.report import MAX_BODY_CHARS, FileSection, ReportDigest
from amts.update.changes import UpdateReport

#: Outcomes that change the target; "unchanged" and "skipped" do not.
CARRIED = ("updated", "translated", "renamed", "deleted")


@dataclass
class FileResult:
    """What a sync did with one changed English file."""

    path: str
    change: str  # the English change: added, modified, deleted, renamed
    status: str  # one of CARRIED, "unchanged" or "skipped"
    old_path: str | None = None  # a renamed file's former path
    note: str = ""
    lag: int = 0  # English blocks the translation is still behind on after this sync
    not_carried: int = 0  # this push's English edits left as lag (their base block lags)
    report: UpdateReport | None = field(default=None, repr=False)
    # The report's section of the pull-request body, when made where the file was carried.
    section: FileSection | None = field(default=None, repr=False)
    # What the change writes into the target (None: delete), and file modes to keep.
    files: dict[str, bytes | None] = field(default_factory=dict, repr=False)
    modes: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class SyncResult:
    """A sync's outcome: the commit and branch made, or why there is none, and every file."""

    base: str
    to: str
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # changed files that are not markdown
    branch: str | None = None
    commit: str | None = None
    title: str = ""
    nothing: str = ""  # why there is no commit
    failed: bool = False  # an English change could not be carried
    # Every file's report, folded as the sync goes (see Synchronizer's keep_reports).
    digest: ReportDigest = field(default_factory=ReportDigest, repr=False)

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def carried(self) -> list[FileResult]:
        """The files whose change is in the commit."""
        return [f for f in self.files if f.status in CARRIED]

    @property
    def lagging(self) -> list[FileResult]:
        """The files still behind their English after this sync: lag it did not carry."""
        return [f for f in self.files if f.lag]

    @property
    def reports(self) -> list[UpdateReport]:
        return [f.report for f in self.files if f.report is not None]

    def report_digest(self) -> ReportDigest:
        """The reports as the body and the status views show them: the sync's own digest,
        or, for a result put together by hand, one of its files' reports."""
        return self.digest if self.digest.count else ReportDigest.of(self.reports)

    def to_dict(self) -> dict:
        keys = ("title", "base", "to", "branch", "commit", "nothing", "failed", "ignored")
        file_keys = ("path", "old_path", "change", "status", "note", "lag", "not_carried")
        return {
            **{key: getattr(self, key) for key in keys},
            "files": [{key: getattr(f, key) for key in file_keys} for f in self.files],
            "reports": [report.to_dict() for report in self.reports],
        }


#: The order files are listed in: what changed first, what needs a human next.
ORDER = ("updated", "translated", "renamed", "deleted", "skipped", "unchanged")
MAX_LISTED = 200  # files named in a body or message; the JSON report has them all


def source_name(src_lang: str) -> str:
    return "English" if src_lang.lower().startswith("en") else src_lang


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _name(file: FileResult) -> str:
    return f"{file.old_path} → {file.path}" if file.old_path else file.path


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def pr_title(result: SyncResult, src_lang: str, *, catch_up: bool = False) -> str:
    what = "Catch up" if catch_up else "Sync"
    return (
        f"{what} with the {source_name(src_lang)} source at {result.to[:8]}: "
        f"{_plural(len(result.carried), 'file')}"
    )


def counts(result: SyncResult) -> str:
    return ", ".join(f"{n} {s}" for s in ORDER if (n := result.count(s))) or "no file"


def commit_message(result: SyncResult, source: str) -> str:
    lines = [result.title, "", f"Source: {source} {result.base[:8]}..{result.to[:8]}", ""]
    for status in ORDER[:-1]:
        names = [_name(f) for f in result.files if f.status == status]
        if names:
            more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
            lines.append(f"{status.capitalize()}: {', '.join(names[:MAX_LISTED])}{more}")
    if result.count("skipped"):
        lines.append("(skipped files keep their translation; the next sync retries them)")
    return "\n".join([*lines, "", f"AMTS-Source-Revision: {result.to}"]) + "\n"


def lag_lines(result: SyncResult, src_lang: str, catch_up: str) -> list[str]:
    """One line per file still behind its English, with the command that catches it up."""
    lines = []
    for file in result.lagging[:MAX_LISTED]:
        pushed = f" (this push edited {file.not_carried} of them)" if file.not_carried else ""
        lines.append(
            f"`{file.path}` lags {_plural(file.lag, 'block')} behind the "
            f"{source_name(src_lang)}{pushed}; `{catch_up} {file.path}` carries them"
        )
    return lines


def render_pr_body(
    result: SyncResult,
    *,
    src_lang: str = "en",
    retry_command: str | None = None,
    json_report: str | None = None,
    catch_up: str = "/amts catch-up",
) -> str:
    """The pull request's body: the files first, then each file's blocks (amts.report)."""
    source = source_name(src_lang)
    carries = (
        f"Catches up, on request, with the {source} source at `{result.to[:8]}` (`{result.to}`)"
        if result.base == result.to
        else f"Carries the changes of the {source} source from `{result.base[:8]}` to "
        f"`{result.to[:8]}` (`{result.to}`) into this translation"
    )
    parts = [f"## {result.title}", f"{carries}: {counts(result)}."]
    skipped = [f for f in result.files if f.status == "skipped"]
    if skipped:
        parts.append(
            "**Needs a human:** these files were not updated; they keep their old translation "
            "and the next sync retries them:\n\n"
            + "\n".join(f"- `{_name(f)}`: {_cell(f.note)}" for f in skipped[:MAX_LISTED])
        )
    rows = ["| File | English change | Result | Note |", "|---|---|---|---|"]
    listed = sorted(result.files, key=lambda f: ORDER.index(f.status))
    rows += [
        f"| `{_name(f)}` | {f.change} | {f.status} | {_cell(f.note)} |" for f in listed[:MAX_LISTED]
    ]
    if len(listed) > MAX_LISTED:
        rows.append(f"| … {len(listed) - MAX_LISTED} more in the JSON report | | | |")
    parts.append("\n".join(rows))
    if result.ignored:
        parts.append(
            f"{_plural(len(result.ignored), 'changed file')} of the source (not markdown) ignored."
        )
    if lagging := lag_lines(result, src_lang, catch_up):
        parts.append(
            "**Not carried:** this pull request carries the push's change only. Older "
            f"{source} changes wait for a maintainer to ask:\n\n"
            + "\n".join(f"- {line}" for line in lagging)
        )
    head = "\n\n".join(parts)
    digest = result.report_digest()
    if not digest.count:
        tail = f"To retry: `{retry_command}`\n" if retry_command else ""
        return f"{head}\n\n{tail}"
    details = digest.render(
        title="Translation changes",
        retry_command=retry_command,
        json_report=json_report,
        limit=MAX_BODY_CHARS - len(head) - 2,
    )
    return f"{head}\n\n{details}"


def write_report(result: SyncResult, path: str | Path) -> None:
    """The whole run as JSON: revisions, branch, every file, every block report."""
    with atomic_output(path) as out:
        out.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")


def summary_lines(result: SyncResult) -> list[str]:
    """A few lines for stderr: what was carried, where it went, what was skipped."""
    lines = [
        f"sync {result.base[:8]}..{result.to[:8]}: {counts(result)}"
        + (f"; {_plural(len(result.ignored), 'other file')} ignored" if result.ignored else "")
    ]
    if result.branch:
        lines.append(f"committed {result.commit[:8]} on new branch {result.branch} (not pushed)")
    elif result.nothing:
        lines.append(f"nothing to commit: {result.nothing}; no branch created")
    lines += [f"skipped {_name(f)}: {f.note}" for f in result.files if f.status == "skipped"]
    return lines + lag_lines(result, "en", "amts sync --catch-up")
