"""The status issue's body: rendered from the App's records, and read back for requests.

Renovate's Dependency Dashboard is the model: one issue per translation repository, its
body re-rendered from state and edited in place, never a comment per update. Each
checkbox carries a hidden marker naming the file it asks to catch up
(``- [ ] <!-- amts-catch-up: chapter_x/index.md --> ...``), so :func:`ticked` finds the
request in an ``issues.edited`` event without trusting the visible text. Everything here
is pure: whole expected bodies live in ``tests/fixtures/dashboard/`` and pin it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.dashboard.lag import Chapter, chapters, lag_of, lagging_files, number, plural, summary

TITLE = "AMTS: translation status"
MAX_BOXES = 10  # checkboxes listed; the rest are one line
MAX_BODY_CHARS = 60_000  # GitHub's limit is 65,536
MAX_PATH_CHARS = 300
_MARK = "amts-catch-up"
_BOX = re.compile(rf"^- \[([ xX])\] <!-- {_MARK}: ([^\n]{{1,{MAX_PATH_CHARS}}}?) -->", re.M)
_HEAD = "<!-- amts-dashboard: {source} -> {target} -->"


@dataclass(frozen=True)
class Status:
    """What the body shows for one target; every field is JSON from the status records.

    ``lag`` is ``amts lag --json``'s dict; ``since`` the percent before the event named
    (``(58.2, "the merge of #412")``); ``pull`` the open sync PR and its asks (number,
    url, files, untranslated, low_confidence, chars_sent); ``failure`` the last one
    (error, error_id, at); ``requests`` maps a path to "requested by @user → #PR".
    """

    source: str
    target: str
    lang: str
    lag: dict[str, Any] | None = None
    since: tuple[float, str] | None = None
    pull: dict[str, Any] | None = None
    failure: dict[str, Any] | None = None
    requests: dict[str, str] = field(default_factory=dict)
    page_url: str = ""


def render(status: Status) -> str:
    """The whole issue body."""
    parts = [
        _HEAD.format(source=status.source, target=status.target),
        f"This issue shows how far the {status.lang} translation lags behind "
        f"`{status.source}`, and lets writers of this repository "
        "ask AMTS to catch a file up. AMTS edits it in place after every sync, merge and "
        "catch-up.",
        _summary(status),
    ]
    if status.lag is not None:
        parts += [_chart(chapters(status.lag)), _table(chapters(status.lag))]
    parts.append(_pull(status.pull))
    if status.failure:
        parts.append(_failure(status.failure))
    if status.lag is not None:
        parts.append(_boxes(status.lag, status.requests))
    parts.append(_footer(status))
    body = "\n\n".join(parts) + "\n"
    return body if len(body) <= MAX_BODY_CHARS else body[: MAX_BODY_CHARS - 40] + "\n\n… (cut)\n"


def ticked(body: str, before: str | None = None) -> list[str]:
    """Paths whose box is ticked in ``body`` and was not in ``before`` (the previous body).

    ``before=None`` (GitHub sent no ``changes.body.from``): every ticked box counts.
    """
    was = _states(before or "")
    return [
        path
        for path, on in _states(body).items()
        if on and not (before is not None and was.get(path, False))
    ]


def is_dashboard(body: str | None, target: str) -> bool:
    """Whether an issue body is the status issue of ``target`` (its hidden first line)."""
    first = (body or "").split("\n", 1)[0]
    return first.startswith("<!-- amts-dashboard: ") and first.endswith(f" -> {target} -->")


def _states(body: str) -> dict[str, bool]:
    return {m[2].strip(): m[1] != " " for m in _BOX.finditer(body[: MAX_BODY_CHARS * 2])}


def _summary(status: Status) -> str:
    if status.lag is None:
        return "**Lag not measured yet**: the numbers appear after the first sync."
    s = summary(status.lag)
    line = (
        f"**{s.percent:.1f}% of English blocks up to date** · "
        f"{plural(s.blocks_behind, 'block')} behind · "
        f"{plural(s.untranslated, 'English file')} not translated · "
        f"{plural(s.english_gone, 'translation')} whose English is gone"
    )
    follows = f"Follows the English at `{s.revision[:12]}`"
    if status.since is not None:
        before, event = status.since
        follows += f"; {s.percent - before:+.1f}% since {event}"
    return f"{line}\n\n{follows}."


def _chart(rows: list[Chapter]) -> str:
    """A horizontal mermaid bar chart: one readable line per chapter however many there are."""
    labels = ", ".join('"' + c.short.replace('"', "'") + '"' for c in rows)
    values = ", ".join(f"{c.percent:g}" for c in rows)
    return (
        "```mermaid\n"
        "xychart-beta horizontal\n"
        '    title "Percent of English blocks up to date, per chapter"\n'
        f"    x-axis [{labels}]\n"
        '    y-axis "% up to date" 0 --> 100\n'
        f"    bar [{values}]\n"
        "```"
    )


def _table(rows: list[Chapter]) -> str:
    lines = [
        f"<details><summary>Per chapter ({len(rows)} chapters)</summary>",
        "",
        "| Chapter | Files | English blocks | Up to date | Behind | Missing | % |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| `{c.name}` | {c.files} | {number(c.blocks)} | {number(c.up_to_date)} | "
        f"{number(c.behind)} | {number(c.missing)} | {c.percent:.1f} |"
        for c in rows
    ]
    return "\n".join([*lines, "", "</details>"])


def _pull(pull: dict[str, Any] | None) -> str:
    if not pull:
        return (
            "### Open sync pull request\n\nNone: every English push AMTS has seen is carried "
            "(the lag above is older than AMTS, or was not caught up)."
        )
    asks = [
        f"{plural(int(pull.get('files') or 0), 'file')} to review",
        f"{plural(int(pull.get('untranslated') or 0), 'sentence')} left in English",
        f"{plural(int(pull.get('low_confidence') or 0), 'low-confidence alignment')}",
        f"{plural(int(pull.get('chars_sent') or 0), 'character')} sent to the engine",
    ]
    return f"### Open sync pull request\n\n#{pull['number']} asks for: " + ", ".join(asks) + "."


def _failure(failure: dict[str, Any]) -> str:
    error_id = failure.get("error_id") or "-"
    return (
        f"### Last failure\n\n`{error_id}` at {failure.get('at') or '?'}: "
        f"{failure.get('error') or 'see the log'}\n\n"
        "The operator finds the details in the App's log under this error id."
    )


def _boxes(lag: dict[str, Any], requests: dict[str, str]) -> str:
    files = lagging_files(lag)
    if not files:
        return "### Catch up\n\nNothing to catch up: every translated file follows the English."
    lines = [
        "### Catch up",
        "",
        "Tick a box to carry all of a file's lag into the sync pull request "
        "(the same as commenting `/amts catch-up PATH`). Writers of this repository only.",
        "",
    ]
    for entry in files[:MAX_BOXES]:
        path = str(entry["path"])
        what = (
            f"not translated, {plural(lag_of(entry), 'block')}"
            if entry.get("status") == "untranslated"
            else f"{plural(lag_of(entry), 'block')} behind"
        )
        note = f" — {requests[path]}" if path in requests else ""
        lines.append(f"- [ ] <!-- {_MARK}: {path} --> catch up `{path}` ({what}){note}")
    rest = files[MAX_BOXES:]
    if rest:
        blocks = sum(lag_of(f) for f in rest)
        lines.append(
            f"- … and {plural(len(rest), 'more file')} ({plural(blocks, 'block')}); "
            "comment `/amts catch-up PATH` on this issue for any of them."
        )
    return "\n".join(lines)


def _footer(status: Status) -> str:
    page = f" The App's own page: {status.page_url}." if status.page_url else ""
    return (
        "---\n"
        "<sub>Kept up to date by AMTS: other edits of this body are overwritten. Close the "
        "issue to stop the updates, reopen it to resume; `dashboard: false` in "
        f"`{status.source}`'s `.github/amts.yml` turns it off.{page}</sub>"
    )
