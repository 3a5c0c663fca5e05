"""Evidence that two pieces of text say the same thing in two languages.

A translator copies code, math, roles, numbers and URLs, keeps many technical
terms in Latin script ("机器翻译（machine translation）"), and follows the team's
glossary. Each of these is a token that survives translation; the share of
tokens two units have in common is strong evidence they are translations of one
another, and far sharper than length alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from amts.align.glossary import Glossary
from amts.book.protect import NUMBER, Span, SpanKind, protected_spans, strip_spans

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
NO_EVIDENCE = 0.5  # the similarity assumed when neither side has a surviving token
SMOOTHING = 4.0
_LETTERS = re.compile(r"[^\W\d_]+")
# Markers carry no meaning of their own: both sides of every highlighted span have them.
_IGNORED_SPANS = {SpanKind.MARKER}


@dataclass(frozen=True, slots=True)
class Features:
    """What a unit offers to alignment: its size and the tokens that survive translation."""

    length: float
    anchors: Counter[str]
    latin: frozenset[str]
    #: How many anchors (with repeats): :func:`similarity` runs for every bead of the
    #: alignment's dynamic programming, and must not sum them each time.
    anchor_count: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "anchor_count", sum(self.anchors.values()))


class FeatureExtractor:
    """Computes :class:`Features` for one side of a file pair.

    ``terms`` are glossary terms of this side (English terms for the source,
    translations for the target); a term found in a unit becomes an anchor
    named by the glossary entry, so the source and target see the same token.
    """

    def __init__(self, terms: dict[str, int] | None = None, *, lowercase_terms: bool) -> None:
        self.lowercase_terms = lowercase_terms
        self.terms = terms or {}
        # Case-insensitive English terms are found in the lower-cased text with a case-sensitive
        # pattern: one ``str.lower`` per unit is four times cheaper than ``re.IGNORECASE`` over
        # a long alternation, and finds the same terms (terms are stored lower-cased).
        self._terms = term_pattern(self.terms)
        self._term_anchors = {term: f"g:{index}" for term, index in self.terms.items()}

    def __call__(self, text: str, spans: list[Span] | None = None) -> Features:
        """``spans``: ``text``'s protected spans when the caller has them already."""
        spans = protected_spans(text) if spans is None else spans
        # Tokens listed, then counted at once (``Counter(list)`` counts in C). ``str.split``
        # drops the whitespace ``\s`` matches (both ask ``str.isspace``), faster than ``re.sub``.
        tokens = [
            span.kind + ":" + "".join(text[span.start : span.end].split())
            for span in spans
            if span.kind not in _IGNORED_SPANS
        ]
        rest = strip_spans(text, spans)
        tokens += ["n:" + number for number in NUMBER.findall(rest)]
        lowered = rest.lower()
        if self._terms is not None:
            searched = lowered if self.lowercase_terms else rest
            tokens += map(self._term_anchors.__getitem__, self._terms.findall(searched))
        # Lower-casing first finds the same words, lower-cased, unless the text has one of the
        # two characters whose lower case is an ASCII letter ("İ" → "i̇", Kelvin "K" → "k").
        if "\u0130" not in rest and "\u212a" not in rest:
            latin = frozenset(_LATIN_WORD.findall(lowered))
        else:
            latin = frozenset(map(str.lower, _LATIN_WORD.findall(rest)))
        length = float(sum(map(len, _LETTERS.findall(rest))) + 1)
        return Features(length, Counter(tokens), latin)


def term_pattern(terms: dict[str, int] | Iterable[str]) -> re.Pattern[str] | None:
    """One alternation of ``terms``, longest first (so "neural network" beats "neural"),
    matched case-sensitively; ``None`` without terms.

    The terms are grouped by their first character (``n(?:eural network|eural)|…``): at
    each position of the text the engine then tries the few terms starting with the
    character there, not all of them; the match is the same (the longest term there).
    """
    groups: dict[str, list[str]] = {}
    for term in sorted(terms, key=len, reverse=True):
        if term:
            groups.setdefault(term[0], []).append(re.escape(term[1:]))
    pattern = "|".join(
        f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items()
    )
    return re.compile(pattern) if pattern else None


def extractors(glossary: Glossary | None) -> tuple[FeatureExtractor, FeatureExtractor]:
    """Feature extractors for the source and target side, sharing glossary anchors."""
    if glossary is None:
        return FeatureExtractor(lowercase_terms=True), FeatureExtractor(lowercase_terms=False)
    source_terms: dict[str, int] = {}
    target_terms: dict[str, int] = {}
    for index, (source, target) in enumerate(glossary.pairs):
        # "long short-term memory (LSTM)": the term without its abbreviation is what prose says.
        source = _without_parenthesized(source).strip().lower()
        target = target.strip()
        if len(source) >= 3 and target:
            source_terms.setdefault(source, index)
            target_terms.setdefault(target, source_terms[source])
    return (
        FeatureExtractor(source_terms, lowercase_terms=True),
        FeatureExtractor(target_terms, lowercase_terms=False),
    )


def merge(features: list[Features]) -> Features:
    """The features of several consecutive units taken as one."""
    if len(features) == 1:
        return features[0]
    anchors: Counter[str] = Counter()
    latin: set[str] = set()
    length = 0.0
    for feature in features:
        anchors.update(feature.anchors)
        latin |= feature.latin
        length += feature.length
    return Features(length, anchors, frozenset(latin))


def similarity(source: Features, target: Features) -> float | None:
    """Share of surviving tokens the two sides have in common, or ``None`` with no evidence.

    Shared anchors count on both sides (Dice); Latin words of the target count
    when the English has them too, since a translation keeps terms, not sentences.
    """
    # The size of the multiset intersection, walking the smaller side (``Counter.__and__``
    # builds a Counter: too slow for every bead a book's alignment weighs).
    shared = 0
    small, large = source.anchors, target.anchors
    if small and large:
        if len(small) > len(large):
            small, large = large, small
        for token, count in small.items():
            if (other := large.get(token)) is not None and (both := min(count, other)) > 0:
                shared += both
    total = source.anchor_count + target.anchor_count
    kept = len(target.latin & source.latin)
    total += 2 * len(target.latin)
    shared += kept
    if not total:
        return None
    # One stray token should not outweigh everything else: smooth towards "no evidence".
    return (2.0 * shared + SMOOTHING * NO_EVIDENCE) / (total + SMOOTHING)


def _without_parenthesized(term: str) -> str:
    """``term`` with each "(…)" and the space around it as one space, in one pass (a lazy
    pattern would scan to the end of the line from every unclosed "(")."""
    pieces, pos = [], 0
    while (start := term.find("(", pos)) != -1 and (end := term.find(")", start + 1)) != -1:
        lead, trail = start, end + 1
        while lead > pos and term[lead - 1].isspace():
            lead -= 1
        while trail < len(term) and term[trail].isspace():
            trail += 1
        pieces += [term[pos:lead], " "]
        pos = trail
    pieces.append(term[pos:])
    return "".join(pieces)
