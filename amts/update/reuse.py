"""Blocks the old translation already has, though its old English does not.

A translation is sometimes written from a newer English than the origin file it is
kept beside: it has blocks with no counterpart in the old English. When the English
later gains those blocks, they must not be inserted a second time. An inserted
English block reuses an unpaired translated block from the same gap of the old
translation when both are of the same kind and say the same thing by what survives
translation: the same code (comments aside, translators translate them), the same
math or directive, or for prose the same code, math, roles and numbers.
"""

from __future__ import annotations

from collections.abc import Container

from amts.align import anchors
from amts.align.aligner import code_key
from amts.book.document import VERBATIM_KINDS, Block, Document, Kind

#: Anchor overlap (see :func:`amts.align.anchors.similarity`) that counts as the same prose.
PROSE_SIMILARITY = 0.8
_EXTRACT_SOURCE, _EXTRACT_TARGET = anchors.extractors(None)


def same_content(source: Block, target: Block) -> bool:
    """``target`` (a translated block) is a translation of ``source``, by surviving tokens."""
    if source.kind is not target.kind:
        return False
    if source.kind is Kind.CODE:
        key = code_key(source.text)
        return bool(key) and key == code_key(target.text)
    if source.kind in VERBATIM_KINDS:
        return "".join(source.text.split()) == "".join(target.text.split())
    if not source.is_prose:
        return False
    src, tgt = _EXTRACT_SOURCE(source.content), _EXTRACT_TARGET(target.content)
    tokens = sum(src.anchors.values())
    # A lone number is too common to say two paragraphs are one.
    if not tokens or (tokens == 1 and next(iter(src.anchors)).startswith("n:")):
        return False
    if src.anchors == tgt.anchors:
        return True
    return (anchors.similarity(src, tgt) or 0.0) >= PROSE_SIMILARITY


def translated_already(
    block: Block,
    target: Document,
    start: int,
    *,
    stop: Container[int],
    taken: Container[int],
) -> int | None:
    """The index of an unpaired block of ``target`` that translates ``block``, looked for
    from offset ``start`` up to the first block in ``stop`` (the translation of English
    that stays); blocks in ``taken`` are paired or reused already."""
    for index, candidate in enumerate(target.blocks):
        if candidate.start < start or candidate.kind is Kind.BLANK:
            continue
        if index in stop:
            return None
        if index not in taken and same_content(block, candidate):
            return index
    return None


def loosely_held(source: Document, target: Document, src: tuple[int, ...], tgt: tuple[int, ...]):
    """Target blocks of a one-to-several link whose surviving tokens its English lacks
    entirely: blocks the aligner attached to a neighbour for want of a counterpart."""
    if len(tgt) < 2:
        return set()
    english = anchors.merge([_EXTRACT_SOURCE(source.blocks[i].content) for i in src])
    held = set()
    for j in tgt:
        block = target.blocks[j]
        if not block.is_prose:
            continue
        tokens = {t for t in _EXTRACT_TARGET(block.content).anchors if not t.startswith("n:")}
        if tokens and not tokens & set(english.anchors):
            held.add(j)
    return held
