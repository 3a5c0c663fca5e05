"""The property a sync keeps (issue 10 §1): a translation changes only where the push did.

Shared by the sample-book and the real-book tests: given the English a translation follows,
the blocks of it the push edited and the translation before and after, every other block of
the translation must come out byte for byte.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from amts.align.aligner import Aligner
from amts.book import document
from amts.book.document import Document, Kind

#: Blocks that sit next to an edited one and may follow it (d2l's heading and its label).
NEIGHBOURS = (Kind.HEADING, Kind.DIRECTIVE)


def touched_translation(followed: Document, translation: Document, touched: set[int], lang: str):
    """Indices of the translation's blocks aligned to ``touched`` English blocks, with a
    heading or label right beside them."""
    alignment = Aligner("en", lang).align(followed, translation, sentences=False)
    allowed = {t for link in alignment.blocks if set(link.src) & touched for t in link.tgt}
    blocks = translation.blocks
    for index in list(allowed):
        for step in (-1, 1):
            j = index + step
            while 0 <= j < len(blocks) and blocks[j].kind is Kind.BLANK:
                allowed.add(j)
                j += step
            if 0 <= j < len(blocks) and blocks[j].kind in NEIGHBOURS:
                allowed.add(j)
    return allowed


def changed_blocks(before: str, after: str) -> tuple[set[int], list[int]]:
    """Blocks of ``before`` not kept byte for byte; non-blank blocks of ``after`` that are new."""
    old, new = document.parse(before).blocks, document.parse(after).blocks
    matcher = SequenceMatcher(None, [b.text for b in old], [b.text for b in new], autojunk=False)
    kept_old, kept_new = set(), set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept_old.update(range(i1, i2))
            kept_new.update(range(j1, j2))
    lost = {i for i, b in enumerate(old) if i not in kept_old and b.kind is not Kind.BLANK}
    added = [j for j, b in enumerate(new) if j not in kept_new and b.kind is not Kind.BLANK]
    return lost, added


def assert_only_edited(
    followed: str, before: str, after: str, touched: set[int], inserted: int, lang: str
) -> None:
    """``after`` differs from ``before`` only in the blocks aligned to ``touched``."""
    followed_doc, before_doc = document.parse(followed), document.parse(before)
    allowed = touched_translation(followed_doc, before_doc, touched, lang)
    lost, added = changed_blocks(before, after)
    outside = sorted(lost - allowed)
    assert not outside, "changed outside the edit: " + " | ".join(
        before_doc.blocks[i].text.strip()[:80] for i in outside
    )
    budget = len([i for i in allowed if before_doc.blocks[i].kind is not Kind.BLANK]) + inserted
    assert len(added) <= budget, f"{len(added)} new blocks for {budget} edited"


def block_index(doc_text: str, text: str) -> int:
    """The index of the block whose text starts with ``text``."""
    blocks = document.parse(doc_text).blocks
    return next(i for i, b in enumerate(blocks) if b.text.startswith(text))
