"""When a human translation survives an edit of its English sentence."""

from __future__ import annotations

import re

import pytest

from amts.update.keep import (
    _TOKENS,
    _has_term,
    find_run,
    fold,
    number_only_edit,
    still_current,
    term_already_swapped,
    typo_fix,
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("Open the notebook.", "Open the notebooks.", True, id="plural noun"),
        pytest.param("Two box fit.", "Two boxes fit.", True, id="plural in -es"),
        pytest.param("Open the notebook.", "Open the notebook!", False, id="punctuation"),
        pytest.param("A well known model.", "A well-known model.", False, id="hyphen"),
        pytest.param("It works - mostly.", "It works -- mostly.", False, id="dash"),
        pytest.param("We train models.", "We *train* models.", False, id="emphasis"),
        pytest.param('Call it "loss".', "Call it loss.", False, id="quotes"),
        pytest.param("Open the notebooks!", "Open the notebook.", False, id="plural and more"),
        pytest.param("Open the notebook.", "Open the  notebook.", False, id="spacing only"),
    ],
)
def test_number_only_edit(old, new, expected):
    """Only singular/plural endings may differ; every other character is an edit."""
    assert number_only_edit(old, new, "zh") is expected


def test_number_only_edit_needs_a_language_without_plural_nouns():
    """Portuguese marks number: the translation must follow."""
    assert not number_only_edit("Open the notebook.", "Open the notebooks.", "pt")


OLD_FILE = "We fit teh model to the data.\n\nThe form of the model is linear.\n"


@pytest.mark.parametrize(
    ("old", "new", "target", "old_text", "new_text", "expected"),
    [
        pytest.param(
            "We fit teh model to the data.",
            "We fit the model to the data.",
            "我们用数据拟合模型。",
            OLD_FILE,
            OLD_FILE.replace("teh", "the"),
            True,
            id="misspelling corrected",
        ),
        pytest.param(
            "We fit the the model to the data.",
            "We fit the model to the data.",
            "我们用数据拟合模型。",
            "We fit the the model to the data.\n",
            "We fit the model to the data.\n",
            True,
            id="doubled word removed",
        ),
        pytest.param(
            "Tensors are recieved from the loader.",
            "Tensors are received from the loader.",
            "张量来自加载器。",
            "Tensors are recieved from the loader.\n",
            "Tensors are received from the loader.\n",
            True,
            id="transposed letters",
        ),
        pytest.param(
            "We read the data form the disk.",
            "We read the data from the disk.",
            "我们从磁盘的表格读取数据。",
            "We read the data form the disk.\n\nThe form of the model is linear.\n",
            "We read the data from the disk.\n\nThe form of the model is linear.\n",
            False,
            id="a word used elsewhere in the file is no typo",
        ),
        pytest.param(
            "We fit teh model.",
            "We fit the model.",
            "我们拟合模型。",
            "We fit teh model.\n",
            "We fit the model.\n\nSee teh appendix.\n",
            False,
            id="old form still in the new English",
        ),
        pytest.param(
            "It has an extremely anal boss.",
            "It has an extremely banal boss.",
            "它有一个非常挑剔的老板。",
            "It has an extremely anal boss.\n",
            "It has an extremely banal boss.\n",
            False,
            id="first letter changed: another word",
        ),
        pytest.param(
            "We use the cat model.",
            "We use the cart model.",
            "我们使用 cat 模型。",
            "We use the cat model.\n",
            "We use the cart model.\n",
            False,
            id="old form written in the translation",
        ),
        pytest.param(
            "We fit teh model twice.",
            "We fit the model once.",
            "我们拟合模型两次。",
            "We fit teh model twice.\n",
            "We fit the model once.\n",
            False,
            id="a second change",
        ),
        pytest.param(
            "We train for 10 epochs.",
            "We train for 20 epochs.",
            "我们训练10个周期。",
            "We train for 10 epochs.\n",
            "We train for 20 epochs.\n",
            False,
            id="a number is no typo",
        ),
        pytest.param(
            "Call `fitt` once.",
            "Call `fit` once.",
            "调用 `fitt` 一次。",
            "Call `fitt` once.\n",
            "Call `fit` once.\n",
            False,
            id="code is no typo",
        ),
        pytest.param(
            "We fit a model to the data.",
            "We fit a a model to the data.",
            "我们用数据拟合模型。",
            "We fit a model to the data.\n",
            "We fit a a model to the data.\n",
            False,
            id="a word added is no doubled word removed",
        ),
        pytest.param(
            "We fit the model to the data.",
            "We fit the to the data.",
            "我们用数据拟合模型。",
            "We fit the model to the data.\n",
            "We fit the to the data.\n",
            False,
            id="a word removed that does not repeat its neighbour",
        ),
    ],
)
def test_typo_fix(old, new, target, old_text, new_text, expected):
    """A misspelling or doubled word, which no translation carries, needs no new translation;
    a real word replaced does."""
    assert typo_fix(old, new, target, old_text, new_text) is expected


@pytest.mark.parametrize(
    ("old", "new", "target", "expected"),
    [
        pytest.param(
            "We use ReLU as the activation.",
            "We use GELU as the activation.",
            "我们使用 GELU 作为激活函数。",
            True,
            id="translation has the new term",
        ),
        pytest.param(
            "The examples use PyTorch.",
            "The examples use TensorFlow.",
            "这些示例使用tensorflow。",
            True,
            id="term in another case",
        ),
        pytest.param(
            "Open it in Jupyter Notebook.",
            "Open it in JupyterLab.",
            "在 JupyterLab 中打开它。",
            True,
            id="two-word term swapped for one",
        ),
        pytest.param(
            "We use ReLU as the activation.",
            "We use GELU as the activation.",
            "我们使用 ReLU 作为激活函数。",
            False,
            id="translation still has the old term",
        ),
        pytest.param(
            "We use ReLU as the activation.",
            "We use GELU as the activation.",
            "我们使用 GELU 而非 ReLU 作为激活函数。",
            False,
            id="translation has both terms",
        ),
        pytest.param(
            "We use ReLU as the activation.",
            "We use GELU as the activation.",
            "我们使用线性整流函数作为激活函数。",
            False,
            id="translation has neither",
        ),
        pytest.param(
            "We use ReLU as the activation.",
            "We prefer GELU as the activation.",
            "我们使用 GELU 作为激活函数。",
            False,
            id="more than one change",
        ),
        pytest.param(
            "We use a model of the data.",
            "We use a sample of the data.",
            "Usamos um sample dos dados.",
            False,
            id="translation in Latin script",
        ),
    ],
)
def test_term_already_swapped(old, new, target, expected):
    """The translation kept its sentence when it already names the English's new term."""
    assert term_already_swapped(old, new, target) is expected


@pytest.mark.parametrize(
    ("old", "new", "target", "old_text", "new_text", "follows_glossary", "kept"),
    [
        pytest.param(
            "Open the notebook.",
            "Open the notebooks.",
            "打开笔记本。",
            "",
            "",
            True,
            True,
            id="plural",
        ),
        pytest.param(
            "Open the notebook.",
            "Open the notebooks.",
            "打开笔记本。",
            "",
            "",
            False,
            False,
            id="plural, but the translation misses the glossary's terms",
        ),
        pytest.param(
            "We fit teh model.",
            "We fit the model.",
            "我们拟合模型。",
            "We fit teh model.\n",
            "We fit the model.\n",
            True,
            True,
            id="typo",
        ),
        pytest.param(
            "We fit teh model.",
            "We fit the model.",
            "我们拟合模型。",
            "",
            "",
            True,
            False,
            id="typo, but the file's text unknown",
        ),
        pytest.param(
            "We use ReLU.",
            "We use GELU.",
            "我们使用 GELU。",
            "",
            "",
            False,
            True,
            id="term already swapped",
        ),
        pytest.param(
            "We train models.",
            "We *train* models.",
            "我们训练模型。",
            "",
            "",
            True,
            False,
            id="emphasis is followed",
        ),
    ],
)
def test_still_current(old, new, target, old_text, new_text, follows_glossary, kept):
    """Each rule keeps the translation and says why; other edits are followed."""
    reason = still_current(old, new, target, "zh", follows_glossary, old_text, new_text)
    assert bool(reason) is kept
    lazy = still_current(old, new, target, "zh", lambda: follows_glossary, old_text, new_text)
    assert lazy == reason


def test_the_glossary_is_checked_only_for_the_rules_that_need_it():
    """A check of the glossary is asked for only when the plural or typo rule applies."""
    asked = []

    def check() -> bool:
        asked.append(True)
        return True

    emphasis = ("We train models.", "We *train* models.", "我们训练模型。")
    assert not still_current(*emphasis, "zh", check)
    assert asked == []
    plural = ("Open the notebook.", "Open the notebooks.", "打开笔记本。")
    assert still_current(*plural, "zh", check)
    assert asked == [True]


def test_fold_matches_what_ignoring_case_matches():
    """Each character ``re.I`` matches with an ASCII character folds as that one does
    (the shortcut of ``_has_term``), over every code point."""
    import sys

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    for ascii_char in map(chr, range(128)):
        for match in re.finditer(re.escape(ascii_char), every, re.I):
            assert fold(match.group(0)) == fold(ascii_char), (ascii_char, match.group(0))


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        pytest.param("使用 ReLU 激活", "relu", True, id="other case"),
        pytest.param("使用 GELU 激活", "ReLU", False, id="absent"),
        pytest.param("使用 PReLU 激活", "ReLU", False, id="inside a word"),
        pytest.param("使用 \u212aNN", "kNN", True, id="Kelvin sign is a k ignoring case"),
        pytest.param("İmage", "image", True, id="Turkish dotted I"),
        pytest.param("ſoftmax", "softmax", True, id="long s"),
    ],
)
def test_has_term(text, term, found):
    """A term is found ignoring case, between non-alphanumerics, as the pattern finds it."""
    pattern = rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])"
    assert bool(re.search(pattern, text, re.I)) is found
    assert _has_term(text, term) is found


def test_find_run_finds_what_the_pattern_finds():
    """Tokens in a row with any whitespace between them, leftmost, as ``re.search`` of the
    tokens joined by ``\\s*`` finds them: random texts and token runs."""
    import random

    rng = random.Random(7)
    alphabet = ["a", "b", "ab", " ", "\n", "\u3000", ".", "-"]
    for _ in range(5000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 14)))
        tokens = _TOKENS.findall("".join(rng.choices(alphabet, k=rng.randint(1, 6)))) or ["a"]
        expected = re.search(r"\s*".join(map(re.escape, tokens)), text)
        assert find_run(tokens, text) == (expected.group(0) if expected else None), (tokens, text)
