"""d2l's highlight markers, ``[** … **]`` and ``(** … **)``, carried into a translation.

The markers pick out what the slides show; they change no meaning, so a sentence
whose English only gained or lost markers keeps its human translation. The
markers are placed in the translation where a translator would put them: at the
clause boundary (start, end, or beside a comma) nearest to where they stand in
the English, measured as a share of the sentence's length. When that does not fit
(two spans in one clause, or a span inside a single clause), the markers fall back to
a coarser placement: each kind of marker once, around the whole clauses its spans
touch, or around the whole sentence. Reviewers are told to check the placement.

A span may cover several sentences (``(**First. Second.**)``): the sentence where it
opens has an opening marker only, the one where it closes a closing marker only, and
each is placed on its own, so the translation's span covers the same sentences.
"""

from __future__ import annotations

import re
from itertools import pairwise

MARKER = re.compile(r"\[\*\*|\*\*\]|\(\*\*|\*\*\)")
_CLOSING = {"[**": "**]", "(**": "**)"}
_OPENING = {closing: opening for opening, closing in _CLOSING.items()}
# A clause ends before these; the next one starts after them (and after the space).
_CLAUSE_PUNCTUATION = re.compile(r"[，,；;：:、]\s*")


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


def _marker_pairs(text: str) -> list[tuple[str, float, float]]:
    """(opening marker, start, end) as shares of the text without markers."""
    return [pair for pair in _marker_spans(text) if None not in pair]


def _marker_spans(text: str) -> list[tuple[str, float | None, float | None]]:
    """(opening marker, start, end) as shares of the text without markers, in text order;
    a span that opens before the text starts has start ``None``, one that closes after it
    ends has end ``None`` (the span covers several sentences)."""
    plain_length = len(strip_markers(text)) or 1
    spans, removed, stack = [], 0, []
    for match in MARKER.finditer(text):
        plain = match.start() - removed
        marker = match.group(0)
        if marker in _CLOSING:
            stack.append((marker, plain))
        elif stack:
            opening, start = stack.pop()
            spans.append((opening, start / plain_length, plain / plain_length))
        else:
            spans.append((_OPENING[marker], None, plain / plain_length))
        removed += len(marker)
    spans += [(opening, start / plain_length, None) for opening, start in stack]
    return spans


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
    for opening, start, end in _marker_spans(english):
        # A span reaching beyond the sentence: only the end that is in it is placed.
        at_open = _nearest(openings, start, len(plain)) if start is not None else None
        at_close = _nearest(closings, end, len(plain)) if end is not None else None
        if at_open is not None and at_open < last_close:
            return None
        if at_open is not None and at_close is not None and at_close <= at_open:
            return None
        if at_close is not None and at_close <= last_close:
            return None
        if at_open is not None:
            inserts.append((at_open, opening))
        if at_close is not None:
            inserts.append((at_close, _CLOSING[opening]))
        last_close = at_close if at_close is not None else len(plain) + 1
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
    sentence. A span reaching beyond the sentence covers all of it that it can: the
    sentence's own pairs give way to it."""
    plain = strip_markers(translation)
    length = len(plain)
    partial = [span for span in _marker_spans(english) if None in span]
    if partial:
        closes = [opening for opening, start, _ in partial if start is None]
        opens = [opening for opening, _, end in partial if end is None]
        if closes and opens:  # closes then reopens: the sentence lies between the two spans
            return _CLOSING[closes[0]] + plain + opens[-1]
        if closes:
            return plain + _CLOSING[closes[0]]
        return opens[-1] + plain
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
