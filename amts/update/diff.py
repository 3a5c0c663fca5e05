"""What changed between two versions of an English file, block by block and sentence by sentence.

A line diff says which lines differ; a translation needs to know which *units*
changed: a paragraph that was edited (so its translation must follow), one that
was inserted or deleted, one that only moved (its translation moves with it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from amts.book.document import Document, Kind
from amts.update.changes import ChangeKind

try:  # difflib's own code compiled (Cython): the same matches, ~6 times faster
    from cydifflib import SequenceMatcher
except ImportError:  # pragma: no cover - a platform without its wheel
    from difflib import SequenceMatcher

#: Below this similarity an edited block is treated as one deleted and one inserted.
MODIFIED_THRESHOLD = 0.35

_WORD = re.compile(r"\w+|[^\w\s]")

#: Pairs scored lately, by (old key, new key): a sync diffs each English file more than once
#: (the push's edits merged into the origin, then the origin against that merge), mostly over
#: the same rewritten blocks. Bounded; emptied when full.
_SCORES: dict[tuple[str, str], float] = {}
_MAX_SCORES = 50_000
#: Block edit scripts lately made, by both versions' block keys and kinds (bounded).
_SCRIPTS: dict[tuple, list[Edit]] = {}
_MAX_SCRIPTS = 16


@dataclass(frozen=True, slots=True)
class Edit:
    """One step of the edit script; ``old``/``new`` index blocks or sentences."""

    kind: ChangeKind
    old: int | None
    new: int | None


def normalize(text: str) -> str:
    """The comparison key: rewrapping a paragraph is not a change. Each run of whitespace
    (line breaks too) is one space, none at the ends: ``str.split`` splits at exactly the
    characters ``\\s`` matches, several times faster than ``re.sub(r"\\s+", " ", text)``."""
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def block_key(text: str) -> str:
    """:func:`normalize` of a block's text, remembered: a sync diffs each file's versions
    several times (merge, plan, lag), each block by its key."""
    return normalize(text)


def similarity(a: str, b: str) -> float:
    """Word-level similarity in [0, 1]; cheap upper bounds first."""
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(_WORD.findall(b))
    return _similarity(matcher, _WORD.findall(a))


def _similarity(matcher: SequenceMatcher, words: list[str]) -> float:
    """:func:`similarity` of ``words`` to the matcher's second sequence (set once for many:
    difflib indexes it on ``set_seq2``)."""
    matcher.set_seq1(words)
    if (
        matcher.real_quick_ratio() < MODIFIED_THRESHOLD
        or matcher.quick_ratio() < MODIFIED_THRESHOLD
    ):
        return 0.0
    return matcher.ratio()


def diff_sequences(
    old: Sequence[str],
    new: Sequence[str],
    compatible: Callable[[int, int], bool] | None = None,
) -> list[Edit]:
    """Edit script from ``old`` to ``new`` (keys already normalized), in ``new`` order.

    Equal runs come from difflib; inside a replaced run, old and new items are
    paired in order by similarity (modified), the rest are deleted or inserted.
    A deleted item equal to an inserted one elsewhere has moved.
    """
    edits: list[Edit] = []
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            edits.extend(
                Edit(ChangeKind.UNCHANGED, i, j)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        elif tag == "delete":
            edits.extend(Edit(ChangeKind.DELETED, i, None) for i in range(i1, i2))
        elif tag == "insert":
            edits.extend(Edit(ChangeKind.INSERTED, None, j) for j in range(j1, j2))
        else:
            edits.extend(_pair_replaced(old, new, i1, i2, j1, j2, compatible)[0])
    return _find_moves(old, new, edits)


def pair_similar(
    old: Sequence[str],
    new: Sequence[str],
    compatible: Callable[[int, int], bool] | None = None,
) -> list[tuple[int, int, float]]:
    """Pairs (old index, new index, similarity), in order, maximizing total similarity."""
    edits, scores = _pair_replaced(old, new, 0, len(old), 0, len(new), compatible)
    return [
        (edit.old, edit.new, scores[edit.old, edit.new])
        for edit in edits
        if edit.kind is ChangeKind.MODIFIED
    ]


#: A replaced run of at most this many old × new items is paired as a whole. A larger one
#: (a hostile push rewriting each of 20,000 paragraphs: 400 million pairs, each scored, and
#: two matrices of them) is cut into consecutive windows of about ``PAIRING_WINDOW`` items a
#: side along its diagonal, each paired as a whole: time and memory linear in the run. The
#: largest runs met are far smaller: 270 pairs in the replay cases, 2,146 when aligning
#: d2l-zh and d2l-pt with d2l-en.
MAX_PAIRED_CELLS = 40_000
PAIRING_WINDOW = 100


def _pair_replaced(
    old, new, i1, i2, j1, j2, compatible
) -> tuple[list[Edit], dict[tuple[int, int], float]]:
    """Monotonic pairing of a replaced run maximizing total similarity, window by window
    when the run is too large to pair whole (see ``MAX_PAIRED_CELLS``), with the similarity
    of each modified pair."""
    n, m = i2 - i1, j2 - j1
    if n * m <= MAX_PAIRED_CELLS:
        return _pair_window(old, new, i1, i2, j1, j2, compatible)
    edits: list[Edit] = []
    scores: dict[tuple[int, int], float] = {}
    for a0, a1, b0, b1 in diagonal_windows(n, m, PAIRING_WINDOW):
        found, found_scores = _pair_window(old, new, i1 + a0, i1 + a1, j1 + b0, j1 + b1, compatible)
        edits.extend(found)
        scores.update(found_scores)
    return edits, scores


def diagonal_windows(n: int, m: int, side: int) -> list[tuple[int, int, int, int]]:
    """An n × m grid cut into consecutive windows ``(i0, i1, j0, j1)`` of about ``side``
    items a side along its diagonal: a dynamic programming over each window instead of the
    whole grid costs time and memory linear in n + m."""
    count = -(-max(n, m) // side)
    return [
        (n * w // count, n * (w + 1) // count, m * w // count, m * (w + 1) // count)
        for w in range(count)
    ]


def _pair_window(
    old, new, i1, i2, j1, j2, compatible
) -> tuple[list[Edit], dict[tuple[int, int], float]]:
    """Monotonic pairing of ``old[i1:i2]`` with ``new[j1:j2]`` maximizing total similarity
    (a DP over every pair)."""
    n, m = i2 - i1, j2 - j1
    sim = [[0.0] * m for _ in range(n)]
    # Each item split into words once, each new item indexed once: an n×m replaced run
    # (a rewritten section) costs n + m tokenizations, not 2nm.
    old_words: list[list[str] | None] = [None] * n
    matcher = SequenceMatcher(None, autojunk=False)
    if len(_SCORES) > _MAX_SCORES:
        _SCORES.clear()
    for b in range(m):
        new_key, indexed = new[j1 + b], False
        for a in range(n):
            if compatible is not None and not compatible(i1 + a, j1 + b):
                continue
            score = _SCORES.get(key := (old[i1 + a], new_key))
            if score is None:
                if not indexed:
                    matcher.set_seq2(_WORD.findall(new_key))
                    indexed = True
                if (words := old_words[a]) is None:
                    words = old_words[a] = _WORD.findall(old[i1 + a])
                score = _SCORES[key] = _similarity(matcher, words)
            sim[a][b] = score if score >= MODIFIED_THRESHOLD else 0.0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            pair = sim[a][b] + best[a + 1][b + 1] if sim[a][b] else 0.0
            best[a][b] = max(pair, best[a + 1][b], best[a][b + 1])
    edits: list[Edit] = []
    scores: dict[tuple[int, int], float] = {}
    a = b = 0
    while a < n or b < m:
        if a < n and b < m and sim[a][b] and best[a][b] == sim[a][b] + best[a + 1][b + 1]:
            edits.append(Edit(ChangeKind.MODIFIED, i1 + a, j1 + b))
            scores[i1 + a, j1 + b] = sim[a][b]
            a, b = a + 1, b + 1
        elif a < n and (b == m or best[a][b] == best[a + 1][b]):
            edits.append(Edit(ChangeKind.DELETED, i1 + a, None))
            a += 1
        else:
            edits.append(Edit(ChangeKind.INSERTED, None, j1 + b))
            b += 1
    return edits, scores


def _find_moves(old: Sequence[str], new: Sequence[str], edits: list[Edit]) -> list[Edit]:
    deleted: dict[str, list[int]] = {}
    for edit in edits:
        if edit.kind is ChangeKind.DELETED:
            deleted.setdefault(old[edit.old], []).append(edit.old)
    if not deleted:
        return edits
    moved_from: dict[int, int] = {}
    for edit in edits:
        if edit.kind is ChangeKind.INSERTED and deleted.get(new[edit.new]):
            moved_from[edit.new] = deleted[new[edit.new]].pop(0)
    moved_old = set(moved_from.values())
    result = []
    for edit in edits:
        if edit.kind is ChangeKind.DELETED and edit.old in moved_old:
            continue
        if edit.kind is ChangeKind.INSERTED and edit.new in moved_from:
            result.append(Edit(ChangeKind.MOVED, moved_from[edit.new], edit.new))
        else:
            result.append(edit)
    return result


def diff_blocks(old: Document, new: Document) -> list[Edit]:
    """Edit script over the non-blank blocks of two versions; indices are ``blocks`` indices."""
    old_ids = [i for i, b in enumerate(old.blocks) if b.kind is not Kind.BLANK]
    new_ids = [j for j, b in enumerate(new.blocks) if b.kind is not Kind.BLANK]
    old_keys = [block_key(old.blocks[i].text) for i in old_ids]
    new_keys = [block_key(new.blocks[j].text) for j in new_ids]

    old_kinds = tuple(old.blocks[i].kind for i in old_ids)
    new_kinds = tuple(new.blocks[j].kind for j in new_ids)

    def compatible(a: int, b: int) -> bool:
        return old_kinds[a] is new_kinds[b]

    # A sync diffs the same versions twice when the translation followed the push's base:
    # the origin against the merged English is then the base against the head.
    memo = (tuple(old_keys), tuple(new_keys), old_kinds, new_kinds)
    script = _SCRIPTS.get(memo)
    if script is None:
        if len(_SCRIPTS) >= _MAX_SCRIPTS:
            _SCRIPTS.clear()
        script = _SCRIPTS[memo] = diff_sequences(old_keys, new_keys, compatible)
    return [
        Edit(
            edit.kind,
            old_ids[edit.old] if edit.old is not None else None,
            new_ids[edit.new] if edit.new is not None else None,
        )
        for edit in script
    ]
