"""Spans inside prose that must reach the translation unchanged.

Inline code, inline math, d2lbook roles, URLs, link targets, HTML tags and d2l's
``[** … **]`` / ``(** … **)`` highlight markers are not words to translate: a
translator copies them, so they are also the most reliable anchors for alignment.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum


class SpanKind(StrEnum):
    CODE = "code"
    MATH = "math"
    ROLE = "role"
    URL = "url"
    LINK_TARGET = "link_target"
    HTML = "html"
    MARKER = "marker"


@dataclass(frozen=True, slots=True)
class Span:
    """A protected region ``text[start:end]``."""

    start: int
    end: int
    kind: SpanKind

    def of(self, text: str) -> str:
        return text[self.start : self.end]


# Every alternative is bounded by the next character that cannot belong to it, except
# three whose closer may be anywhere later: a code span's backticks, inline math's "$"
# and a comment's "-->". The pattern finds only their openers; _Closers finds the closer
# with indexes built once, so that a thousand unclosed openers cost a thousand look-ups,
# not a thousand scans to the end of the text. Each opener starts with a character no
# other alternative starts with, so an opener without a closer matches nothing there.
# Alternation order breaks ties at the same position: a role must win over the code span
# it ends with.
_PATTERN = re.compile(
    r"""
      (?P<role>:[A-Za-z_]+:\s?`[^`\n]+`)
    | (?P<code>`+)
    | (?P<math>(?<![\\$])\$(?!\$))
    | (?P<comment><!--)
    | (?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)
    | (?P<url>https?://[^\s<>()\[\]`]*[^\s<>()\[\]`.,;:!?'"。，；：！？）】])
    | (?P<link_target>(?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\))
    | (?P<marker>\[\*\*|\*\*\]|\(\*\*|\*\*\))
    """,
    re.VERBOSE,
)

#: Every alternative above holds one of these characters (a URL its ":", a marker its
#: "*"): a text without any has no span, which one scan tells faster than the pattern.
_OPENERS = re.compile(r"[:`$<(*]")
#: Where an alternative above can start. The pattern's groups keep ``re`` from skipping
#: to such a character by itself: searched with it, the pattern tried all eight
#: alternatives at every character; matched only where this finds one, it is 2.5× faster.
_STARTS = re.compile(r"[:`$<(\[*]|https?://")

_KINDS = {
    "role": SpanKind.ROLE,
    "code": SpanKind.CODE,
    "math": SpanKind.MATH,
    "html": SpanKind.HTML,
    "comment": SpanKind.HTML,
    "url": SpanKind.URL,
    "link_target": SpanKind.LINK_TARGET,
    "marker": SpanKind.MARKER,
}


#: A number outside protected spans: translators copy it too. ASCII boundaries, so that
#: "第12章" yields 12 but "v1.2", "x2" and "3D" yield nothing.
NUMBER = re.compile(r"(?<![0-9A-Za-z_.,])[0-9]+(?:[.,][0-9]+)*(?![0-9A-Za-z_])")


def protected_spans(text: str) -> list[Span]:
    """Protected spans of ``text``, sorted and non-overlapping; linear in ``len(text)``."""
    if _OPENERS.search(text) is None:
        return []
    spans = []
    closers = _Closers(text)
    pos = 0
    while (candidate := _STARTS.search(text, pos)) is not None:
        # The leftmost match at or after ``pos``: a search's, lookbehinds included.
        match = _PATTERN.match(text, candidate.start())
        if match is None:
            pos = candidate.start() + 1
            continue
        group = match.lastgroup or ""
        start, end = match.span()
        if group in ("code", "math", "comment"):
            found = closers.find(group, start, end)
            if found is None:  # an unclosed opener: nothing starts here
                pos = end if group == "code" else start + 1
                continue
            start, end = found
        spans.append(Span(start, end, _KINDS[group]))
        pos = end
    return spans


class _Closers:
    """The closers of one text's code spans, inline math and comments, indexed on first use.

    The spans are those of the backtracking pattern this replaces (kept in the tests as
    the reference): a code span is a tail of a run of backticks, then at least one
    character, then the next run of exactly as many backticks; inline math runs to the
    first "$" not escaped by a backslash, which must not touch another "$" or follow a
    backslash; a comment runs to the first "-->" after its "<!--".
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._runs: dict[int, list[int]] | None = None  # backtick run length -> starts
        self._lengths: list[int] = []
        self._dollars: list[int] | None = None  # "$" not escaped by a backslash
        self._comment = (len(text) + 1, -1)  # (searched from, "-->" found there or after, or -1)

    def find(self, kind: str, start: int, end: int) -> tuple[int, int] | None:
        if kind == "code":
            return self._code(start, end)
        if kind == "math":
            return self._math(start)
        return self._end_of_comment(start)

    def _code(self, start: int, end: int) -> tuple[int, int] | None:
        """The leftmost opener in the run tail ``text[start:end]`` that has a closer."""
        if self._runs is None:
            self._runs = {}
            for run in re.finditer(r"`+", self.text):
                self._runs.setdefault(run.end() - run.start(), []).append(run.start())
            self._lengths = sorted(self._runs)
        # Longer openers start further left; only lengths some run has can close.
        for i in range(bisect_right(self._lengths, end - start) - 1, -1, -1):
            size = self._lengths[i]
            starts = self._runs[size]
            j = bisect_right(starts, end)
            if j < len(starts):
                return end - size, starts[j] + size
        return None

    def _math(self, start: int) -> tuple[int, int] | None:
        text = self.text
        if self._dollars is None:
            self._dollars = [
                m.end() - 1 for m in re.finditer(r"(?<!\\)\\*\$", text) if (m.end() - m.start()) % 2
            ]
        i = bisect_right(self._dollars, start)
        if i == len(self._dollars):
            return None
        close = self._dollars[i]
        if text[close - 1] == "\\" or text.startswith("$", close + 1):
            return None
        return start, close + 1

    def _end_of_comment(self, start: int) -> tuple[int, int] | None:
        searched_from, found = self._comment
        if not (searched_from <= start + 4 and (found == -1 or start + 4 <= found)):
            found = self.text.find("-->", start + 4)
            self._comment = (start + 4, found)
        return None if found == -1 else (start, found + 3)


def is_protected_only(text: str, spans: list[Span] | None = None) -> bool:
    """True when nothing but protected spans, punctuation and space is left to translate."""
    spans = protected_spans(text) if spans is None else spans
    rest = strip_spans(text, spans)
    return not re.search(r"[^\W\d_]", rest)


def strip_spans(text: str, spans: list[Span], replacement: str = " ") -> str:
    """``text`` with every protected span replaced, for length and word statistics."""
    parts, last = [], 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(replacement)
        last = span.end
    parts.append(text[last:])
    return "".join(parts)
