"""Edits to a text by offset, applied all at once.

An update never rewrites a translation: it lists replacements of exact spans of
the old text, so every byte outside those spans is kept by construction.
Overlapping edits are refused rather than guessed at.
"""

from __future__ import annotations

import bisect
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
    text: str, edits: list[TextEdit], render: Callable[[object], str] = str
) -> tuple[str, list[TextEdit]]:
    """The new text, and the edits that were refused because they overlapped an earlier one.

    Edits are applied in order of position; insertions at a position come before a
    replacement starting there, and equal positions keep the order they were made in.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end > e.start, e.order))
    out: list[str] = []
    position = 0
    length = 0
    refused = []
    for edit in ordered:
        if edit.start < position:
            refused.append(edit)
            continue
        out.append(text[position : edit.start])
        length += edit.start - position
        replacement = "".join(
            part if isinstance(part, str) else render(part) for part in edit.parts
        )
        edit.new_start = length
        out.append(replacement)
        length += len(replacement)
        edit.new_end = length
        position = edit.end
    out.append(text[position:])
    return "".join(out), refused


class OffsetMap:
    """Maps offsets of the old text to the new one after :func:`apply_edits`."""

    def __init__(self, applied: list[TextEdit]) -> None:
        self._edits = sorted((e for e in applied if e.new_start >= 0), key=lambda e: e.start)
        self._ends = [e.end for e in self._edits]

    def __call__(self, offset: int) -> int:
        index = bisect.bisect_right(self._ends, offset) - 1
        while index >= 0 and self._edits[index].end > offset:
            index -= 1
        if index < 0:
            return offset
        edit = self._edits[index]
        return edit.new_end + (offset - edit.end)
