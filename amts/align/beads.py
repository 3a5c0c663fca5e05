"""Gale and Church's dynamic programming over beads, scored by length and shared tokens.

A bead pairs a few consecutive units of one side with a few of the other (1-1, 2-1,
1-0 …). The cheapest sequence of beads covering both sides is the alignment. A bead's
cost is its shape's prior, the length mismatch under Gale and Church's model (with the
file pair's own length ratio), and the surviving tokens both sides share or do not
(:mod:`amts.align.anchors`).
"""

from __future__ import annotations

import functools
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
    return cost, _confidence(length, sim)


def _confidence(length: float, sim: float | None) -> float:
    length_p = math.exp(-length)
    return length_p if sim is None else 0.4 * length_p + 0.6 * sim


def best_beads(
    src: list[Features],
    tgt: list[Features],
    beads: dict[tuple[int, int], float],
    ratio: float,
    compatible: Callable[[int, int, int, int], bool] | None = None,
) -> list[Bead]:
    """Minimum-cost sequence of beads covering both sides (Gale-Church dynamic programming).

    The loop is the aligner's hottest: per bead it does :func:`bead_cost`'s arithmetic,
    operation for operation, on what :class:`_Groups` prepared once per group of units, and
    skips the bead when a bound says it cannot beat the cell's best. Every cell receives its
    candidates in the order of a plain loop over cells (row by row) and shapes, keeping the
    first of equal costs: the same floats, the same beads (``tests/align/test_beads.py``).

    ``compatible(i, ni, j, nj)`` says whether units ``src[i:ni]`` may pair with ``tgt[j:nj]``.
    """
    n, m = len(src), len(tgt)
    inf = math.inf
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    across, down = _order(tuple(beads.items()))
    shared = _SharedTokens(src, tgt)
    source = _Groups(src, {di for di, _, _ in down if di}, shared, ratio=ratio)
    target = _Groups(tgt, {dj for _, dj, _ in down if dj}, shared)
    erfc, log, weight = math.erfc, math.log, ANCHOR_WEIGHT
    smoothing, lift, neutral = anchors.SMOOTHING, _LIFT, anchors.NO_EVIDENCE
    for i in range(n + 1):
        row, links = cost[i], back[i]
        if across:
            for j in range(m + 1):
                here = row[j]
                for dj, prior in across:
                    nj = j + dj
                    if nj <= m and (total := here + prior) < row[nj]:
                        row[nj] = total
                        links[nj] = (0, dj)
        for di, dj, prior in down:
            ni = i + di
            if ni > n:
                break
            next_row, next_links, shape = cost[ni], back[ni], (di, dj)
            if not dj:
                for j, here in enumerate(row):
                    if (total := here + prior) < next_row[j]:
                        next_row[j] = total
                        next_links[j] = shape
                continue
            scaled, spread = source.scaled[di][i], source.spread[di][i]
            count, bits = source.count[di][i], source.bits[di][i]
            lengths, counts, all_bits = target.length[dj], target.count[dj], target.bits[dj]
            # A cell's best is read once, before this shape can change it: a copy will do.
            for j, here, best, length, counted, other in zip(
                range(m - dj + 1), row, next_row[dj:], lengths, counts, all_bits, strict=False
            ):
                base = here + prior
                # bead_cost's arithmetic: x is ANCHOR_WEIGHT × the evidence.
                if total := count + counted:
                    x = weight * (
                        (2.0 * (bits & other).bit_count() + lift) / (total + smoothing) - neutral
                    )
                else:
                    x = weight * 0.0
                if base - x >= best:
                    continue  # it cannot be cheaper: see the comment below
                if compatible is not None and not compatible(i, ni, j, j + dj):
                    continue
                probability = erfc(abs((length - scaled) / spread) / _SQRT2)
                total = base + (-log(probability if probability >= 1e-12 else 1e-12) - x)
                if total < best:
                    next_row[j + dj] = total
                    next_links[j + dj] = shape
    result = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj = step
        confidence = 0.0
        if di and dj:
            confidence = _confidence(*_scored(source, target, i - di, di, j - dj, dj))
        result.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j)), round(confidence, 3)))
        i, j = i - di, j - dj
    result.reverse()
    return result


def _scored(
    source: _Groups, target: _Groups, i: int, di: int, j: int, dj: int
) -> tuple[float, float | None]:
    """:func:`length_cost` and :func:`~amts.align.anchors.similarity` of the groups
    ``src[i:i+di]`` and ``tgt[j:j+dj]``, the same floats (the loop above inlines them)."""
    delta = (target.length[dj][j] - source.scaled[di][i]) / source.spread[di][i]
    probability = math.erfc(abs(delta) / _SQRT2)
    length = -math.log(max(probability, 1e-12))
    if not (total := source.count[di][i] + target.count[dj][j]):
        return length, None
    both = (source.bits[di][i] & target.bits[dj][j]).bit_count()
    return length, (2.0 * both + _LIFT) / (total + anchors.SMOOTHING)


@functools.cache
def _order(
    beads: tuple[tuple[tuple[int, int], float], ...],
) -> tuple[list[tuple[int, float]], list[tuple[int, int, float]]]:
    """The shapes that stay in the row (``(dj, prior)``), taken cell by cell, each cell's cost
    then final; and the others (``(di, dj, prior)``), taken row by row, nearer rows first and,
    within one, the wider shape first: a cell they reach gets its candidates from the row's
    left cells first, as in a cell-by-cell loop."""
    if any(shape == (0, 0) for shape, _ in beads):
        raise ValueError("a bead must cover at least one unit")
    across = [(dj, prior) for (di, dj), prior in beads if not di]
    down = sorted(((di, dj, p) for (di, dj), p in beads if di), key=lambda s: (s[0], -s[1]))
    return across, down


_SQRT2 = math.sqrt(2.0)
_LIFT = anchors.SMOOTHING * anchors.NO_EVIDENCE
# Why a bead whose ``(here + prior) - x`` is no less than the cell's best is skipped
# unscored: its cost is ``(here + prior) + (length - x)`` with ``length ≥ 0`` (−log of a
# probability). Rounding is monotonic, so ``length - x ≥ -x`` and the sum is no less than
# ``(here + prior) - x``: never strictly less than the best, so never kept.


class _SharedTokens:
    """One bit per token both sides have: a group's similarity is then a population count.

    A Latin word has one bit. An anchor has as many as it can share (``min`` of its counts
    on the two sides), and a group with ``c`` of it sets the first ``c``: the bits two
    groups have in common then number ``min`` of their counts, the multiset intersection
    :func:`~amts.align.anchors.similarity` counts.
    """

    def __init__(self, src: list[Features], tgt: list[Features]) -> None:
        words = frozenset().union(*(f.latin for f in src)) & frozenset().union(
            *(f.latin for f in tgt)
        )
        self.latin = {word: 1 << k for k, word in enumerate(words)}
        tokens = set().union(*(f.anchors for f in src)) & set().union(*(f.anchors for f in tgt))
        totals = []
        for units in (src, tgt):
            total = dict.fromkeys(tokens, 0)
            for unit in units:
                for token in unit.anchors.keys() & tokens:
                    total[token] += unit.anchors[token]
            totals.append(total)
        self.anchors: dict[str, tuple[int, int]] = {}  # token -> (first bit, how many)
        offset = len(words)
        for token in tokens:
            if (width := min(totals[0][token], totals[1][token])) > 0:
                self.anchors[token] = (offset, width)
                offset += width

    def latin_bits(self, unit: Features) -> int:
        bits, latin = 0, self.latin
        for word in unit.latin & latin.keys():
            bits |= latin[word]
        return bits

    def shared_anchors(self, unit: Features) -> dict[str, int] | None:
        """The anchors of ``unit`` the other side has too (``None``: none)."""
        tokens = unit.anchors.keys() & self.anchors.keys()
        return {token: unit.anchors[token] for token in tokens} if tokens else None

    def anchor_bits(self, counts: dict[str, int] | None) -> int:
        bits, anchors = 0, self.anchors
        for token, count in (counts or {}).items():
            first, width = anchors[token]
            bits |= ((1 << min(count, width)) - 1) << first
        return bits


def _added(a: dict[str, int] | None, b: dict[str, int] | None) -> dict[str, int] | None:
    """The sum of two tallies of anchors."""
    if a is None or b is None:
        return a or b
    total = dict(a)
    for token, count in b.items():
        total[token] = total.get(token, 0) + count
    return total


class _Groups:
    """``field[size][start]``: what :func:`bead_cost` needs of ``size`` consecutive units from
    ``start`` merged (:func:`~amts.align.anchors.merge`), computed once, each group from the
    one a unit shorter (lengths added in merge's order, so the same floats).

    ``count`` is the anchors with repeats, plus twice the Latin words on the target side (the
    similarity's total); with ``ratio`` (the source side), ``scaled`` and ``spread`` are
    :func:`length_cost`'s ``ratio * source`` and denominator.
    """

    def __init__(
        self,
        units: list[Features],
        sizes: set[int],
        shared: _SharedTokens,
        *,
        ratio: float | None = None,
    ) -> None:
        self.length: dict[int, list[float]] = {}
        self.count: dict[int, list[int]] = {}
        self.bits: dict[int, list[int]] = {}
        self.scaled: dict[int, list[float]] = {}
        self.spread: dict[int, list[float]] = {}
        for size in sizes:  # groups longer than the units: none
            for field in (self.length, self.count, self.bits, self.scaled, self.spread):
                field[size] = []
        unit_bits = [shared.latin_bits(unit) for unit in units] if shared.latin else None
        tallies = [shared.shared_anchors(unit) for unit in units] if shared.anchors else None
        lengths = [unit.length for unit in units]
        counts = [unit.anchor_count for unit in units]
        bits = unit_bits or [0] * len(units)
        groups = tallies
        words = [unit.latin for unit in units] if ratio is None else []
        for size in range(1, min(max(sizes, default=0), len(units)) + 1):
            if size > 1:
                tail = units[size - 1 :]
                lengths = [a + unit.length for a, unit in zip(lengths, tail, strict=False)]
                counts = [a + unit.anchor_count for a, unit in zip(counts, tail, strict=False)]
                if unit_bits:
                    bits = [a | b for a, b in zip(bits, unit_bits[size - 1 :], strict=False)]
                if groups and tallies:
                    groups = [
                        _added(a, b) for a, b in zip(groups, tallies[size - 1 :], strict=False)
                    ]
                if ratio is None:
                    words = [a | unit.latin for a, unit in zip(words, tail, strict=False)]
            if size not in sizes:
                continue
            self.length[size] = lengths
            self.bits[size] = (
                [a | shared.anchor_bits(b) if b else a for a, b in zip(bits, groups, strict=False)]
                if groups
                else bits[: len(lengths)]
            )
            if ratio is None:
                self.count[size] = [c + 2 * len(w) for c, w in zip(counts, words, strict=False)]
            else:
                self.count[size] = counts
                self.scaled[size] = [ratio * length for length in lengths]
                self.spread[size] = [
                    math.sqrt(max(length, 1.0) * LENGTH_VARIANCE * ratio) for length in lengths
                ]


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
    compatible: Callable[[int, int, int, int], bool] | None = None,
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
    compatible: Callable[[int, int, int, int], bool], i0: int, j0: int
) -> Callable[[int, int, int, int], bool]:
    """``compatible`` of a window's units, asked with the whole sequences' indices."""
    return lambda i, ni, j, nj: compatible(i + i0, ni + i0, j + j0, nj + j0)
