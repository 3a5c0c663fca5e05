"""Gale and Church's beads: the dynamic programming stays linear on hostile file pairs."""

from __future__ import annotations

import tracemalloc
from collections import Counter

from amts.align.aligner import Aligner
from amts.align.anchors import Features
from amts.align.beads import BLOCK_BEADS, bounded_beads
from amts.book.document import parse


def _units(count: int) -> list[Features]:
    return [Features(40.0, Counter(), frozenset()) for _ in range(count)]


def test_huge_sequences_are_weighed_window_by_window_in_order():
    """3,000 units a side: every unit in one bead, in order, 1-1 where lengths agree; each
    cell and bead shape is asked of ``compatible`` with the whole sequences' indices, a
    window's worth per unit rather than 9 million cells."""
    asked: list[tuple[range, range]] = []

    def compatible(a: range, b: range) -> bool:
        asked.append((a, b))
        return True

    beads = bounded_beads(_units(3000), _units(3000), BLOCK_BEADS, 1.0, compatible)
    assert [i for bead in beads for i in bead.src] == list(range(3000))
    assert [j for bead in beads for j in bead.tgt] == list(range(3000))
    assert all(len(bead.src) == len(bead.tgt) == 1 for bead in beads)
    assert len(asked) <= 5 * 100 * 6000
    assert {a.stop for a, _ in asked} >= {1, 2999, 3000}
    assert max(b.stop for _, b in asked) == 3000


def test_aligning_two_hostile_files_takes_memory_linear_in_them():
    """400 paragraphs and their 400 translations with no code between them: one region of
    160,000 cells, aligned paragraph to paragraph under 6 MB of peak memory (18 MB before
    the windows; 20,000 paragraphs a side would have needed 400 million cells)."""
    english = parse(
        "".join(f"Paragraph {k} says the model learns weight {k}.\n\n" for k in range(400))
    )
    chinese = parse("".join(f"第 {k} 段说模型学习了第 {k} 号权重。\n\n" for k in range(400)))
    tracemalloc.start()
    try:
        alignment = Aligner("en", "zh").align(english, chinese)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * 2**20
    assert [(link.src, link.tgt) for link in alignment.blocks] == [
        ((2 * k,), (2 * k,)) for k in range(400)
    ]
