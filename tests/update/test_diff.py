"""What changed between two versions of an English file: blocks and sentences."""

from __future__ import annotations

import difflib
import re
import sys

import pytest

from amts.book.document import parse
from amts.update import diff
from amts.update.changes import ChangeKind
from amts.update.diff import (
    MODIFIED_THRESHOLD,
    Edit,
    diff_blocks,
    diff_sequences,
    normalize,
    pair_similar,
    similarity,
)
from tests.conftest import EXAMPLES

UNCHANGED, MODIFIED = ChangeKind.UNCHANGED, ChangeKind.MODIFIED
INSERTED, DELETED, MOVED = ChangeKind.INSERTED, ChangeKind.DELETED, ChangeKind.MOVED

CAT = "the cat sat on the mat"
DOG = "a dog ran in the park"
BIRD = "one bird sang all morning"


def shared_words(shared: int, total: int = 20) -> tuple[str, str]:
    """Two texts of ``total`` words each that have their first ``shared`` words in common."""
    common = [f"w{k}" for k in range(shared)]
    old = common + [f"old{k}" for k in range(total - shared)]
    new = common + [f"new{k}" for k in range(total - shared)]
    return " ".join(old), " ".join(new)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a b", "a b", id="already normal"),
        pytest.param("  a\n  b\t c \n", "a b c", id="line breaks, tabs and runs of spaces"),
        pytest.param("\n\n", "", id="only whitespace"),
    ],
)
def test_normalize(text, expected):
    """Whitespace runs become one space and the ends are trimmed."""
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param("a b c d", "a b c d", 1.0, id="equal"),
        pytest.param("a b c d", "a b c e", 0.75, id="one word of four changed"),
        pytest.param("a b", "c d", 0.0, id="nothing shared"),
        pytest.param("x, y.", "x y", 2 * 2 / 6, id="punctuation counts as words"),
        pytest.param(*shared_words(7), 0.35, id="at the threshold: scored"),
        pytest.param(*shared_words(6), 0.0, id="below the threshold: zero"),
    ],
)
def test_similarity(a, b, expected):
    """Word-level similarity, cut to 0 below the modification threshold."""
    assert similarity(a, b) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            [CAT, DOG],
            [CAT, DOG],
            [Edit(UNCHANGED, 0, 0), Edit(UNCHANGED, 1, 1)],
            id="equal",
        ),
        pytest.param(
            [CAT, DOG],
            ["the cat sat on a mat", DOG],
            [Edit(MODIFIED, 0, 0), Edit(UNCHANGED, 1, 1)],
            id="modified",
        ),
        pytest.param(
            [CAT, DOG],
            [CAT, BIRD, DOG],
            [Edit(UNCHANGED, 0, 0), Edit(INSERTED, None, 1), Edit(UNCHANGED, 1, 2)],
            id="inserted",
        ),
        pytest.param(
            [CAT, BIRD, DOG],
            [CAT, DOG],
            [Edit(UNCHANGED, 0, 0), Edit(DELETED, 1, None), Edit(UNCHANGED, 2, 1)],
            id="deleted",
        ),
        pytest.param(
            [CAT, DOG, BIRD],
            [CAT, BIRD, DOG],
            [Edit(UNCHANGED, 0, 0), Edit(MOVED, 2, 1), Edit(UNCHANGED, 1, 2)],
            id="moved",
        ),
        pytest.param(
            [CAT],
            ["completely different words here now"],
            [Edit(DELETED, 0, None), Edit(INSERTED, None, 0)],
            id="rewritten beyond recognition: deleted and inserted",
        ),
        pytest.param(
            [CAT, DOG],
            ["the cat sat on a mat", "a dog ran in a park", BIRD],
            [Edit(MODIFIED, 0, 0), Edit(MODIFIED, 1, 1), Edit(INSERTED, None, 2)],
            id="replaced run paired in order, the rest inserted",
        ),
        pytest.param(
            [CAT, CAT],
            [CAT],
            [Edit(UNCHANGED, 0, 0), Edit(DELETED, 1, None)],
            id="one of two equal items deleted",
        ),
        pytest.param(
            [],
            [CAT],
            [Edit(INSERTED, None, 0)],
            id="from nothing",
        ),
        pytest.param(
            [CAT],
            [],
            [Edit(DELETED, 0, None)],
            id="to nothing",
        ),
    ],
)
def test_diff_sequences(old, new, expected):
    """The edit script lists every item of both sides once."""
    assert diff_sequences(old, new) == expected


@pytest.mark.parametrize(
    ("shared", "expected"),
    [
        pytest.param(7, [Edit(MODIFIED, 0, 0)], id="at the threshold: modified"),
        pytest.param(6, [Edit(DELETED, 0, None), Edit(INSERTED, None, 0)], id="below: replaced"),
    ],
)
def test_similarity_threshold_decides_modified(shared, expected):
    """A pair scoring at least MODIFIED_THRESHOLD is one modified item, below it two."""
    assert similarity(*shared_words(7)) == MODIFIED_THRESHOLD
    old, new = shared_words(shared)  # 7 shared words of 20 + 20: 2 * 7 / 40 = 0.35
    assert diff_sequences([old], [new]) == expected


def test_compatible_keeps_unlike_items_apart():
    """Items the ``compatible`` test rejects are never paired as modified."""
    edits = diff_sequences([CAT], ["the cat sat on a mat"], compatible=lambda a, b: False)
    assert edits == [Edit(DELETED, 0, None), Edit(INSERTED, None, 0)]


def test_pair_similar():
    """Pairs come in order, with their similarity, and maximize the total."""
    old = [CAT, DOG]
    new = ["a dog ran in a park", "the cat sat on a mat"]
    # Crossing pairs are impossible: the better single pair wins.
    assert pair_similar(old, new) == [(1, 0, pytest.approx(5 / 6))]


def _rewritten(count: int) -> tuple[list[str], list[str]]:
    """``count`` short paragraphs, each rewritten: a hostile push replaces every block."""
    old = [f"paragraph {k} says that the model learns weights number {k}" for k in range(count)]
    new = [f"paragraph {k} now says the model fits weights number {k}" for k in range(count)]
    return old, new


def test_a_huge_replaced_run_scores_pairs_linear_in_its_length():
    """4,000 items replaced by 4,000: at most a window's worth of candidates per item, not
    16 million pairs (``compatible`` is asked once per pair considered)."""
    old, new = _rewritten(4000)
    asked = 0

    def compatible(a: int, b: int) -> bool:
        nonlocal asked
        asked += 1
        return False

    edits = diff_sequences(old, new, compatible)
    assert asked <= 200 * (len(old) + len(new))  # all 4,000 × 4,000 would be 16 million
    assert sorted(e.old for e in edits if e.old is not None) == list(range(len(old)))
    assert sorted(e.new for e in edits if e.new is not None) == list(range(len(new)))


def test_a_huge_replaced_run_still_pairs_each_item_with_its_rewrite():
    """Paired window by window, every rewritten paragraph of a hostile push is still
    modified in place, and pair_similar scores each pair."""
    old, new = _rewritten(1000)
    assert diff_sequences(old, new) == [Edit(MODIFIED, k, k) for k in range(1000)]
    pairs = pair_similar(old, new)
    assert [(a, b) for a, b, _ in pairs] == [(k, k) for k in range(1000)]
    assert all(score == pytest.approx(similarity(old[a], new[b])) for a, b, score in pairs)


def test_a_replaced_run_within_the_limit_is_paired_whole():
    """Below MAX_PAIRED_CELLS a pair far from the diagonal is still found: the first old item
    rewritten as the last new one, everything else unrelated."""
    old = [CAT, *(f"alpha{k} beta{k} gamma{k}" for k in range(150))]
    new = [*(f"delta{k} epsilon{k} zeta{k}" for k in range(150)), "the cat sat on the red mat"]
    assert len(old) * len(new) <= 40_000  # diff.MAX_PAIRED_CELLS
    modified = [e for e in diff_sequences(old, new) if e.kind is MODIFIED]
    assert modified == [Edit(MODIFIED, 0, 150)]


OLD_DOC = """# Title
:label:`sec_title`

The first paragraph has
two lines. It has two sentences.

```python
x = 1
```

The last paragraph.
"""


@pytest.mark.parametrize(
    ("new_doc", "expected"),
    [
        pytest.param(
            OLD_DOC,
            [
                Edit(UNCHANGED, 0, 0),
                Edit(UNCHANGED, 1, 1),
                Edit(UNCHANGED, 3, 3),
                Edit(UNCHANGED, 5, 5),
                Edit(UNCHANGED, 7, 7),
            ],
            id="equal",
        ),
        pytest.param(
            OLD_DOC.replace("has\ntwo lines. It", "has two\nlines.\nIt"),
            [
                Edit(UNCHANGED, 0, 0),
                Edit(UNCHANGED, 1, 1),
                Edit(UNCHANGED, 3, 3),
                Edit(UNCHANGED, 5, 5),
                Edit(UNCHANGED, 7, 7),
            ],
            id="rewrapped paragraph is unchanged",
        ),
        pytest.param(
            OLD_DOC.replace("x = 1", "x = 2"),
            [
                Edit(UNCHANGED, 0, 0),
                Edit(UNCHANGED, 1, 1),
                Edit(UNCHANGED, 3, 3),
                Edit(MODIFIED, 5, 5),
                Edit(UNCHANGED, 7, 7),
            ],
            id="code modified",
        ),
        pytest.param(
            OLD_DOC.replace("The last", "A new paragraph.\n\nThe last"),
            [
                Edit(UNCHANGED, 0, 0),
                Edit(UNCHANGED, 1, 1),
                Edit(UNCHANGED, 3, 3),
                Edit(UNCHANGED, 5, 5),
                Edit(INSERTED, None, 7),
                Edit(UNCHANGED, 7, 9),
            ],
            id="paragraph inserted: indices are block indices, blanks skipped",
        ),
        pytest.param(
            OLD_DOC.replace("The last paragraph.\n", "").replace(
                "# Title", "# Title\n\nThe last paragraph.\n"
            ),
            [
                Edit(UNCHANGED, 0, 0),
                Edit(MOVED, 7, 2),
                Edit(UNCHANGED, 1, 4),
                Edit(UNCHANGED, 3, 6),
                Edit(UNCHANGED, 5, 8),
            ],
            id="paragraph moved",
        ),
        pytest.param(
            OLD_DOC.replace("# Title", "Title"),
            [
                Edit(DELETED, 0, None),
                Edit(INSERTED, None, 0),
                Edit(UNCHANGED, 1, 1),
                Edit(UNCHANGED, 3, 3),
                Edit(UNCHANGED, 5, 5),
                Edit(UNCHANGED, 7, 7),
            ],
            id="heading turned paragraph: different kinds never pair",
        ),
    ],
)
def test_diff_blocks(new_doc, expected):
    """Block edits of two versions of a d2l file."""
    assert diff_blocks(parse(OLD_DOC), parse(new_doc)) == expected


def test_diff_blocks_deleted():
    """A deleted block is listed at its old index with no new one."""
    new_doc = OLD_DOC.replace("```python\nx = 1\n```\n\n", "")
    assert diff_blocks(parse(OLD_DOC), parse(new_doc)) == [
        Edit(UNCHANGED, 0, 0),
        Edit(UNCHANGED, 1, 1),
        Edit(UNCHANGED, 3, 3),
        Edit(DELETED, 5, None),
        Edit(UNCHANGED, 7, 5),
    ]


def _difflib_diff_blocks(monkeypatch, old, new):
    """``diff_blocks`` with the standard library's ``SequenceMatcher`` and no remembered
    scores: the reference the C matcher and the score memo must agree with."""
    import difflib

    import amts.update.diff as diff

    with monkeypatch.context() as patch:
        patch.setattr(diff, "SequenceMatcher", difflib.SequenceMatcher)
        patch.setattr(diff, "_SCORES", {})
        patch.setattr(diff, "_SCRIPTS", {})
        return diff_blocks(old, new)


def _example_pairs(root) -> list[tuple[str, str]]:
    """(old, new) texts: each English file against its next version and its translation's
    origin file, and every file against every other (unrelated texts, many scored pairs)."""
    en = sorted((root / "en").rglob("*.md"))
    texts = [p.read_text("utf-8") for p in en]
    texts += [p.read_text("utf-8") for p in sorted((root / "en-next").rglob("*.md"))]
    texts += [p.read_text("utf-8") for p in sorted((root / "zh").rglob("*_origin.md"))]
    return [(a, b) for a in texts for b in texts if a != b]


def test_block_diff_agrees_with_difflib(monkeypatch):
    """cydifflib (C) scores and pairs blocks exactly as difflib does, and a score remembered
    from an earlier diff is the score: same edit scripts on the example book."""
    from tests.conftest import EXAMPLES

    pairs = [(parse(a), parse(b)) for a, b in _example_pairs(EXAMPLES)]
    reference = [_difflib_diff_blocks(monkeypatch, old, new) for old, new in pairs]
    assert any(e.kind is MODIFIED for edits in reference for e in edits)
    assert [diff_blocks(old, new) for old, new in pairs] == reference
    assert [diff_blocks(old, new) for old, new in pairs] == reference  # scores remembered


def test_matchers_agree_on_random_word_lists():
    """The ratios and opcodes of cydifflib's matcher are difflib's, on word lists with many
    repeats (where difflib's tie-breaking shows)."""
    import difflib
    import random

    import cydifflib

    rng = random.Random(13)
    for _ in range(2000):
        a = rng.choices("abcdefg,.", k=rng.randint(0, 30))
        b = rng.choices("abcdefg,.", k=rng.randint(0, 30))
        ours = cydifflib.SequenceMatcher(None, a, b, autojunk=False)
        theirs = difflib.SequenceMatcher(None, a, b, autojunk=False)
        assert ours.get_opcodes() == theirs.get_opcodes()
        assert (ours.ratio(), ours.quick_ratio(), ours.real_quick_ratio()) == (
            theirs.ratio(),
            theirs.quick_ratio(),
            theirs.real_quick_ratio(),
        )


def test_block_diff_agrees_with_difflib_on_d2l(shared_d2l, monkeypatch):
    """The same on the real book: each zh origin file against the pinned English."""
    pairs = []
    for origin in sorted((shared_d2l / "zh").rglob("*_origin.md")):
        relative = origin.relative_to(shared_d2l / "zh")
        english = shared_d2l / "en" / relative.parent / relative.name.replace("_origin", "")
        if english.is_file():
            pairs.append((parse(origin.read_text("utf-8")), parse(english.read_text("utf-8"))))
    assert len(pairs) > 100
    reference = [_difflib_diff_blocks(monkeypatch, old, new) for old, new in pairs]
    assert [diff_blocks(old, new) for old, new in pairs] == reference


def test_a_remembered_script_maps_to_each_documents_own_blocks(monkeypatch):
    """Two versions with the same blocks but other blank lines share an edit script, each
    with its own block indices."""
    new = parse("# Title\n\nThe cat sat on a mat.\n\nA new paragraph.\n")
    tight = parse("# Title\n\nThe cat sat on the mat.\n")
    loose = parse("\n# Title\n\n\nThe cat sat on the mat.\n")
    first, second = diff_blocks(tight, new), diff_blocks(loose, new)
    assert first == _difflib_diff_blocks(monkeypatch, tight, new)
    assert second == _difflib_diff_blocks(monkeypatch, loose, new)
    assert [e.kind for e in first] == [e.kind for e in second]
    assert [e.old for e in first] != [e.old for e in second]


def test_compiled_matcher_finds_difflib_matches() -> None:
    """The matcher ``diff`` uses (cydifflib when installed) scores and opcodes pairs of the
    sample book's code blocks and paragraphs exactly as the standard library's difflib does."""
    words = re.compile(r"\w+|[^\w\s]")
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.rglob("*.md"))]
    code = [block for text in texts for block in text.split("```")[1::2]]
    prose = [block for text in texts for block in text.split("\n\n")][:60]
    blocks = [words.findall(block) for block in code + prose]
    assert len(code) >= 10
    for a in blocks:
        for b in blocks:
            ours = diff.SequenceMatcher(None, a, b, autojunk=False)
            theirs = difflib.SequenceMatcher(None, a, b, autojunk=False)
            assert ours.ratio() == theirs.ratio()
            assert ours.get_opcodes() == theirs.get_opcodes()


def test_normalize_equals_the_whitespace_pattern():
    """Every character ``\\s`` matches, and only those, is a space between words."""
    for code in range(sys.maxunicode + 1):
        text = f" a{chr(code)}b {chr(code) * 2}c{chr(code)}"
        assert normalize(text) == re.sub(r"\s+", " ", text).strip(), hex(code)
