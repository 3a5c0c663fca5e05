"""Pair every English block and sentence with its existing human translation.

Three kinds of evidence, strongest first:

1. **Structure.** Code, math, directives (``:label:``) and tab markers are copied
   by translators; matched by content they split the file into short regions.
2. **Surviving tokens.** Inside a region, prose blocks are aligned by dynamic
   programming over beads (1-1, 1-2, 2-1, 1-0, 0-1 …, :mod:`amts.align.beads`) scored by
   the tokens both sides share (:mod:`amts.align.anchors`).
3. **Length**, Gale and Church's model, with the length ratio learned from the
   file pair itself (where both sides have prose) rather than assumed.

Sentences are then aligned the same way inside each aligned block pair, with
beads up to 3-3.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from amts.align import anchors
from amts.align.anchors import FeatureExtractor, Features
from amts.align.beads import BLOCK_BEADS, SENTENCE_BEADS, bounded_beads, length_cost
from amts.align.glossary import Glossary
from amts.book.document import PARSER_VERSION, VERBATIM_KINDS, Block, Document, Kind
from amts.book.protect import Span, protected_spans
from amts.book.sentences import split_sentences
from amts.update.diff import pair_similar

if TYPE_CHECKING:
    from amts.align.cache import AlignmentCache

ALIGNER_VERSION = "2"
#: Letters a translated heading must have at least to be taken for a heading and paragraph.
MERGED_HEADING_LETTERS = 16


@dataclass(frozen=True, slots=True)
class Link:
    """Units ``src`` of the source paired with units ``tgt`` of the target."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or a block's whole content) as a span of its document's text."""

    block: int
    start: int
    end: int

    def of(self, document: Document) -> str:
        return document.text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class SentenceLink:
    """Sentences of one aligned block pair."""

    src: tuple[Segment, ...]
    tgt: tuple[Segment, ...]
    confidence: float


@dataclass
class Alignment:
    """The alignment of a source document with its translation.

    ``blocks`` links indices of ``source.blocks`` and ``target.blocks``; blank
    blocks are never linked, a block in no link has no counterpart.
    """

    source: Document
    target: Document
    src_lang: str
    tgt_lang: str
    blocks: list[Link]
    sentences: list[SentenceLink]

    def fit(self) -> float:
        """Mean confidence of the prose links, weighted by length: a partial translation
        fits well where it exists; a translation of some other text fits nowhere."""
        prose = [
            (sum(len(self.source.blocks[i].content) for i in link.src), link.confidence)
            for link in self.blocks
            if link.src and link.tgt and self.source.blocks[link.src[0]].is_prose
        ]
        total = sum(size for size, _ in prose)
        return sum(size * c for size, c in prose) / total if total else 1.0

    def coverage(self) -> float:
        """Share of the source's prose (in characters, weighted by link confidence) that
        found its translation: a translation that no longer follows its source scores low."""
        prose = {i: len(b.content) for i, b in enumerate(self.source.blocks) if b.is_prose}
        confidence = {i: link.confidence for link in self.blocks if link.tgt for i in link.src}
        total = sum(prose.values())
        covered = sum(size * confidence.get(i, 0.0) for i, size in prose.items())
        return covered / total if total else 1.0


class Aligner:
    """Aligns file pairs of one language pair, optionally steered by a glossary."""

    def __init__(
        self,
        src_lang: str,
        tgt_lang: str,
        glossary: Glossary | None = None,
        *,
        cache: AlignmentCache | None = None,
    ) -> None:
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.glossary = glossary
        self.source_features, self.target_features = anchors.extractors(glossary)
        self.cache = cache
        #: What an alignment depends on besides the two texts: a cached one is reused only
        #: by an aligner with the same fingerprint.
        self.fingerprint = hashlib.sha1(
            repr(
                (ALIGNER_VERSION, PARSER_VERSION, src_lang, tgt_lang, glossary and glossary.pairs)
            ).encode(),
            usedforsecurity=False,
        ).hexdigest()

    def align(self, source: Document, target: Document, *, sentences: bool = True) -> Alignment:
        """The alignment of ``target`` with ``source``, from the cache when one is given."""
        if self.cache is not None:
            if sentences:
                return self.cache.align(self, source, target)
            # Blocks only (``amts lag``): a cached whole alignment has them; else no more
            # work than asked for, and nothing cached.
            if (cached := self.cache.lookup(self, source, target)) is not None:
                return cached
        return self.align_uncached(source, target, sentences=sentences)

    def align_uncached(
        self, source: Document, target: Document, *, sentences: bool = True
    ) -> Alignment:
        pair = _FilePair(source, target, self.source_features, self.target_features)
        block_links = pair.align_blocks()
        sentence_links: list[SentenceLink] = []
        if sentences:
            for link in block_links:
                if link.src and link.tgt and source.blocks[link.src[0]].is_prose:
                    sentence_links.extend(self._align_sentences(pair, link))
        return Alignment(source, target, self.src_lang, self.tgt_lang, block_links, sentence_links)

    def _align_sentences(self, pair: _FilePair, link: Link) -> list[SentenceLink]:
        src = sentence_segments(pair.source, link.src, self.src_lang, pair.src_spans)
        tgt = sentence_segments(pair.target, link.tgt, self.tgt_lang, pair.tgt_spans)
        if len(tgt) == 1 and pair.merged_heading(link.src, link.tgt):
            tgt = self._split_heading(pair, link.src[0], tgt[0])
        if not src or not tgt:
            return []
        if len(src) == 1 and len(tgt) == 1:
            return [SentenceLink((src[0],), (tgt[0],), link.confidence)]
        src_features = [self.source_features(s.of(pair.source)) for s in src]
        tgt_features = [self.target_features(s.of(pair.target)) for s in tgt]
        beads = bounded_beads(src_features, tgt_features, SENTENCE_BEADS, pair.ratio)
        # Sentences of a doubtful paragraph pair are no surer than the pair itself.
        doubtful = link.confidence < 0.5
        return [
            SentenceLink(
                tuple(src[i] for i in bead.src),
                tuple(tgt[j] for j in bead.tgt),
                min(bead.confidence, link.confidence) if doubtful else bead.confidence,
            )
            for bead in beads
            if bead.src and bead.tgt
        ]

    def _split_heading(self, pair: _FilePair, heading: int, merged: Segment) -> list[Segment]:
        """A translated heading holding its paragraph, as the heading's translation (up to the
        space where its length best fits the English heading's) and the paragraph's sentences."""
        text = merged.of(pair.target)
        expected = pair.src_features[heading].length * pair.ratio
        cuts = list(re.finditer(r"\s+", text))
        if not cuts:
            return [merged]
        cut = min(
            cuts, key=lambda m: abs(self.target_features(text[: m.start()]).length - expected)
        )
        rest = merged.start + cut.end()
        return [
            Segment(merged.block, merged.start, merged.start + cut.start()),
            *(
                Segment(merged.block, rest + sentence.start, rest + sentence.end)
                for sentence in split_sentences(text[cut.end() :], self.tgt_lang)
            ),
        ]


def align(
    source: Document,
    target: Document,
    src_lang: str,
    tgt_lang: str,
    glossary: Glossary | None = None,
) -> Alignment:
    """Align ``target`` (a translation) with its ``source``; see :class:`Aligner`."""
    return Aligner(src_lang, tgt_lang, glossary).align(source, target)


def sentence_segments(
    document: Document,
    blocks: Sequence[int],
    lang: str,
    spans: Mapping[int, list[Span]] | None = None,
) -> list[Segment]:
    """The sentences of some blocks' content; a heading, table or figure caption is one.

    ``spans``: the protected spans of blocks' contents, by block index, where known."""
    segments = []
    for index in blocks:
        block = document.blocks[index]
        start, end = block.content_span()
        offset = block.start + start
        content = block.text[start:end]
        if block.kind in (Kind.HEADING, Kind.TABLE, Kind.FIGURE):
            if content.strip():
                stripped = len(content) - len(content.lstrip())
                segments.append(Segment(index, offset + stripped, offset + len(content.rstrip())))
            continue
        known = spans.get(index) if spans is not None else None
        for sentence in split_sentences(content, lang, known):
            segments.append(Segment(index, offset + sentence.start, offset + sentence.end))
    return segments


class _FilePair:
    """One source/translation pair with its features and learned length ratio."""

    def __init__(
        self,
        source: Document,
        target: Document,
        src_features: FeatureExtractor,
        tgt_features: FeatureExtractor,
    ) -> None:
        self.source = source
        self.target = target
        self.src_blocks = [i for i, b in enumerate(source.blocks) if b.kind is not Kind.BLANK]
        self.tgt_blocks = [i for i, b in enumerate(target.blocks) if b.kind is not Kind.BLANK]
        # Each prose block's protected spans serve its features and, later, its sentences.
        self.src_spans, self.src_features = _prose_features(source, self.src_blocks, src_features)
        self.tgt_spans, self.tgt_features = _prose_features(target, self.tgt_blocks, tgt_features)
        src_length = sum(f.length for f in self.src_features.values())
        tgt_length = sum(f.length for f in self.tgt_features.values())
        self.ratio = (tgt_length + 1.0) / (src_length + 1.0)

    def align_blocks(self) -> list[Link]:
        """Structure first: anchors cut the file into regions aligned by
        :func:`~amts.align.beads.bounded_beads`."""
        links: list[Link] = []
        # Prose gets keys that match nothing: only structure may anchor.
        src_keys = [_structure_key(self.source.blocks[i]) or ("s", i) for i in self.src_blocks]
        tgt_keys = [_structure_key(self.target.blocks[j]) or ("t", j) for j in self.tgt_blocks]
        matcher = SequenceMatcher(None, src_keys, tgt_keys, autojunk=False)
        regions, anchors = [], []
        si = ti = 0
        for match in matcher.get_matching_blocks():
            regions.append((si, match.a, ti, match.b))
            for k in range(match.size):
                anchors.append(
                    Link((self.src_blocks[match.a + k],), (self.tgt_blocks[match.b + k],), 1.0)
                )
            si, ti = match.a + match.size, match.b + match.size
        self._learn_ratio(regions)
        for region in regions:
            links.extend(self._align_region(*region))
        return sorted(links + anchors, key=lambda link: link.src[0])

    def _learn_ratio(self, regions: list[tuple[int, int, int, int]]) -> None:
        """The length ratio of the prose in regions where both sides have some: a partial
        translation (the second half not yet translated) must not halve it."""
        src_length = tgt_length = 0.0
        for s0, s1, t0, t1 in regions:
            src = [self.src_features[i] for i in self.src_blocks[s0:s1] if i in self.src_features]
            tgt = [self.tgt_features[j] for j in self.tgt_blocks[t0:t1] if j in self.tgt_features]
            if src and tgt:
                src_length += sum(f.length for f in src)
                tgt_length += sum(f.length for f in tgt)
        if src_length and tgt_length:
            self.ratio = (tgt_length + 1.0) / (src_length + 1.0)

    def _align_region(self, s0: int, s1: int, t0: int, t1: int) -> list[Link]:
        src = self.src_blocks[s0:s1]
        tgt = self.tgt_blocks[t0:t1]
        if not src or not tgt:
            return []
        links = []
        # Verbatim blocks left over (code the translation changed) pair among themselves.
        src_prose = [i for i in src if self.source.blocks[i].is_prose]
        tgt_prose = [j for j in tgt if self.target.blocks[j].is_prose]
        links.extend(self._pair_verbatim(src, tgt))
        if src_prose and tgt_prose:
            kinds = _KindRule(
                [self.source.blocks[i] for i in src_prose],
                [self.target.blocks[j] for j in tgt_prose],
                merged=lambda i, j: self.merged_heading(
                    (src_prose[i], src_prose[i + 1]), (tgt_prose[j],)
                ),
            )
            beads = bounded_beads(
                [self.src_features[i] for i in src_prose],
                [self.tgt_features[j] for j in tgt_prose],
                BLOCK_BEADS,
                self.ratio,
                compatible=kinds,
            )
            for bead in beads:
                if bead.src and bead.tgt:
                    links.append(
                        Link(
                            tuple(src_prose[i] for i in bead.src),
                            tuple(tgt_prose[j] for j in bead.tgt),
                            bead.confidence,
                        )
                    )
        links.sort(key=lambda link: link.src[0])
        return links

    def merged_heading(self, src: tuple[int, ...], tgt: tuple[int, ...]) -> bool:
        """A translated heading that also holds the paragraph below it (machine-translated
        files sometimes join them on one line): an English heading and paragraph against one
        translated heading whose length, under the length model, fits both better than the
        heading alone."""
        if len(src) != 2 or len(tgt) != 1:
            return False
        heading, paragraph = (self.source.blocks[i] for i in src)
        if heading.kind is not Kind.HEADING or paragraph.kind is not Kind.PARAGRAPH:
            return False
        if self.target.blocks[tgt[0]].kind is not Kind.HEADING:
            return False
        h, p, t = self.src_features[src[0]], self.src_features[src[1]], self.tgt_features[tgt[0]]
        if t.length < max(MERGED_HEADING_LETTERS, 2.0 * self.ratio * h.length):
            return False  # a heading's length: not paragraph-long
        both = length_cost(h.length + p.length, t.length, self.ratio)
        return both < length_cost(h.length, t.length, self.ratio)

    def _pair_verbatim(self, src: list[int], tgt: list[int]) -> list[Link]:
        """Code the translation changed still pairs with the English code most like it."""
        src_v = [i for i in src if self.source.blocks[i].kind in VERBATIM_KINDS]
        tgt_v = [j for j in tgt if self.target.blocks[j].kind in VERBATIM_KINDS]
        if not src_v or not tgt_v:
            return []

        def compatible(a: int, b: int) -> bool:
            """Same kind, and for directives the same directive: a :label: never stands
            for a :width:, nor a section's label for a figure's."""
            source, target = self.source.blocks[src_v[a]], self.target.blocks[tgt_v[b]]
            if source.kind is not target.kind:
                return False
            if source.kind is Kind.DIRECTIVE:
                return source.directive == target.directive and _label_kind(
                    source.text
                ) == _label_kind(target.text)
            return True

        pairs = pair_similar(
            [self.source.blocks[i].text for i in src_v],
            [self.target.blocks[j].text for j in tgt_v],
            compatible,
        )
        return [Link((src_v[a],), (tgt_v[b],), round(score, 3)) for a, b, score in pairs]


def _prose_features(
    document: Document, blocks: list[int], extract: FeatureExtractor
) -> tuple[dict[int, list[Span]], dict[int, Features]]:
    """The protected spans and the features of the prose among ``blocks``, by index."""
    spans, features = {}, {}
    for i in blocks:
        if document.blocks[i].is_prose:
            content = document.blocks[i].content
            spans[i] = protected_spans(content)
            features[i] = extract(content, spans[i])
    return spans, features


def _label_kind(text: str) -> str:
    """``sec``, ``fig``, ``eq`` …: the prefix d2l gives a label (``:label:`fig_x```)."""
    match = re.search(r"`([A-Za-z]+)_", text)
    return match.group(1) if match else ""


def _structure_key(block: Block) -> str | None:
    """What identifies a verbatim block across languages; ``None`` for prose."""
    if block.kind is Kind.CODE:
        return "code:" + code_key(block.text)
    if block.kind in VERBATIM_KINDS:
        return block.kind + ":" + "".join(block.text.split())
    return None


def code_key(text: str) -> str:
    """Code without comments and blank lines: translators translate the comments."""
    lines = []
    for line in text.splitlines():
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#@") else line
        code = "".join(code.split())
        if code:
            lines.append(code)
    return "\n".join(lines)


#: Kinds that pair only with their own kind, one block to one.
_SINGLE_KINDS = frozenset({Kind.HEADING, Kind.FIGURE, Kind.TABLE})


class _KindRule:
    """Headings pair only with headings, figures and tables with their own kind, and each
    only one to one; other prose groups freely. An exception: two blocks with one, where
    ``merged(i, j)`` says the target's heading holds the source's heading and paragraph.
    Asked for every bead of a region's dynamic programming, so it reads kinds and counts
    it prepared once."""

    def __init__(
        self, src: list[Block], tgt: list[Block], merged: Callable[[int, int], bool]
    ) -> None:
        self.src = [b.kind if b.kind in _SINGLE_KINDS else None for b in src]
        self.tgt = [b.kind if b.kind in _SINGLE_KINDS else None for b in tgt]
        # How many such blocks precede each position: a group of several has none.
        self.src_before = list(itertools.accumulate((k is not None for k in self.src), initial=0))
        self.tgt_before = list(itertools.accumulate((k is not None for k in self.tgt), initial=0))
        self.merged = merged

    def __call__(self, i: int, ni: int, j: int, nj: int) -> bool:
        """Whether the blocks ``src[i:ni]`` may pair with the blocks ``tgt[j:nj]``."""
        if ni - i == 1 and nj - j == 1:
            return self.src[i] == self.tgt[j]
        if self.src_before[ni] == self.src_before[i] and self.tgt_before[nj] == self.tgt_before[j]:
            return True
        return ni - i == 2 and nj - j == 1 and self.merged(i, j)
