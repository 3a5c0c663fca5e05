"""Carry protected spans (code, math, roles, URLs, markers …) through machine translation.

Transport: HTML. Each protected span travels as ``<span translate="no" id="…">…</span>``
and every other character is HTML-escaped, so the request is an HTML fragment. Amazon
Translate documents ``translate="no"`` for both ``TranslateText`` and batch jobs with
content type ``text/html``; opaque tokens in ``text/plain`` carry no such promise and
neural models happily translate, reorder or "fix" them. The ``id`` names each span, so
:meth:`Masked.unmask` can tell a dropped, duplicated or altered span apart and refuse
the segment instead of returning corrupted text. Because the prose is escaped, any raw
tag left in the answer was invented by the engine and is refused as well.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from amts.book.protect import Span, protected_spans
from amts.errors import PlaceholderError

# Tolerant of what an HTML-aware engine may do to our tag: attribute order, quoting,
# spacing. The body is escaped text, so it never contains "<".
_SPAN = re.compile(r"<span\b(?P<attrs>[^<>]*)>(?P<body>[^<]*)</span\s*>", re.IGNORECASE)
_ID = re.compile(r"""\bid\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))""")
_RAW_TAG = re.compile(r"<[^<>]*>?")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Masked:
    """A segment ready for an HTML-aware engine, and the table to restore it."""

    source: str
    text: str
    originals: tuple[str, ...]
    id_prefix: str = "p"

    def placeholder_id(self, index: int) -> str:
        return f"{self.id_prefix}{index}"

    def unmask(self, translated: str) -> str:
        """The translation with every span restored byte-identical.

        Raises :class:`PlaceholderError` naming the placeholder when a span is missing,
        duplicated or altered, or when the engine added markup of its own.
        """
        by_id = {self.placeholder_id(i): i for i in range(len(self.originals))}
        seen: Counter[int] = Counter()
        parts: list[str] = []
        last = 0
        for match in _SPAN.finditer(translated):
            ident = _span_id(match["attrs"])
            index = by_id.get(ident) if ident is not None else None
            if index is None:
                raise self._error(f"unknown protected span {_short(match[0])!r}")
            body = html.unescape(match["body"])
            if body != self.originals[index]:
                raise self._error(
                    f"placeholder {ident} altered: sent {self.originals[index]!r}, "
                    f"got back {body!r}"
                )
            seen[index] += 1
            parts.append(self._prose(translated[last : match.start()]))
            parts.append(self.originals[index])
            last = match.end()
        parts.append(self._prose(translated[last:]))
        for index, original in enumerate(self.originals):
            if seen[index] == 0:
                raise self._error(
                    f"placeholder {self.placeholder_id(index)} ({original!r}) missing"
                )
            if seen[index] > 1:
                raise self._error(
                    f"placeholder {self.placeholder_id(index)} ({original!r}) "
                    f"duplicated {seen[index]} times"
                )
        return "".join(parts)

    def _prose(self, fragment: str) -> str:
        tag = _RAW_TAG.search(fragment)
        if tag:
            raise self._error(f"unexpected markup {_short(tag[0])!r} in the translation")
        return html.unescape(fragment)

    def _error(self, problem: str) -> PlaceholderError:
        return PlaceholderError(f"{problem} (segment {_short(self.source)!r})")


def _span_id(attrs: str) -> str | None:
    match = _ID.search(attrs)
    if not match:
        return None
    return match["dq"] if match["dq"] is not None else match["sq"] or match["bare"]


def mask(text: str, spans: Sequence[Span] | None = None, *, id_prefix: str = "p") -> Masked:
    """Escape ``text`` as HTML and wrap each protected span in a do-not-translate tag.

    ``spans`` defaults to :func:`amts.book.protect.protected_spans`; ``id_prefix`` keeps span
    ids unique when several segments share one document.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", id_prefix):
        raise ValueError(f"id_prefix must be an HTML id start, got {id_prefix!r}")
    spans = protected_spans(text) if spans is None else sorted(spans, key=lambda s: s.start)
    parts: list[str] = []
    originals: list[str] = []
    last = 0
    for span in spans:
        if span.start < last:
            raise ValueError(f"overlapping protected spans at offset {span.start}")
        original = span.of(text)
        parts.append(html.escape(text[last : span.start], quote=False))
        parts.append(
            f'<span translate="no" id="{id_prefix}{len(originals)}">'
            f"{html.escape(original, quote=False)}</span>"
        )
        originals.append(original)
        last = span.end
    parts.append(html.escape(text[last:], quote=False))
    return Masked(text, "".join(parts), tuple(originals), id_prefix)
