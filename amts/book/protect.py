"""Spans inside prose that must reach the translation unchanged.

Inline code, inline math, d2lbook roles, URLs, link targets, HTML tags and d2l's
``[** … **]`` / ``(** … **)`` highlight markers are not words to translate: a
translator copies them, so they are also the most reliable anchors for alignment.
"""

from __future__ import annotations

import re
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


# Alternation order breaks ties at the same position: a role must win over the
# code span it ends with, a comment over a tag.
_PATTERN = re.compile(
    r"""
      (?P<role>:[A-Za-z_]+:\s?`[^`\n]+`)
    | (?P<code>(?P<ticks>`+)(?!`)(?:.+?)(?<!`)(?P=ticks)(?!`))
    | (?P<math>(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?(?<!\\)\$(?!\$))
    | (?P<html><!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)
    | (?P<url>https?://[^\s<>()\[\]`]*[^\s<>()\[\]`.,;:!?'"。，；：！？）】])
    | (?P<link_target>(?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\))
    | (?P<marker>\[\*\*|\*\*\]|\(\*\*|\*\*\))
    """,
    re.VERBOSE | re.DOTALL,
)

_KINDS = {
    "role": SpanKind.ROLE,
    "code": SpanKind.CODE,
    "math": SpanKind.MATH,
    "html": SpanKind.HTML,
    "url": SpanKind.URL,
    "link_target": SpanKind.LINK_TARGET,
    "marker": SpanKind.MARKER,
}


#: A number outside protected spans: translators copy it too. ASCII boundaries, so that
#: "第12章" yields 12 but "v1.2", "x2" and "3D" yield nothing.
NUMBER = re.compile(r"(?<![0-9A-Za-z_.,])[0-9]+(?:[.,][0-9]+)*(?![0-9A-Za-z_])")


def protected_spans(text: str) -> list[Span]:
    """Protected spans of ``text``, sorted and non-overlapping."""
    spans = []
    for match in _PATTERN.finditer(text):
        group = match.lastgroup
        if group == "ticks":  # the inner group of a code span
            group = "code"
        spans.append(Span(match.start(), match.end(), _KINDS[group]))
    return spans


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
