"""The pull-request body as :func:`amts.report.render_markdown` built it before it
measured sections instead of building a body per try: the reference the bounded layout
must agree with (it holds every section and builds bodies quadratic in the files)."""

from __future__ import annotations

from collections.abc import Sequence

from amts.report import MAX_BODY_CHARS, _code, _number, _plural, _section, _summary
from amts.update.changes import UpdateReport


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
