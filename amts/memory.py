"""A translation memory: English sentences the translators already translated.

Before any engine is paid, an updated sentence is looked up among the sentence pairs
mined from the target repository. An exact match reuses the human translation as it
is. A *fuzzy* match is accepted only when the sentence differs from a remembered one
in tokens a translator copies verbatim — inline code, inline math, roles, URLs, link
targets — or in numbers: those can be swapped in the human translation mechanically,
so the words stay human. Anything else (a changed word) is no match; the memory never
guesses.

Matching ignores line wrapping: runs of whitespace count as one space.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import ne
from pathlib import Path
from typing import Literal, NamedTuple

from amts.align.aligner import Alignment
from amts.book.protect import NUMBER as NUMBER_PATTERN
from amts.book.protect import SpanKind, protected_spans
from amts.collector import without_collection
from amts.corpus.formats import read_pairs
from amts.corpus.parallel import unit_text
from amts.errors import InputError
from amts.update.diff import normalize

MatchKind = Literal["exact", "fuzzy"]

#: Protected spans a fuzzy match may swap; HTML and highlight markers must match as text.
SLOT_KINDS = frozenset(
    {SpanKind.CODE, SpanKind.MATH, SpanKind.ROLE, SpanKind.URL, SpanKind.LINK_TARGET}
)
NUMBER = "number"
#: What a fuzzy match loses at most: a match with every token changed scores 0.5.
FUZZY_PENALTY = 0.5

_MATH_NUMBER = re.compile(r"\$\s*(?P<number>[0-9]+(?:[.,][0-9]+)*)\s*\$")
_WORD = re.compile(r"[^\W_]+")
_SLOT = re.compile(r"\x00[a-z_]+\x00")
#: Where a slot of a skeleton can start: a role's ":", a code span's "`", math's "$", a
#: URL's "http", a link target's "(" or a number's digit (see :data:`SLOT_KINDS`). Two
#: sentences with one skeleton agree up to their first slot, so up to the first of these.
_SLOT_START = re.compile(r"[:`$(0-9]|http")
#: Held while a lookup indexes entries (rare and brief: one lock serves every memory).
_INDEXING = threading.Lock()


@dataclass(frozen=True, slots=True)
class MemoryMatch:
    """A remembered translation for a sentence; ``source`` is the remembered English."""

    target: str
    kind: MatchKind
    score: float
    source: str


@dataclass(frozen=True, slots=True)
class _Token:
    """A swappable token: ``key`` compares (whitespace collapsed), ``text`` is inserted."""

    kind: str
    key: str
    text: str
    start: int
    end: int


Ident = tuple[str, str]  # (token kind, whitespace-collapsed text)


class _View(NamedTuple):
    """A target token read as ``ident``; a replacement is written ``prefix + new + suffix``."""

    start: int
    end: int
    ident: Ident
    prefix: str
    suffix: str


@dataclass(slots=True)
class _Entry:
    """One remembered source sentence and every translation seen for it, with counts;
    ``tokens`` and their ``keys`` once the entry is indexed for fuzzy lookups."""

    source: str
    order: int
    tokens: tuple[_Token, ...] = ()
    keys: tuple[str, ...] = ()
    targets: dict[str, int] = field(default_factory=dict)
    _views: dict[str, tuple[_View, ...]] = field(default_factory=dict)

    def preferred(self) -> list[str]:
        """Most frequent first; ties keep the order the translations were added in."""
        return sorted(self.targets, key=lambda target: -self.targets[target])

    def views(self, target: str) -> tuple[_View, ...]:
        """``target``'s tokens, computed once: a popular skeleton is tried on every lookup."""
        views = self._views.get(target)
        if views is None:
            views = self._views[target] = _target_views(target)
        return views


def _prefix(key: str) -> str:
    """``key`` (normalized) up to where a skeleton slot could start: equal for any two
    keys with the same skeleton, so it narrows the fuzzy candidates before tokenizing."""
    start = _SLOT_START.search(key)
    return key if start is None else key[: start.start()]


def _one_line(text: str) -> str:
    """``text`` with each line break and the spaces and tabs around it as one space (by
    lines, not by a pattern, which would try every space of a long run)."""
    lines = re.split(r"\r?\n", text)
    if len(lines) == 1:
        return text
    inner = [line.strip(" \t") for line in lines[1:-1]]
    return " ".join([lines[0].rstrip(" \t"), *inner, lines[-1].lstrip(" \t")])


@lru_cache(maxsize=1 << 15)
def _tokenize(text: str) -> tuple[str, tuple[_Token, ...]]:
    """``text``'s skeleton (each swappable token replaced by a typed slot) and its tokens.

    Remembered: a sync's memories hold the same sentences (the file's own pairs beside the
    repository's) and each looks the same sentences up.

    Numbers are looked for only outside protected spans: a digit inside math or an
    HTML attribute is part of that span, not a number of the sentence.
    """
    pieces: list[str] = []
    tokens: list[_Token] = []
    last = 0

    def add_gap(end: int) -> None:
        position = last
        for match in NUMBER_PATTERN.finditer(text, last, end):
            pieces.append(text[position : match.start()])
            pieces.append(f"\x00{NUMBER}\x00")
            tokens.append(_Token(NUMBER, match[0], match[0], match.start(), match.end()))
            position = match.end()
        pieces.append(text[position:end])

    for span in protected_spans(text):
        add_gap(span.start)
        raw = span.of(text)
        if span.kind in SLOT_KINDS:
            pieces.append(f"\x00{span.kind.value}\x00")
            key = normalize(raw)
            inserted = _one_line(raw)
            tokens.append(_Token(span.kind.value, key, inserted, span.start, span.end))
        else:
            pieces.append(raw)
        last = span.end
    add_gap(len(text))
    return normalize("".join(pieces)), tuple(tokens)


class TranslationMemory:
    """Sentence pairs of one language pair, indexed for exact and token-repaired lookups."""

    def __init__(self, src_lang: str, tgt_lang: str) -> None:
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self._entries: dict[str, _Entry] = {}
        self._by_skeleton: dict[str, list[_Entry]] = {}
        # Entries not indexed by skeleton yet, by _prefix: tokenizing every sentence of a
        # loaded memory was most of loading it, and a sync's lookups reach a tenth of them.
        self._unindexed: dict[str, list[_Entry]] = {}

    def __len__(self) -> int:
        """The number of distinct source sentences (whitespace-normalized)."""
        return len(self._entries)

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Each source sentence with its preferred translation, in the order added: the
        memory as parallel data (see :mod:`amts.corpus.formats`)."""
        for entry in self._entries.values():
            yield entry.source, entry.preferred()[0]

    def add(self, source: str, target: str) -> None:
        """Remember ``target`` as a translation of ``source``.

        A pair with an empty side teaches nothing and is skipped, and so is a "translation"
        that is the source itself (text left in English): served from memory, it would hide
        a sentence that still needs a translator. The target is kept exactly as given: it
        is what a translator wrote.
        """
        key = normalize(source)
        if not key or not target.strip() or normalize(target) == key:
            return
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry(key, len(self._entries))
            self._unindexed.setdefault(_prefix(key), []).append(entry)
        entry.targets[target] = entry.targets.get(target, 0) + 1

    @without_collection  # a memory file's entries all live on: no collection finds garbage
    def add_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        for source, target in pairs:
            self.add(source, target)

    def add_alignment(self, alignment: Alignment) -> None:
        """Remember the sentence pairs of one aligned file pair (one line per sentence)."""
        self._check_languages(alignment.src_lang, alignment.tgt_lang, "the alignment")
        src, tgt = alignment.source, alignment.target
        for link in alignment.sentences:
            if link.src and link.tgt:
                self.add(
                    unit_text(" ".join(s.of(src) for s in link.src)),
                    unit_text(" ".join(s.of(tgt) for s in link.tgt)),
                )

    @classmethod
    def from_alignment(cls, alignment: Alignment) -> TranslationMemory:
        memory = cls(alignment.src_lang, alignment.tgt_lang)
        memory.add_alignment(alignment)
        return memory

    @classmethod
    def from_file(
        cls, path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None
    ) -> TranslationMemory:
        """Load a TSV, CSV or TMX parallel data file (see :mod:`amts.corpus.formats`).

        ``src_lang``/``tgt_lang`` are the languages the caller needs; a file of another
        language pair is refused rather than serving, say, Portuguese into a Chinese book.
        Without them the file's own languages are used.
        """
        try:
            file_src, file_tgt, pairs = read_pairs(path)
        except IsADirectoryError as exc:
            raise InputError(f"{path}: is a directory, not a parallel data file") from exc
        memory = cls(src_lang or file_src, tgt_lang or file_tgt)
        memory._check_languages(file_src, file_tgt, str(path))
        memory.add_pairs(pairs)
        return memory

    def _check_languages(self, src_lang: str, tgt_lang: str, what: str) -> None:
        if not (same_language(src_lang, self.src_lang) and same_language(tgt_lang, self.tgt_lang)):
            raise InputError(
                f"{what}: holds {src_lang}→{tgt_lang} pairs, but a {self.src_lang}→"
                f"{self.tgt_lang} translation memory is needed; use the parallel data "
                f"of the {self.tgt_lang} repository"
            )

    def lookup(self, sentence: str) -> MemoryMatch | None:
        """The best remembered translation of ``sentence``, or ``None``.

        Exact matches win. Otherwise the remembered sentences with the same skeleton
        are tried, fewest changed tokens first, then in the order they were added; each
        one's translations are tried most frequent first, and the first that can be
        repaired is returned.
        """
        key = normalize(sentence)
        entry = self._entries.get(key)
        if entry is not None:
            return MemoryMatch(entry.preferred()[0], "exact", 1.0, entry.source)
        if not key or not self._entries:
            return None
        prefix = _prefix(key)
        if prefix in self._unindexed:
            with _INDEXING:  # a lookup in another thread may be indexing them: wait for it
                entries = self._unindexed.get(prefix)
                if entries is not None:
                    self._index(entries)
                    del self._unindexed[prefix]  # only once they are all indexed
        skeleton, tokens = _tokenize(sentence)
        candidates = self._by_skeleton.get(skeleton)
        if not candidates:
            return None
        keys = tuple(token.key for token in tokens)
        ranked = sorted((_changes(c.keys, keys), c.order, c) for c in candidates)
        for changed, _, candidate in ranked:
            if changed == 0:  # same normalized tokens: only reachable if spans differ
                return MemoryMatch(candidate.preferred()[0], "exact", 1.0, candidate.source)
            plan = _plan(candidate.tokens, tokens)
            if plan is None:
                continue
            for target in candidate.preferred():
                repaired = _repair(target, candidate.views(target), *plan)
                if repaired is not None:
                    score = _fuzzy_score(changed, skeleton)
                    return MemoryMatch(repaired, "fuzzy", score, candidate.source)
        return None

    def _index(self, entries: list[_Entry]) -> None:
        """Index ``entries`` (in the order added) by skeleton, for fuzzy lookups."""
        for entry in entries:
            skeleton, entry.tokens = _tokenize(entry.source)
            entry.keys = tuple(token.key for token in entry.tokens)
            self._by_skeleton.setdefault(skeleton, []).append(entry)


def _fuzzy_score(changed: int, skeleton: str) -> float:
    """``1 − 0.5 · changed / size``: size counts the sentence's tokens and words.

    One changed number in a twenty-word sentence scores about 0.98; a sentence that is
    nothing but changed tokens scores 0.5. Always below 1.0, which only exact matches get.
    """
    size = len(_SLOT.findall(skeleton)) + len(_WORD.findall(_SLOT.sub(" ", skeleton)))
    return 1.0 - FUZZY_PENALTY * changed / size


def _changes(remembered: tuple[str, ...], query: tuple[str, ...]) -> int:
    """How many token keys differ; both come from one skeleton, so the lengths agree."""
    return sum(map(ne, remembered, query))


def _plan(
    remembered: tuple[_Token, ...], query: tuple[_Token, ...]
) -> tuple[dict[Ident, str], dict[Ident, int]] | None:
    """What to replace (old token → new text) and how often each old token occurs.

    ``None`` when one old token becomes two different new ones (``0`` and ``0`` → ``1``
    and ``0``): which of its occurrences in the translation is which would be a guess.
    """
    changed: dict[Ident, _Token] = {}
    for old, new in zip(remembered, query, strict=True):
        if old.key != new.key:
            changed[(old.kind, old.key)] = new
    counts = dict.fromkeys(changed, 0)
    for old, new in zip(remembered, query, strict=True):
        ident = (old.kind, old.key)
        if ident in changed:
            if new.key != changed[ident].key:
                return None
            counts[ident] += 1
    return {ident: new.text for ident, new in changed.items()}, counts


def _repair(
    target: str,
    views: tuple[_View, ...],
    new_text: dict[Ident, str],
    source_count: dict[Ident, int],
) -> str | None:
    """``target`` with every changed token swapped for the query's, or ``None`` if unsafe.

    A remembered token that changed must appear in the target, as a token of the same
    kind, exactly as often as in the remembered source (normally once); otherwise which
    occurrence to replace would be a guess.
    """
    found = dict.fromkeys(new_text, 0)
    for view in views:
        if view.ident in found:
            found[view.ident] += 1
    for ident, count in source_count.items():
        if found[ident] == count:
            continue
        # A translator who was ahead of the English already wrote the new token.
        already = sum(
            1
            for v in views
            if v.ident[0] == ident[0] and target[v.start : v.end] == new_text[ident]
        )
        if found[ident] or already != count:
            return None
    satisfied = {ident for ident, count in found.items() if count != source_count[ident]}
    edits = [view for view in views if view.ident in new_text and view.ident not in satisfied]
    if len({view.start for view in edits}) < len(edits):
        return None  # one target token stands for two changed tokens ($4$ and 4)
    pieces, last = [], 0
    for view in edits:  # in text order; tokens never overlap
        pieces += [target[last : view.start], view.prefix, new_text[view.ident], view.suffix]
        last = view.end
    pieces.append(target[last:])
    return "".join(pieces)


def _target_views(target: str) -> tuple[_View, ...]:
    """The target's tokens, as what they can stand for in the source.

    A number may appear in the translation as inline math holding just that number
    (``4`` → ``$4$``), as d2l-zh often writes it; such a token is both math and number.
    """
    views = []
    for token in _tokenize(target)[1]:
        views.append(_View(token.start, token.end, (token.kind, token.key), "", ""))
        if token.kind == SpanKind.MATH and (number := _MATH_NUMBER.fullmatch(token.text)):
            prefix, suffix = (
                token.text[: number.start("number")],
                token.text[number.end("number") :],
            )
            views.append(_View(token.start, token.end, (NUMBER, number["number"]), prefix, suffix))
    return tuple(views)


def same_language(a: str, b: str) -> bool:
    """``zh`` matches ``zh-CN``, but ``zh-CN`` does not match ``zh-TW`` (another script)."""
    a, b = (code.strip().replace("_", "-").lower() for code in (a, b))
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")
