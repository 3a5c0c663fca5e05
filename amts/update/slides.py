"""A translation's slide blocks, given up when its English moves to highlight markers.

d2l marks what its slides show with highlight markers in the English prose
(``[** … **]``, ``(** … **)``; see :mod:`amts.update.markers`). Translations written
before the English had them marked slides their own way, with blocks between
``:begin_slide:`` and ``:end_slide:`` lines: either book text shown on a slide
(tagged ``keep``) or text written for the slide only (a short restatement, a slide
title). When an update brings an English file its first highlight markers, the
English has chosen its slides, and the translation's own slide markup is superseded:
the directive lines go, a slide-only block goes with them, and a ``keep`` block stays
as the book text it is (it then follows the English's markers like any paragraph).

This is one edit of the translation's markup, decided by the English change of the
update itself (markers where the old English had none), so a later update of the
same file never repeats it.
"""

from __future__ import annotations

import re

from amts.book.document import Block, Document, Kind
from amts.update.markers import MARKER

_BEGIN, _END = "begin_slide", "end_slide"
#: A slide tagged with this shows book text; any other slide holds text of its own.
_KEEP = "keep"
_FENCED = {Kind.CODE, Kind.MATH}
_INLINE_CODE = re.compile(r"`[^`\n]*`")


def has_markers(document: Document) -> bool:
    """The document's prose has highlight markers (code such as ``f(**kwargs)`` aside, in
    code blocks or inline)."""
    return any(
        block.is_prose and MARKER.search(_INLINE_CODE.sub("", block.text))
        for block in document.blocks
    )


def _slide_lines(document: Document) -> bool:
    return any(block.directive in (_BEGIN, _END) for block in document.blocks)


def superseded(old_source: Document, new_source: Document, target: Document) -> bool:
    """This update brings the English its first highlight markers, the English uses no
    slide blocks of its own, and the translation has some."""
    return (
        _slide_lines(target)
        and not _slide_lines(old_source)
        and not _slide_lines(new_source)
        and has_markers(new_source)
        and not has_markers(old_source)
    )


def _tags(block: Block) -> set[str]:
    """The comma-separated tags of a ``:begin_slide:`tag, tag``` line."""
    _, _, argument = block.text.partition("`")
    return {tag.strip() for tag in argument.rstrip().rstrip("`").split(",") if tag.strip()}


def remove_slides(target: Document) -> tuple[str, int, int]:
    """The translation without its slide markup, and how many slide-only blocks and
    directive lines went. A directive line goes with its line break (text on both sides of
    it joins, as d2l-zh's maintainers left it), except under a code or math block, where it
    leaves a blank line."""
    blocks = target.blocks
    removed: list[tuple[int, int]] = []  # runs of block indices, inclusive
    slide_only = lines = 0
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.directive == _END:  # a stray end line
            removed.append((index, index))
            lines += 1
        elif block.directive == _BEGIN:
            end = next(
                (j for j in range(index + 1, len(blocks)) if blocks[j].directive in (_BEGIN, _END)),
                None,
            )
            closed = end is not None and blocks[end].directive == _END
            if _KEEP in _tags(block) or not closed:
                removed.append((index, index))
                lines += 1
            else:
                removed.append((index, end))
                lines += 2
                slide_only += sum(
                    1 for j in range(index + 1, end) if blocks[j].kind is not Kind.BLANK
                )
                index = end
        index += 1
    parts, position = [], 0
    for first, last in removed:
        before = blocks[first - 1] if first > 0 else None
        after = blocks[last + 1] if last + 1 < len(blocks) else None
        start, end = blocks[first].start, blocks[last].end
        replacement = ""
        if before is not None and after is not None:
            if before.kind is Kind.BLANK and after.kind is Kind.BLANK:
                end = after.end  # one blank line between what stays, not two
            elif before.kind in _FENCED and after.kind is not Kind.BLANK:
                replacement = "\n"  # text glued to a code block's fence gets its blank line
        elif before is None and after is not None and after.kind is Kind.BLANK:
            end = after.end
        start = max(start, position)
        parts += [target.text[position:start], replacement]
        position = max(position, end)
    parts.append(target.text[position:])
    return "".join(parts), slide_only, lines
