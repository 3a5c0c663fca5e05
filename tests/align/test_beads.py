"""The bead dynamic programming against the plain loop it replaced: the same beads, the same
confidences, the same choice among equal costs; and the windows that keep it linear in
hostile file pairs."""

from __future__ import annotations

import math
import random
import tracemalloc
from collections import Counter
from collections.abc import Callable

import pytest

from amts.align.aligner import Aligner
from amts.align.anchors import Features, extractors, merge
from amts.align.beads import (
    BLOCK_BEADS,
    SENTENCE_BEADS,
    Bead,
    bead_cost,
    best_beads,
    bounded_beads,
)
from amts.align.glossary import load_glossary
from amts.book.document import parse
from amts.book.sentences import split_sentences
from tests.conftest import EXAMPLES


def _plain_best_beads(
    src: list[Features],
    tgt: list[Features],
    beads: dict[tuple[int, int], float],
    ratio: float,
    compatible: Callable[[int, int, int, int], bool] | None = None,
) -> list[Bead]:
    """Gale and Church's loop as written before: every cell, every shape, in order, each
    bead scored by :func:`bead_cost` on the merged units, the first of equal costs kept."""
    n, m = len(src), len(tgt)
    cost = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == math.inf:
                continue
            for (di, dj), prior in beads.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                step, confidence = 0.0, 0.0
                if di and dj:
                    if compatible is not None and not compatible(i, ni, j, nj):
                        continue
                    step, confidence = bead_cost(merge(src[i:ni]), merge(tgt[j:nj]), ratio)
                if (total := cost[i][j] + prior + step) < cost[ni][nj]:
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
    return result[::-1]


def _sample_sentences() -> tuple[list[Features], list[Features]]:
    """Features of every sentence of the sample book, English and Chinese, with its glossary."""
    source, target = extractors(load_glossary(EXAMPLES / "zh" / "TERMINOLOGY.md"))
    sides = []
    for extractor, lang in ((source, "en"), (target, "zh")):
        texts = []
        for path in sorted((EXAMPLES / lang).rglob("*.md")):
            if path.name.endswith("_origin.md"):
                continue
            text = path.read_text(encoding="utf-8")
            texts += [s.of(text) for s in split_sentences(text, lang)]
        sides.append([extractor(text) for text in texts])
    return sides[0], sides[1]


def _kind_rule(seed: int) -> Callable[[int, int, int, int], bool]:
    """Some units pair only one to one, as headings do."""
    rng = random.Random(seed)
    single = [rng.random() < 0.3 for _ in range(200)]
    return lambda i, ni, j, nj: (
        (ni - i == 1 and nj - j == 1) or not (any(single[i:ni]) or any(single[100 + j : 100 + nj]))
    )


def _windows(seed: int) -> list[tuple[list[Features], list[Features], float]]:
    en, zh = _sample_sentences()
    assert len(en) > 20 and sum(1 for f in en if f.anchors) > 10
    rng = random.Random(seed)
    windows = []
    for _ in range(40):
        start = rng.randrange(len(en) - 10)
        shift = rng.randrange(-3, 4)
        src = en[start : start + rng.randrange(1, 10)]
        at = min(max(0, start + shift), len(zh) - 1)
        tgt = zh[at : at + rng.randrange(1, 10)]
        windows.append((src, tgt, rng.choice([0.3, 0.35, 1.0])))
    return windows


@pytest.mark.parametrize("beads", [BLOCK_BEADS, SENTENCE_BEADS], ids=["blocks", "sentences"])
@pytest.mark.parametrize("rule", [False, True], ids=["free", "kinds"])
def test_same_beads_as_the_plain_loop_on_the_sample_book(beads, rule) -> None:
    """Windows of the sample book's sentences (some translated, some not) align as before."""
    for seed, (src, tgt, ratio) in enumerate(_windows(13)):
        compatible = _kind_rule(seed) if rule else None
        expected = _plain_best_beads(src, tgt, beads, ratio, compatible)
        assert best_beads(src, tgt, beads, ratio, compatible) == expected


def test_equal_costs_keep_the_first_bead_the_plain_loop_kept() -> None:
    """Units of equal length without tokens make many paths cost the same: the choice among
    them, and each bead's confidence, is the plain loop's."""
    unit = Features(5.0, Counter(), frozenset())
    word = Features(5.0, Counter({"c:x": 1}), frozenset({"model"}))
    for src, tgt in (
        ([unit] * 6, [unit] * 4),
        ([unit, word, unit, unit], [word, unit, unit, word, unit]),
        ([], [unit, unit]),
        ([unit], []),
    ):
        for beads in (BLOCK_BEADS, SENTENCE_BEADS):
            expected = _plain_best_beads(src, tgt, beads, 1.0)
            assert best_beads(src, tgt, beads, 1.0) == expected


def test_equal_costs_from_one_row_keep_the_leftmost_start() -> None:
    """A unit reached as well by a 1-2 bead from the left as by a 0-1 then a 1-1 bead keeps
    the 1-2 bead: the plain loop met it first (the hand-made costs tie exactly)."""
    empty, full = Features(0.0, Counter(), frozenset()), Features(4.0, Counter(), frozenset())
    beads = {(1, 0): 1.0, (0, 1): 1.0, (1, 1): 0.0, (1, 2): 1.0}
    expected = _plain_best_beads([full], [empty, full], beads, 1.0)
    assert [(b.src, b.tgt) for b in expected] == [((0,), (0, 1))]
    assert best_beads([full], [empty, full], beads, 1.0) == expected


def _units(count: int) -> list[Features]:
    return [Features(40.0, Counter(), frozenset()) for _ in range(count)]


def test_huge_sequences_are_weighed_window_by_window_in_order():
    """3,000 units a side: every unit in one bead, in order, 1-1 where lengths agree; each
    cell and bead shape is asked of ``compatible`` with the whole sequences' indices, a
    window's worth per unit rather than 9 million cells."""
    asked: list[tuple[int, int, int, int]] = []

    def compatible(i: int, ni: int, j: int, nj: int) -> bool:
        asked.append((i, ni, j, nj))
        return True

    beads = bounded_beads(_units(3000), _units(3000), BLOCK_BEADS, 1.0, compatible)
    assert [i for bead in beads for i in bead.src] == list(range(3000))
    assert [j for bead in beads for j in bead.tgt] == list(range(3000))
    assert all(len(bead.src) == len(bead.tgt) == 1 for bead in beads)
    assert len(asked) <= 5 * 100 * 6000
    assert {ni for _, ni, _, _ in asked} >= {1, 2999, 3000}
    assert max(nj for _, _, _, nj in asked) == 3000


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
