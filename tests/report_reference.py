"""The pull-request body as :func:`amts.report.render_markdown` built it before reports
were folded into a digest and sections measured instead of a body built per try: the
reference the bounded digest must agree with (it holds every report and section, and
builds bodies quadratic in the files)."""

from __future__ import annotations

from collections.abc import Sequence

from amts.quality import format_score
from amts.report import MAX_BODY_CHARS, _code, _number, _plural, _section, _tally
from amts.update.changes import UpdateReport


def _summary(reports: Sequence[UpdateReport], title: str | None) -> str:
    tally = _tally(reports)
    engines = ", ".join(dict.fromkeys(r.engine for r in reports if r.engine)) or "none"
    whole = "whole file" if len(reports) == 1 else "whole files"
    paragraph = " ".join(
        [
            f"{_plural(tally.files, 'file')}, {tally.blocks()}; engine: {engines}.",
            tally.sentences(),
            tally.cost(whole),
        ]
    )
    parts = [f"## {title or 'AMTS translation update'}", paragraph, tally.review()]
    scored = [report for report in reports if report.quality]
    if len(reports) == 1 and scored:
        parts.append(f"Quality on this file: {format_score(scored[0].quality)}")
    elif scored:
        parts.append(
            "Quality, file by file:\n\n"
            + "\n".join(f"- {_code(r.path)}: {format_score(r.quality)}" for r in scored)
        )
    signatures = list(dict.fromkeys(r.signature for r in reports if r.signature))
    if signatures:
        parts.append("AMTS report signature: " + ", ".join(_code(s) for s in signatures))
    return "\n\n".join(parts)


def render_markdown(
    reports: Sequence[UpdateReport],
    *,
    title: str | None = None,
    retry_command: str | None = None,
    json_report: str | None = None,
    limit: int = MAX_BODY_CHARS,
) -> str:
    """A pull-request body for reviewers, at most ``limit`` characters.

    ``json_report`` names the JSON report that a shortened body points to for the
    block details it had to leave out.
    """
    top = _summary(reports, title)
    sections = [_section(report, alone=len(reports) == 1) for report in reports]
    tail = f"To retry: {_code(retry_command)}" if retry_command else ""
    where = f"the JSON report {_code(json_report)}" if json_report else "the JSON report"
    total = sum(len(section.details) for section in sections)

    def build(keep: int, files: int = len(sections)) -> str:
        parts = [top]
        dropped = [
            _plural(total - keep, "changed block's details", "changed blocks' details")
            if keep < total
            else "",
            _plural(len(sections) - files, "file section") if files < len(sections) else "",
        ]
        if any(dropped):
            left_out = " and ".join(d for d in dropped if d)
            parts.append(
                f"> **Shortened** to fit GitHub's limit on a pull-request body: {left_out} "
                f"left out, from the end. {where[0].upper()}{where[1:]} has the full details."
            )
        left = keep
        for section in sections[:files]:
            parts.append(section.head)
            parts += section.details[:left]
            left -= min(left, len(section.details))
        if tail:
            parts.append(tail)
        return "\n\n".join(parts) + "\n"

    body = build(total)
    if len(body) <= limit:
        return body
    low, high = 0, total - 1  # the largest number of details kept that fits
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(build(middle)) <= limit else (low, middle - 1)
    if len(body := build(low)) <= limit:
        return body
    for files in range(len(sections) - 1, -1, -1):  # then whole file sections, from the end
        if len(body := build(0, files)) <= limit:
            return body
    notice = f"\n\n> **Cut** at {_number(limit)} characters: see {where}.\n"
    cut = body[: max(limit - len(notice), 0)]
    return cut[: cut.rfind("\n") + 1 or len(cut)].rstrip() + notice
