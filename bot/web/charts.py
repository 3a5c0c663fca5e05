"""The per-chapter lag chart of the App's page, drawn as SVG on the server.

No JavaScript and no CDN: the page works offline, behind a strict proxy and in tests. One
horizontal stacked bar per chapter (up to date, behind, missing), so 30+ chapters stay
readable; each bar is a ``<g class="bar">`` carrying its chapter and percent as data
attributes and a ``<title>`` tooltip.
"""

from __future__ import annotations

from html import escape

from bot.dashboard.lag import Chapter

ROW = 22  # pixels per chapter
LABEL = 190  # width of the chapter names
BAR = 360  # width of a 100% bar
PERCENT = 60  # width of the percent column
COLOURS = {"up_to_date": "#2da44e", "behind": "#d4a72c", "missing": "#cf222e"}


def lag_svg(rows: list[Chapter], title: str = "Per-chapter lag") -> str:
    """An ``<svg>`` element with one stacked bar per chapter and a legend."""
    width = LABEL + BAR + PERCENT
    height = ROW * len(rows) + 34
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lag-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="system-ui,sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for n, chapter in enumerate(rows):
        out.append(_bar(chapter, n * ROW))
    out.append(_legend(ROW * len(rows) + 14))
    out.append("</svg>")
    return "\n".join(out)


def _bar(chapter: Chapter, y: int) -> str:
    parts = [
        f'<g class="bar" data-chapter="{escape(chapter.name)}" '
        f'data-percent="{chapter.percent:.1f}" transform="translate(0,{y})">',
        f"<title>{escape(chapter.name)}: {chapter.up_to_date} of {chapter.blocks} English "
        f"blocks up to date, {chapter.behind} behind, {chapter.missing} missing</title>",
        f'<text x="{LABEL - 6}" y="15" text-anchor="end">{escape(_cut(chapter.short))}</text>',
        f'<rect x="{LABEL}" y="3" width="{BAR}" height="{ROW - 6}" fill="#eaeef2"/>',
    ]
    x = float(LABEL)
    for key, colour in COLOURS.items():
        count = getattr(chapter, key)
        if not chapter.blocks or not count:
            continue
        w = BAR * count / chapter.blocks
        parts.append(
            f'<rect class="{key}" x="{x:.1f}" y="3" width="{w:.1f}" height="{ROW - 6}" '
            f'fill="{colour}"/>'
        )
        x += w
    parts.append(f'<text x="{LABEL + BAR + 6}" y="15">{chapter.percent:.1f}%</text>')
    parts.append("</g>")
    return "".join(parts)


def _legend(y: int) -> str:
    items, x = [], LABEL
    for key, colour in COLOURS.items():
        items.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y}">{key.replace("_", " ")}</text>'
        )
        x += 100
    return f'<g class="legend">{"".join(items)}</g>'


def _cut(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
