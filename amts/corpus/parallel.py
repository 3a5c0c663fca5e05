"""Mine parallel data from a translated repository.

Every translated section already pairs English with a human translation; aligned
sentence by sentence, those pairs are the examples Amazon Translate's Active
Custom Translation adapts to, and the translation memory AMTS consults first.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from amts.align.aligner import Aligner, Alignment, SentenceLink
from amts.align.cache import MIN_PARALLEL_PAIRS, AlignmentCache
from amts.align.glossary import Glossary
from amts.book import document
from amts.book.document import Document
from amts.book.protect import is_protected_only
from amts.corpus.formats import MAX_SEGMENT_BYTES, largest_segment_bytes
from amts.errors import InputError
from amts.files import read_text

log = logging.getLogger(__name__)

ORIGIN_SUFFIX = "_origin.md"
LEVELS = ("sentence", "paragraph")
# Every line break str.splitlines knows (form feed, U+2028 …), not only \n: a unit is one line.
# Spaces around a line break are left to _SPACES: "[ \t]*" before the break would be tried
# at every space of a long run of them.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \t]+")
# Control characters XML 1.0 forbids (a TMX holding one is not well-formed) and the BOM.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\ufeff\ufffe\uffff]")
# What any of the three changes besides a single space: a text without it (most sentences)
# is a unit as it is, told by one scan instead of three substitutions.
_UNIT_EDITS = re.compile(r"[\x00-\x1f\x85\u2028\u2029\ufeff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FilePair:
    """An English file and its translation; ``name`` is the translation's path in its repo."""

    source: Path
    target: Path
    name: str


@dataclass(frozen=True, slots=True)
class ParallelPair:
    source: str
    target: str
    confidence: float
    file: str


@dataclass
class Summary:
    """What a run did, for the closing report and for tests."""

    files_paired: int = 0
    pairs_written: int = 0
    split: int = 0  # paragraphs with a side too long for one segment, split at their sentences
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    max_segment_bytes: int | None = MAX_SEGMENT_BYTES  # the limit ``split`` was made with

    def lines(self) -> list[str]:
        lines = [f"files paired: {self.files_paired}", f"pairs written: {self.pairs_written}"]
        if self.split:
            lines.append(
                "paragraphs split at sentence boundaries "
                f"(a segment over {self.max_segment_bytes} bytes): {self.split}"
            )
        lines += [f"skipped ({reason}): {count}" for reason, count in sorted(self.skipped.items())]
        lines += [f"error: {error}" for error in self.errors]
        return lines


def unit_text(text: str) -> str:
    """One line of a corpus: a newline inside a unit becomes one space, tabs never appear."""
    if "  " not in text and _UNIT_EDITS.search(text) is None:
        return text.strip()
    text = _INVISIBLE.sub("", _LINE_BREAK.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def _span_text(segments, document: Document) -> str:
    """Consecutive sentences of one block as the file has them (a Chinese translation puts
    no space between sentences); across blocks, one line each."""
    if len({segment.block for segment in segments}) == 1:
        return document.text[segments[0].start : segments[-1].end]
    return "\n".join(segment.of(document) for segment in segments)


def _joined(link: SentenceLink, source: Document, target: Document) -> tuple[str, str, float]:
    return _span_text(link.src, source), _span_text(link.tgt, target), link.confidence


def _chunks(
    links: list[SentenceLink],
    source: Document,
    target: Document,
    fits: Callable[[str, str], bool],
) -> Iterator[tuple[str, str, float]]:
    """Consecutive sentence pairs of a paragraph, grouped into records whose sides each fit."""
    group: list[SentenceLink] = []

    def unit(links: list[SentenceLink]) -> tuple[str, str, float]:
        src = _span_text([s for link in links for s in link.src], source)
        tgt = _span_text([t for link in links for t in link.tgt], target)
        return src, tgt, min(link.confidence for link in links)

    for link in links:
        if group:
            src, tgt, _ = unit([*group, link])
            if not fits(src, tgt):
                yield unit(group)
                group = []
        group.append(link)
    if group:
        yield unit(group)


def find_file_pairs(
    source_repo: str | Path,
    target_repo: str | Path,
    mapping: dict[str, str] | None = None,
    summary: Summary | None = None,
) -> list[FilePair]:
    """Pair English files with their translations.

    Where the target repo keeps ``X_origin.md`` beside ``X.md`` (d2l-zh), that is
    the pair; otherwise a file pairs with the same path in the source repo (d2l-pt),
    or the path ``mapping`` gives for renamed files (source path → target path).
    """
    source_repo, target_repo = Path(source_repo), Path(target_repo)
    for repo, role in ((source_repo, "source"), (target_repo, "target")):
        if not repo.is_dir():
            raise InputError(f"{repo}: {role} repository is not a directory")
    summary = summary if summary is not None else Summary()
    mapping = dict(mapping or {})
    origins = sorted(target_repo.rglob("*" + ORIGIN_SUFFIX))
    pairs: list[FilePair] = []
    if origins:
        for origin in origins:
            translation = origin.with_name(origin.name[: -len(ORIGIN_SUFFIX)] + ".md")
            name = translation.relative_to(target_repo).as_posix()
            if not translation.exists():
                summary.skipped["missing translation"] += 1
                summary.errors.append(f"{translation}: missing translation of {origin.name}")
                continue
            pairs.append(FilePair(origin, translation, name))
    else:
        for source in sorted(source_repo.rglob("*.md")):
            relative = source.relative_to(source_repo).as_posix()
            name = mapping.pop(relative, relative)
            translation = target_repo / name
            if not translation.exists():
                summary.skipped["missing translation"] += 1
                continue
            pairs.append(FilePair(source, translation, name))
    for source, target in mapping.items():
        pairs.append(FilePair(source_repo / source, target_repo / target, target))
    return pairs


class CorpusBuilder:
    """Aligns file pairs and turns their links into deduplicated corpus records.

    ``max_segment_bytes`` is Amazon Translate's size quota, applied to each side of a
    record: a paragraph pair with a side over it is split at its aligned sentence
    boundaries, a sentence pair with a side over it is left out. ``None`` applies no
    limit: the true alignment, as ``amts align`` writes it.
    """

    def __init__(
        self,
        src_lang: str,
        tgt_lang: str,
        *,
        level: str = "sentence",
        min_confidence: float = 0.0,
        glossary: Glossary | None = None,
        max_segment_bytes: int | None = MAX_SEGMENT_BYTES,
        cache: AlignmentCache | None = None,
    ) -> None:
        if level not in LEVELS:
            raise InputError(f"unknown level {level!r}; choose one of: {', '.join(LEVELS)}")
        if max_segment_bytes is not None and max_segment_bytes < 1:
            raise InputError(
                f"the segment size limit must be at least 1 byte, not {max_segment_bytes}"
            )
        self.aligner = Aligner(src_lang, tgt_lang, glossary, cache=cache)
        self.level = level
        self.min_confidence = min_confidence
        self.max_segment_bytes = max_segment_bytes
        self.summary = Summary(max_segment_bytes=max_segment_bytes)
        self._seen: set[tuple[str, str]] = set()

    def build(
        self, file_pairs: Iterable[FilePair], progress: Callable[[FilePair], None] | None = None
    ) -> Iterator[ParallelPair]:
        file_pairs = list(file_pairs)
        self._prefill(file_pairs)
        for file_pair in file_pairs:
            try:
                alignment = self.align_files(file_pair)
            except InputError as exc:
                self.summary.errors.append(str(exc))
                self.summary.skipped["unreadable file"] += 1
                log.warning("parallel.file_skipped: %s", exc)
            else:
                self.summary.files_paired += 1
                yield from self.pairs(alignment, file_pair.name)
            if progress is not None:
                progress(file_pair)

    def _prefill(self, file_pairs: list[FilePair]) -> None:
        """Many file pairs: have the cache align them across processes first."""
        cache = self.aligner.cache
        if cache is None or len(file_pairs) < MIN_PARALLEL_PAIRS:
            return
        texts = []
        for pair in file_pairs:
            with contextlib.suppress(InputError):  # reported when the pair is read again
                texts.append((read_text(pair.source), read_text(pair.target)))
        cache.prefill(self.aligner, texts)

    def align_files(self, file_pair: FilePair) -> Alignment:
        cache = self.aligner.cache
        load = cache.load if cache is not None else document.load
        source = load(file_pair.source)
        target = load(file_pair.target)
        # Sentences at paragraph level too: a paragraph with a side too long for one
        # segment is split at its aligned sentence boundaries.
        return self.aligner.align(source, target)

    def pairs(self, alignment: Alignment, name: str) -> Iterator[ParallelPair]:
        for source, target, confidence in self.units(alignment):
            record = self._accept(source, target, confidence)
            if record is not None:
                self.summary.pairs_written += 1
                yield ParallelPair(record[0], record[1], confidence, name)

    def units(self, alignment: Alignment) -> Iterator[tuple[str, str, float]]:
        """(English, translation, confidence) of every aligned unit of the level."""
        src, tgt = alignment.source, alignment.target
        if self.level == "sentence":
            for link in alignment.sentences:
                yield _joined(link, src, tgt)
            return
        sentences: dict[int, list[SentenceLink]] = {}
        for link in alignment.sentences:
            sentences.setdefault(link.src[0].block, []).append(link)
        for link in alignment.blocks:
            if link.src and link.tgt and src.blocks[link.src[0]].is_prose:
                source = "\n".join(src.blocks[i].content for i in link.src)
                target = "\n".join(tgt.blocks[j].content for j in link.tgt)
                if self.fits(source, target):
                    yield source, target, link.confidence
                    continue
                inside = [s for i in link.src for s in sentences.get(i, [])]
                self.summary.split += 1
                yield from _chunks(inside, src, tgt, self.fits)

    def fits(self, source: str, target: str) -> bool:
        """Whether each side of a unit, as one corpus line, is within the segment limit."""
        return self._lines_fit(unit_text(source), unit_text(target))

    def _lines_fit(self, source: str, target: str) -> bool:
        """:meth:`fits` for texts already made corpus lines (:func:`unit_text`)."""
        if self.max_segment_bytes is None:
            return True
        return largest_segment_bytes(source, target) <= self.max_segment_bytes

    def _accept(self, source: str, target: str, confidence: float) -> tuple[str, str] | None:
        source, target = unit_text(source), unit_text(target)
        reason = None
        if confidence < self.min_confidence:
            reason = "low confidence"
        elif is_protected_only(source) or is_protected_only(target):
            reason = "code or math only"
        elif not self._lines_fit(source, target):
            reason = f"a segment over {self.max_segment_bytes} bytes"
        elif (source, target) in self._seen:
            reason = "duplicate"
        if reason:
            self.summary.skipped[reason] += 1
            return None
        self._seen.add((source, target))
        return source, target
