"""How far the English a translation follows is behind the English head, block by block.

A block of the English head is *up to date* when the followed English has it in the same
form (rewrapping aside), *behind* when it has an older form of it, *missing* when it has
nothing like it. With origin files (d2l-zh) the followed English is ``X_origin.md``;
without them (d2l-pt) the translation itself is aligned with the English head and the
alignment's confidence tells the three apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from amts.align.aligner import Alignment
from amts.book.document import Document, Kind
from amts.update.changes import ChangeKind
from amts.update.diff import diff_blocks

#: A link at least this confident counts as the block's translation, up to date.
CONFIDENT = 0.5


@dataclass(frozen=True, slots=True)
class BlockLag:
    """Counts of the English head's non-blank blocks: ``up_to_date + behind + missing``."""

    blocks: int
    up_to_date: int
    behind: int
    missing: int

    @property
    def lag(self) -> int:
        """Blocks a catch-up would carry."""
        return self.behind + self.missing


def english_blocks(doc: Document) -> int:
    return sum(block.kind is not Kind.BLANK for block in doc.blocks)


def untranslated(head: Document) -> BlockLag:
    count = english_blocks(head)
    return BlockLag(count, 0, 0, count)


def origin_lag(followed: Document, head: Document) -> BlockLag:
    """Blocks of ``head`` that ``followed`` (an origin file) has as they are, older, or not."""
    kinds = [edit.kind for edit in diff_blocks(followed, head) if edit.new is not None]
    same = sum(kind in (ChangeKind.UNCHANGED, ChangeKind.MOVED) for kind in kinds)
    behind = sum(kind is ChangeKind.MODIFIED for kind in kinds)
    return BlockLag(len(kinds), same, behind, len(kinds) - same - behind)


def aligned_lag(alignment: Alignment) -> BlockLag:
    """Blocks of the alignment's English with a confident, a doubtful or no counterpart."""
    confidence: dict[int, float] = {}
    for link in alignment.blocks:
        if link.tgt:
            for index in link.src:
                confidence[index] = max(confidence.get(index, 0.0), link.confidence)
    blocks = [i for i, b in enumerate(alignment.source.blocks) if b.kind is not Kind.BLANK]
    same = sum(confidence.get(i, 0.0) >= CONFIDENT for i in blocks)
    behind = sum(0.0 < confidence.get(i, 0.0) < CONFIDENT for i in blocks)
    return BlockLag(len(blocks), same, behind, len(blocks) - same - behind)


def followed_english(alignment: Alignment, start: int = 0, end: int | None = None) -> str:
    """The alignment's English without the blocks (between offsets ``start`` and ``end``)
    that have no counterpart in the translation: the English a translation without origin
    file follows, as near as the alignment tells."""
    linked = {i for link in alignment.blocks if link.tgt for i in link.src}
    stop = len(alignment.source.text) if end is None else end
    parts, dropped = [], False
    for index, block in enumerate(alignment.source.blocks):
        if block.kind is Kind.BLANK:
            if not dropped:
                parts.append(block.text)
            dropped = False
        elif index not in linked and start <= block.start < stop:
            dropped = True  # with the blank lines after it
        else:
            parts.append(block.text)
            dropped = False
    return "".join(parts)
