"""Gale and Church's dynamic programming over beads, scored by length and shared tokens.

A bead pairs a few consecutive units of one side with a few of the other (1-1, 2-1,
1-0 …). The cheapest sequence of beads covering both sides is the alignment. A bead's
cost is its shape's prior, the length mismatch under Gale and Church's model (with the
file pair's own length ratio), and the surviving tokens both sides share or do not
(:mod:`amts.align.anchors`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from amts.align import anchors
from amts.align.anchors import Features
from amts.update.diff import diagonal_windows

#: Bead shapes and their prior cost (−log of how often translators produce them).
BLOCK_BEADS: dict[tuple[int, int], float] = {
    (1, 1): 0.0,
    (1, 0): 4.0,
    (0, 1): 4.0,
    (2, 1): 2.3,
    (1, 2): 2.3,
    (3, 1): 4.0,
    (1, 3): 4.0,
}
SENTENCE_BEADS: dict[tuple[int, int], float] = {
    (1, 1): 0.0,
    (1, 0): 3.0,
    (0, 1): 3.0,
    (2, 1): 1.8,
    (1, 2): 1.8,
    (2, 2): 3.0,
    (3, 1): 3.2,
    (1, 3): 3.2,
    (3, 2): 4.0,
    (2, 3): 4.0,
}
ANCHOR_WEIGHT = 6.0
LENGTH_VARIANCE = 6.8  # Gale and Church's s², in source characters


@dataclass(frozen=True, slots=True)
class Bead:
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float


def length_cost(source: float, target: float, ratio: float) -> float:
    """−log P(length match) in Gale and Church's model, with the file pair's own ratio."""
    delta = (target - ratio * source) / math.sqrt(max(source, 1.0) * LENGTH_VARIANCE * ratio)
    probability = math.erfc(abs(delta) / math.sqrt(2.0))
    return -math.log(max(probability, 1e-12))


def bead_cost(source: Features, target: Features, ratio: float) -> tuple[float, float]:
    """(cost, confidence) of pairing two groups of units."""
    length = length_cost(source.length, target.length, ratio)
    sim = anchors.similarity(source, target)
    # Shared tokens lower the cost, contrary tokens raise it, none leave it to length alone.
    evidence = 0.0 if sim is None else sim - anchors.NO_EVIDENCE
    cost = length - ANCHOR_WEIGHT * evidence
    length_p = math.exp(-length)
    confidence = length_p if sim is None else 0.4 * length_p + 0.6 * sim
    return cost, confidence


def best_beads(
    src: list[Features],
    tgt: list[Features],
    beads: dict[tuple[int, int], float],
    ratio: float,
    compatible: Callable[[range, range], bool] | None = None,
) -> list[Bead]:
    """Minimum-cost sequence of beads covering both sides (Gale-Church dynamic programming).

    Every cell weighs every bead shape once: the loop is the aligner's hottest, so the
    shapes are unpacked once and each group of units is merged once, up front.
    """
    n, m = len(src), len(tgt)
    inf = math.inf
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    shapes = [(di, dj, prior) for (di, dj), prior in beads.items()]
    src_groups = _groups(src, {di for di, _ in beads})
    tgt_groups = _groups(tgt, {dj for _, dj in beads})
    for i in range(n + 1):
        row = cost[i]
        for j in range(m + 1):
            here = row[j]
            if here == inf:
                continue
            for di, dj, prior in shapes:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                if di and dj:
                    if compatible is not None and not compatible(range(i, ni), range(j, nj)):
                        continue
                    step, confidence = bead_cost(src_groups[di][i], tgt_groups[dj][j], ratio)
                else:
                    step, confidence = 0.0, 0.0
                total = here + prior + step
                if total < cost[ni][nj]:
                    cost[ni][nj] = total
                    back[ni][nj] = (di, dj, confidence)
    result = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj, confidence = step
        result.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j)), round(confidence, 3)))
        i, j = i - di, j - dj
    result.reverse()
    return result


#: Above this many cells (source × target units) the beads are found window by window along
#: the diagonal, ``BEAD_WINDOW`` units a side: two hostile files of 20,000 paragraphs with no
#: code between them would fill 400 million cells. The largest region of d2l-zh and d2l-pt
#: against d2l-en has 3,540 (60 × 59 blocks), the largest block of sentences 252.
MAX_BEAD_CELLS = 40_000
BEAD_WINDOW = 50


def bounded_beads(
    src: list[Features],
    tgt: list[Features],
    beads: dict[tuple[int, int], float],
    ratio: float,
    compatible: Callable[[range, range], bool] | None = None,
) -> list[Bead]:
    """:func:`best_beads`, in time and memory linear in the units beyond ``MAX_BEAD_CELLS``."""
    n, m = len(src), len(tgt)
    if n * m <= MAX_BEAD_CELLS:
        return best_beads(src, tgt, beads, ratio, compatible)
    result = []
    for i0, i1, j0, j1 in diagonal_windows(n, m, BEAD_WINDOW):
        shifted = None
        if compatible is not None:
            shifted = _shifted(compatible, i0, j0)
        for bead in best_beads(src[i0:i1], tgt[j0:j1], beads, ratio, shifted):
            result.append(
                Bead(
                    tuple(i + i0 for i in bead.src),
                    tuple(j + j0 for j in bead.tgt),
                    bead.confidence,
                )
            )
    return result


def _shifted(
    compatible: Callable[[range, range], bool], i0: int, j0: int
) -> Callable[[range, range], bool]:
    """``compatible`` of a window's units, asked with the whole sequences' indices."""
    return lambda a, b: compatible(
        range(a.start + i0, a.stop + i0), range(b.start + j0, b.stop + j0)
    )


def _groups(features: list[Features], sizes: set[int]) -> dict[int, list[Features]]:
    """``groups[size][start]``: the features of ``size`` consecutive units from ``start``."""
    return {
        size: [anchors.merge(features[k : k + size]) for k in range(len(features) - size + 1)]
        for size in sizes
        if size
    }
