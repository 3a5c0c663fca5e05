"""Hostile inputs: the linear code finds what the backtracking patterns found, and the
pipeline makes a correct document of every input of the pathological corpus (or refuses
it with a short message). Times are the benchmark's business (bench/pathological_bench.py).
"""

from __future__ import annotations

import itertools
import random
import re
import tracemalloc

import pytest

from amts.align.anchors import _without_parenthesized
from amts.align.glossary import parse_glossary
from amts.book import document, sentences
from amts.book.document import MAX_BLOCKS, MAX_BRACKET_LINES, Kind, _figure_caption
from amts.book.protect import protected_spans
from amts.book.sentences import split_sentences
from amts.corpus.parallel import unit_text
from amts.engines.memory import MemoryEngine
from amts.errors import AmtsError, MarkupError
from amts.memory import TranslationMemory, _one_line
from amts.sync.filejob import follow_layout
from amts.update.updater import Updater
from tests.book import backtracking
from tests.pathological import INPUTS, build

NAMES = sorted(INPUTS)


def _fuzz(alphabet: list[str], seed: int, count: int = 3000, longest: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=rng.randint(0, longest))) for _ in range(count)]


_MARKUP = [
    *list('`$\\<!->a h:/()[]*"\n'),
    "<!--",
    "-->",
    "http://",
    "https://",
    ":ref:",
    "](",
    "`` ",
]


@pytest.mark.parametrize("name", NAMES)
def test_protected_spans_agree_with_the_backtracking_pattern_on_the_corpus(name):
    """Every corpus input, at a size the old pattern handles, gets the same spans."""
    text = build(name, 3000)
    spans = [(s.kind.value, s.start, s.end) for s in protected_spans(text)]
    assert spans == backtracking.protected(text)


def test_protected_spans_agree_with_the_backtracking_pattern_on_random_markup():
    """Random strings of markup characters get the old pattern's spans."""
    for text in _fuzz(_MARKUP, seed=11):
        spans = [(s.kind.value, s.start, s.end) for s in protected_spans(text)]
        assert spans == backtracking.protected(text), text


@pytest.mark.parametrize(
    ("new", "old"),
    [
        pytest.param(sentences._LATIN_END, backtracking.LATIN_END, id="latin end"),
        pytest.param(sentences._CJK_END, backtracking.CJK_END, id="cjk end"),
        pytest.param(sentences._ASCII_BEFORE_CJK, backtracking.ASCII_BEFORE_CJK, id="ascii"),
    ],
)
def test_sentence_ends_agree_with_the_backtracking_patterns(new, old):
    """A sentence-end pattern that starts only where its run of marks starts finds the same."""
    alphabet = [*list(".!?…。！？｡．，”)]*_ a中「\n"), "](", "**]"]
    for text in _fuzz(alphabet, seed=12):
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)], (
            text
        )


def test_figure_captions_agree_with_the_backtracking_pattern():
    alphabet = [*list("![]() \t\r\nab"), "](", "![", ")\n"]
    for text in _fuzz(alphabet, seed=13):
        old = backtracking.FIGURE.match(text)
        expected = old.span("caption") if old else None
        assert _figure_caption(text) == expected, text


def test_line_joins_agree_with_the_backtracking_patterns():
    """A memory slot's text and a corpus unit join their lines as before."""
    alphabet = list(" \t\r\n\v\x0c\x1c\x85\u2028ab\x01")
    for text in _fuzz(alphabet, seed=14):
        assert _one_line(text) == backtracking.LINE_BREAK.sub(" ", text), repr(text)
        joined = backtracking.UNIT_LINE_BREAK.sub(" ", text)
        old_unit = re.sub(r"[ \t]+", " ", re.sub(r"[\x00-\x08\x0e-\x1f]", "", joined)).strip()
        assert unit_text(text) == old_unit, repr(text)


def test_glossary_entries_agree_with_the_backtracking_pattern():
    """Entries parse as before; a term of only spaces, which the old pattern took, is none."""
    alphabet = list("，, #\ta中b\u3000")
    for line in _fuzz(alphabet, seed=15, longest=12):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = backtracking.GLOSSARY_ENTRY.match(line)
        expected = (
            [(match["source"], match["target"])]
            if match and match["source"].strip() and match["target"].strip()
            else []
        )
        assert list(parse_glossary(line).pairs) == expected, repr(line)


def test_terms_without_parentheses_agree_with_the_backtracking_pattern():
    alphabet = [*list("() \ta"), "(b)"]
    for term in _fuzz(alphabet, seed=16):
        assert _without_parenthesized(term) == backtracking.PARENTHESIZED.sub(" ", term), term


@pytest.mark.parametrize("name", NAMES)
def test_every_corpus_input_parses_back_to_itself_or_is_refused_briefly(name):
    """200 KB of each input: blocks that join back to the file, sentences that keep every
    character, spans in order; or a MarkupError short enough for a PR comment."""
    text = build(name, 200_000)
    try:
        doc = document.parse(text, "hostile.md")
    except MarkupError as exc:
        assert len(str(exc)) < 300
        return
    assert "".join(block.text for block in doc.blocks) == text
    for block in doc.blocks:
        if block.kind in (Kind.PARAGRAPH, Kind.LIST_ITEM, Kind.QUOTE):
            content = block.content
            found = split_sentences(content, "en")
            kept = "".join(content[s.start : s.end] for s in found)
            assert "".join(kept.split()) == "".join(content.split())
            spans = protected_spans(content)
            assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize("name", NAMES)
def test_every_corpus_input_is_translated_as_a_new_file(name):
    """A new file of 20 KB of each input goes through the updater into a translation the
    sync writes with the English's blocks, or refuses with a message naming the file."""
    text = build(name, 20_000)
    memory = TranslationMemory("en", "zh")
    updater = Updater("en", "zh", MemoryEngine(memory), memory)
    empty = document.parse("", "hostile.md")
    try:
        english = document.parse(text, "hostile.md")
    except MarkupError:
        return
    translation, _ = updater.update(empty, english, empty, path="hostile.md")
    try:
        written = follow_layout(english, translation, "hostile.md")
    except AmtsError as exc:
        assert "hostile.md" in str(exc)
        return
    kinds = [b.kind for b in english.blocks if b.kind is not Kind.BLANK]
    assert [b.kind for b in document.parse(written).blocks if b.kind is not Kind.BLANK] == kinds


#: The corpus inputs of one tiny block a line or two (headings, list items, short paragraphs,
#: directives …): a MB of any of them holds far more than MAX_BLOCKS blocks.
TINY_BLOCKS = [
    "headings",
    "short-paragraphs",
    "list-items",
    "ordered-items",
    "empty-items",
    "setext-headings",
    "rules",
    "label-lines",
    "math-blocks",
    "figure-lines",
    "fences",
]


@pytest.mark.parametrize("name", TINY_BLOCKS)
def test_a_megabyte_of_tiny_blocks_is_refused_in_bounded_memory(name):
    """1 MB of one-line blocks (about 200,000) is refused with a message naming the file,
    before mistletoe or the updater builds an object per block: a peak under 80 MB (parsed
    whole, the headings took 127 MB, the empty items 406 MB; then carried, 420 MB in all)."""
    text = build(name, 1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(MarkupError, match=r"^hostile\.md: more than 40,000 blocks"):
            document.parse(text, "hostile.md")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 80 * 2**20


def test_a_file_of_max_blocks_is_parsed_and_one_more_is_refused():
    """The bound counts blocks, blank runs included: 20,000 paragraphs, each with its blank
    line, are carried; one more paragraph is refused."""
    assert MAX_BLOCKS == 40_000
    assert len(document.parse("A\n\n" * 20_000, "a.md").blocks) == MAX_BLOCKS
    with pytest.raises(MarkupError, match=r"^a\.md: more than 40,000 blocks"):
        document.parse("A\n\n" * 20_000 + "B\n", "a.md")


@pytest.mark.parametrize("name", ["reference-definitions", "wrapped-references"])
def test_a_paragraph_of_many_bracket_lines_is_refused_before_mistletoe_reads_it(name):
    """mistletoe copies the rest of a run of link reference definitions for each one it
    reads (1 MB of them took 6.7 s): past MAX_BRACKET_LINES lines starting with "[" in one
    paragraph the file is refused, naming where, wrapped labels or not."""
    with pytest.raises(MarkupError, match=r"^hostile\.md:1: more than 1,000 lines"):
        document.parse(build(name, 1_000_000), "hostile.md")


def test_bracket_lines_up_to_the_bound_or_apart_are_parsed():
    """MAX_BRACKET_LINES of them in one paragraph are read; blank lines between any number
    of them make separate paragraphs, each short."""
    assert MAX_BRACKET_LINES == 1_000
    assert len(document.parse("[a]: b\n" * MAX_BRACKET_LINES).blocks) == 1
    assert len(document.parse("[a]: b\n\n" * 5_000).blocks) == 10_000
