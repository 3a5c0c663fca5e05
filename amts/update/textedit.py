"""Edits to a text by offset, applied all at once.

An update never rewrites a translation: it lists replacements of exact spans of
the old text, so every byte outside those spans is kept by construction.
Overlapping edits are refused rather than guessed at.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TextEdit:
    """Replace ``text[start:end]`` with the concatenation of ``parts`` (rendered late).

    A part is a string or an object whose text is only known after the engine
    has run; ``render`` turns it into a string.
    """

    start: int
    end: int
    parts: list = field(default_factory=list)
    order: int = 0
    new_start: int = -1  # where the replacement landed in the new text, once applied
    new_end: int = -1

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end


class EditConflict(Exception):
    """Two edits touch the same span of the old text."""


def apply_edits(
    text: str,
    edits: list[TextEdit],
    render: Callable[[object], str] = str,
    joiner: Callable[[str, str], str] | None = None,
) -> tuple[str, list[TextEdit]]:
    """The new text, and the edits that were refused because they overlapped an earlier one.

    Edits are applied in order of position; insertions at a position come before a
    replacement starting there, and equal positions keep the order they were made in.
    ``joiner(left, right)`` may put a separator where an edit meets its surroundings
    (the last character before and the first after).
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end > e.start, e.order))
    out: list[str] = []
    position = length = 0
    refused = []
    last_edit_end = -1  # length of the output where the last edit's text ended

    def append(piece: str, touches_edit: bool) -> None:
        nonlocal length
        if not piece:
            return
        if touches_edit and joiner is not None and length:
            glue = joiner(out[-1][-1], piece[0])
            if glue:
                out.append(glue)
                length += len(glue)
        out.append(piece)
        length += len(piece)

    for edit in ordered:
        if edit.start < position:
            refused.append(edit)
            continue
        chunk = text[position : edit.start]
        append(chunk, touches_edit=length == last_edit_end)
        replacement = "".join(
            part if isinstance(part, str) else render(part) for part in edit.parts
        )
        append(replacement, touches_edit=True)
        edit.new_start = length - len(replacement)
        edit.new_end = last_edit_end = length
        position = edit.end
    append(text[position:], touches_edit=length == last_edit_end)
    return "".join(out), refused


class OffsetMap:
    """Maps offsets of the old text to the new one after :func:`apply_edits`.

    An offset where text was inserted maps after the insertion (before it with
    ``before_insertions``); an offset inside a replaced span maps to the end of its
    replacement.
    """

    def __init__(self, applied: list[TextEdit]) -> None:
        # apply_edits' order, in which the ends never decrease.
        self._edits = sorted(
            (e for e in applied if e.new_start >= 0),
            key=lambda e: (e.start, e.end > e.start, e.order),
        )
        self._ends = [e.end for e in self._edits]

    def __call__(self, offset: int, *, before_insertions: bool = False) -> int:
        edits = self._edits
        index = bisect.bisect_right(self._ends, offset) - 1
        if before_insertions:
            while index >= 0 and edits[index].is_insertion and edits[index].start == offset:
                index -= 1
        if index + 1 < len(edits) and edits[index + 1].start < offset:
            return edits[index + 1].new_end  # inside a replaced span
        if index < 0:
            return offset
        edit = edits[index]
        return edit.new_end + (offset - edit.end)


class LineNumbers:
    """The line number of an offset in one text, by bisection: counting the line breaks
    before each of a file's blocks would take time quadratic in its length."""

    def __init__(self, text: str) -> None:
        self._breaks = [match.start() for match in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_left(self._breaks, offset) + 1
