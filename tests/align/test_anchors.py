"""Glossary terms found by the feature extractor, against the matching it replaced."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from amts.align.anchors import extractors, merge, similarity
from amts.align.glossary import load_glossary
from amts.book.protect import protected_spans, strip_spans
from tests.conftest import EXAMPLES, SHARED


def _glossary_and_book() -> tuple[Path, Path, Path]:
    """The whole d2l-zh glossary and books when they are beside the project, else the sample's."""
    d2l = SHARED / "d2l"
    if (d2l / "zh" / "TERMINOLOGY.md").is_file():
        return d2l / "zh" / "TERMINOLOGY.md", d2l / "en", d2l / "zh"
    return EXAMPLES / "zh" / "TERMINOLOGY.md", EXAMPLES / "en", EXAMPLES / "zh"


def _ignorecase_terms(terms: dict[str, int], text: str, lowercase: bool) -> Counter[str]:
    """The matching before: one alternation with ``re.IGNORECASE`` over the original text."""
    pattern = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    compiled = re.compile(pattern, re.IGNORECASE if lowercase else 0)
    found: Counter[str] = Counter()
    for match in compiled.finditer(text):
        key = match.group(0).lower() if lowercase else match.group(0)
        found[f"g:{terms[key]}"] += 1
    return found


def _glossary_anchors(features) -> Counter[str]:
    return Counter({k: v for k, v in features.anchors.items() if k.startswith("g:")})


def test_lowercased_matching_finds_the_same_terms_as_ignorecase() -> None:
    """Every paragraph of the book yields the same glossary anchors as the IGNORECASE regex."""
    glossary_path, en, zh = _glossary_and_book()
    glossary = load_glossary(glossary_path)
    source, target = extractors(glossary)
    paragraphs = 0
    found = 0
    for extractor, root, lowercase in ((source, en, True), (target, zh, False)):
        for path in sorted(root.rglob("*.md")):
            for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
                new = _glossary_anchors(extractor(paragraph))
                # The text the extractor searches: the paragraph without its protected spans.
                rest = strip_spans(paragraph, protected_spans(paragraph))
                assert new == _ignorecase_terms(extractor.terms, rest, lowercase), (
                    f"{path}: {paragraph[:80]!r}"
                )
                paragraphs += 1
                found += sum(new.values())
    assert paragraphs > 20 and found > 10  # the comparison saw terms on both sides


def _counter_similarity(source, target) -> float | None:
    """The formula :func:`similarity` computes, with ``Counter``'s own intersection."""
    shared = sum((source.anchors & target.anchors).values()) + len(target.latin & source.latin)
    total = sum(source.anchors.values()) + sum(target.anchors.values()) + 2 * len(target.latin)
    return (2.0 * shared + 4.0 * 0.5) / (total + 4.0) if total else None


def test_similarity_equals_the_counter_formula() -> None:
    """Every pair of the sample book's paragraphs (English × Chinese, merged groups too)
    scores exactly what the multiset formula gives."""
    glossary_path = EXAMPLES / "zh" / "TERMINOLOGY.md"
    source, target = extractors(load_glossary(glossary_path))
    en = [source(p) for f in sorted((EXAMPLES / "en").rglob("*.md")) for p in _paragraphs(f)]
    zh = [target(p) for f in sorted((EXAMPLES / "zh").rglob("*.md")) for p in _paragraphs(f)]
    en += [merge(en[k : k + 3]) for k in range(0, len(en) - 3, 5)]
    assert sum(1 for f in en if f.anchors) > 10 and sum(1 for f in zh if f.anchors) > 10
    for a in en:
        for b in zh:
            assert similarity(a, b) == _counter_similarity(a, b)
            assert similarity(b, a) == _counter_similarity(b, a)


def _paragraphs(path: Path) -> list[str]:
    return [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
