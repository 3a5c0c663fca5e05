"""d2l's highlight markers, ``[** … **]`` and ``(** … **)``, carried into a translation.

The markers pick out what the slides show; they change no meaning, so a sentence
whose English only gained or lost markers keeps its human translation. The
markers are placed in the translation where a translator would put them: at the
clause boundary (start, end, or beside a comma) nearest to where they stand in
the English, measured as a share of the sentence's length. When that does not fit
(two spans in one clause, or a span inside a single clause), the markers fall back to
a coarser placement: each kind of marker once, around the whole clauses its spans
touch, or around the whole sentence. Reviewers are told to check the placement.
"""

from __future__ import annotations

import re
from itertools import pairwise

MARKER = re.compile(r"\[\*\*|\*\*\]|\(\*\*|\*\*\)")
_CLOSING = {"[**": "**]", "(**": "**)"}
# A clause ends before these; the next one starts after them (and after the space).
_CLAUSE_PUNCTUATION = re.compile(r"[，,；;：:、]\s*")


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


def _marker_pairs(text: str) -> list[tuple[str, float, float]]:
    """(opening marker, start, end) as shares of the text without markers."""
    plain_length = len(strip_markers(text)) or 1
    pairs, removed, stack = [], 0, []
    for match in MARKER.finditer(text):
        plain = match.start() - removed
        marker = match.group(0)
        if marker in _CLOSING:
            stack.append((marker, plain))
        elif stack:
            opening, start = stack.pop()
            pairs.append((opening, start / plain_length, plain / plain_length))
        removed += len(marker)
    return pairs


def _boundaries(text: str) -> tuple[list[int], list[int]]:
    """Where a marker may open and close in ``text``: clause starts and clause ends."""
    openings, closings = [0], [len(text)]
    for match in _CLAUSE_PUNCTUATION.finditer(text):
        closings.append(match.start())
        openings.append(match.end())
    return sorted(set(openings)), sorted(set(closings))


def _nearest(candidates: list[int], share: float, length: int) -> int:
    return min(candidates, key=lambda c: abs(c / max(length, 1) - share))


def project_markers(english: str, translation: str) -> str | None:
    """``translation`` with the English's markers placed in it, or ``None`` when they do not
    fit (two markers would land on the same boundary)."""
    plain = strip_markers(translation)
    inserts: list[tuple[int, str]] = []
    openings, closings = _boundaries(plain)
    last_close = -1
    for opening, start, end in _marker_pairs(english):
        at_open = _nearest(openings, start, len(plain))
        at_close = _nearest(closings, end, len(plain))
        if at_close <= at_open or at_open < last_close:
            return None
        inserts += [(at_open, opening), (at_close, _CLOSING[opening])]
        last_close = at_close
    for offset, marker in sorted(inserts, key=lambda item: item[0], reverse=True):
        plain = plain[:offset] + marker + plain[offset:]
    return plain


def place_markers(english: str, translation: str) -> tuple[str, bool]:
    """``translation`` with the English's markers, and whether they sit at the nearest
    clause boundaries (``True``) or were widened to whole clauses or the sentence."""
    projected = project_markers(english, translation)
    if projected is not None:
        return projected, True
    return _coarse_markers(english, translation), False


def _coarse_markers(english: str, translation: str) -> str:
    """One pair per kind of marker, around the whole clauses its spans touch (the clause
    where the first span starts to the one where the last ends, as shares of the sentence).
    Pairs that would overlap become one pair, of the English's first kind, around the whole
    sentence."""
    plain = strip_markers(translation)
    length = len(plain)
    clauses, start_of = [], 0
    for match in _CLAUSE_PUNCTUATION.finditer(plain):
        clauses.append((start_of, match.start()))
        start_of = match.end()
    clauses.append((start_of, length))

    def clause_at(position: float) -> int:
        return max(k for k, (start, _) in enumerate(clauses) if start <= position or k == 0)

    spans: dict[str, tuple[float, float]] = {}
    for opening, start, end in _marker_pairs(english):
        first, last = spans.get(opening, (start, end))
        spans[opening] = (min(first, start), max(last, end))
    placed = []
    for opening, (start, end) in spans.items():
        first = clause_at(start * length)
        last = max(first, clause_at(end * length - 1))
        placed.append((clauses[first][0], clauses[last][1], opening))
    placed.sort()
    if any(later[0] < earlier[1] for earlier, later in pairwise(placed)):
        placed = [(0, length, next(iter(spans)))]  # the English's first kind
    for at_open, at_close, opening in reversed(placed):
        plain = (
            plain[:at_open]
            + opening
            + plain[at_open:at_close]
            + _CLOSING[opening]
            + plain[at_close:]
        )
    return plain
