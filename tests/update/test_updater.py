"""Targeted updates: an English edit becomes an edit of exactly the translation it touches."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from amts.align.glossary import Glossary
from amts.book.document import parse
from amts.engines.base import Engine, Translation
from amts.engines.memory import MemoryEngine
from amts.errors import AlignmentError, LanguageError
from amts.memory import TranslationMemory
from amts.sync.filejob import follow_layout
from amts.update.changes import ChangeKind, Origin
from amts.update.updater import Updater

EN = """# Linear Regression
:label:`sec_linear_regression`

*Regression* problems pop up whenever we want to predict a numerical value.
Common examples include predicting prices of homes and stocks.
We will start with the simplest model.

## Basics

The model is linear in its inputs.
Each feature gets a weight.

```{.python .input}
#@tab all
import math
# Compute the squared loss
def squared_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2  # Halve the square
```

The loss of one example is

$$l^{(i)}(\\mathbf{w}, b) = \\frac{1}{2} \\left(\\hat{y}^{(i)} - y^{(i)}\\right)^2.$$
:eqlabel:`eq_mse`

![A linear regression model.](../img/singleneuron.svg)
:width:`250px`
:label:`fig_single_neuron`

:begin_tab:`pytorch`
PyTorch computes gradients for us.
:end_tab:

The training loop has three steps:

* Initialize the parameters.
* Compute the loss.
* Update the parameters.

## Summary

Linear regression is the simplest model.
It is still widely used.
"""

ZH = """# 线性回归
:label:`sec_linear_regression`

每当我们想预测一个数值时，
就会出现*回归*问题。
常见的例子包括预测房价和股价。
我们将从最简单的模型开始。

## 基础

该模型对其输入是线性的。
每个特征都有一个权重。

```{.python .input}
#@tab all
import math
# 计算平方损失
def squared_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2  # 平方的一半
```

一个样本的损失是

$$l^{(i)}(\\mathbf{w}, b) = \\frac{1}{2} \\left(\\hat{y}^{(i)} - y^{(i)}\\right)^2.$$
:eqlabel:`eq_mse`

![线性回归模型。](../img/singleneuron.svg)
:width:`250px`
:label:`fig_single_neuron`

:begin_tab:`pytorch`
PyTorch为我们计算梯度。
:end_tab:

训练循环有三个步骤：

* 初始化参数。
* 计算损失。
* 更新参数。

## 小结

线性回归是最简单的模型。
它仍然被广泛使用。
"""

COMMON = "Common examples include predicting prices of homes and stocks."
COMMON_ZH = "常见的例子包括预测房价和股价。"
CAPTION = "![A linear regression model.](../img/singleneuron.svg)"


class Prefixer(Engine):
    """A deterministic engine: the translation is the English behind a ``译:`` prefix."""

    name = "prefixer"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def translate(
        self, segments: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[Translation]:
        self.calls.append(list(segments))
        self.chars_sent += sum(len(s) for s in segments)
        return [Translation("译:" + s, "prefixer") for s in segments]


class Dictionary(Engine):
    """A deterministic engine that knows a fixed set of sentences and flags the others."""

    name = "dictionary"

    def __init__(self, entries: dict[str, str]) -> None:
        super().__init__()
        self.entries = entries

    def translate(
        self, segments: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[Translation]:
        self.chars_sent += sum(len(s) for s in segments)
        return [
            Translation(self.entries[s], "dictionary")
            if s in self.entries
            else Translation(None, "dictionary", note="not in the dictionary")
            for s in segments
        ]


def edited(text: str, *replacements: tuple[str, str]) -> str:
    """``text`` with each ``old`` (which must occur exactly once) replaced by ``new``."""
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def update(old_en, new_en, old_zh, engine=None, memory=None, glossary=None, tgt_lang="zh"):
    updater = Updater("en", tgt_lang, engine or Prefixer(), memory, glossary, evaluate=0)
    return updater.update(parse(old_en), parse(new_en), parse(old_zh), path="linear.md")


def origins(report) -> list[list[Origin]]:
    return [[s.origin for s in change.sentences] for change in report.changes]


# -- nothing changed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "new_en",
    [
        pytest.param(EN, id="same file"),
        pytest.param(
            edited(
                EN,
                (
                    "predict a numerical value.\nCommon examples include",
                    "predict a\nnumerical value. Common examples\ninclude",
                ),
            ),
            id="paragraph rewrapped",
        ),
    ],
)
def test_unchanged_english_leaves_the_translation_byte_identical(new_en):
    """No English change: the translation comes back byte for byte and nothing is reported."""
    engine = Prefixer()
    text, report = update(EN, new_en, ZH, engine)
    assert text == ZH
    assert report.changes == []
    assert report.notes == []
    assert report.chars_sent == 0
    assert engine.calls == []


# -- sentences inside a paragraph -------------------------------------------------------


def test_modified_sentence_is_retranslated_alone():
    """Only the changed sentence's translation is replaced; every other byte is kept."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices of houses."))
    engine = Prefixer()
    text, report = update(EN, new_en, ZH, engine)
    assert text == edited(
        ZH, (COMMON_ZH, "译:Common examples include predicting prices of houses.")
    )
    [change] = report.changes
    assert change.kind is ChangeKind.MODIFIED
    assert change.block_kind == "paragraph"
    assert change.line == 4
    assert change.old_target == (
        "每当我们想预测一个数值时，\n就会出现*回归*问题。\n常见的例子包括预测房价和股价。\n"
        "我们将从最简单的模型开始。\n"
    )
    assert change.new_target == (
        "每当我们想预测一个数值时，\n就会出现*回归*问题。\n"
        "译:Common examples include predicting prices of houses.\n我们将从最简单的模型开始。"
    )
    assert origins(report) == [[Origin.KEPT, Origin.ENGINE, Origin.KEPT]]
    assert change.sentences[0].target == "每当我们想预测一个数值时，\n就会出现*回归*问题。"
    assert engine.calls == [["Common examples include predicting prices of houses."]]
    assert report.chars_sent == engine.chars_sent == 52
    assert report.changed_chars == 52


def test_modified_sentence_without_translation_stays_english_and_is_flagged():
    """With no translation available the new English takes the old sentence's place, flagged."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices of houses."))
    text, report = update(EN, new_en, ZH, MemoryEngine())
    assert text == edited(ZH, (COMMON_ZH, "Common examples include predicting prices of houses."))
    [change] = report.changes
    assert origins(report) == [[Origin.KEPT, Origin.UNTRANSLATED, Origin.KEPT]]
    assert change.sentences[1].note == "no translation memory match; left for translators"
    assert report.notes == [
        "untranslated (left in English): Common examples include predicting prices of houses."
    ]
    assert report.chars_sent == 52  # what a paid engine would have been sent


def test_first_sentence_spanning_two_lines_is_replaced_and_the_layout_kept():
    """A translation over two lines is replaced by one; the paragraph's other lines are kept."""
    new_en = edited(EN, ("predict a numerical value.", "predict a number."))
    text, _ = update(EN, new_en, ZH)
    assert text == edited(
        ZH,
        (
            "每当我们想预测一个数值时，\n就会出现*回归*问题。\n",
            "译:*Regression* problems pop up whenever we want to predict a number.\n",
        ),
    )


def test_inserted_sentence_goes_after_the_previous_sentence_on_its_own_line():
    """A new sentence is translated and placed after its predecessor's translation."""
    new_en = edited(EN, (COMMON, COMMON + "\nThey also include the weather."))
    text, report = update(EN, new_en, ZH)
    assert text == edited(ZH, (COMMON_ZH, COMMON_ZH + "\n译:They also include the weather."))
    assert origins(report) == [[Origin.KEPT, Origin.KEPT, Origin.ENGINE, Origin.KEPT]]


def test_sentence_inserted_at_the_start_of_a_paragraph():
    """A sentence new at a paragraph's start goes on its own line before the first translated
    one, and the report's new text of the block includes it."""
    new_en = edited(EN, ("*Regression* problems", "We begin here. *Regression* problems"))
    text, report = update(EN, new_en, ZH)
    assert text == edited(ZH, ("每当我们想预测", "译:We begin here.\n每当我们想预测"))
    [change] = report.changes
    assert change.line == 4
    assert change.new_target.startswith("译:We begin here.\n每当我们想预测一个数值时，\n")
    assert change.new_target.endswith("我们将从最简单的模型开始。")


@pytest.mark.parametrize(
    ("old", "new", "old_zh", "new_zh"),
    [
        pytest.param(
            "The model is linear in its inputs.",
            "Nothing here resembles the old text.",
            "该模型对其输入是线性的。\n",
            "译:Nothing here resembles the old text.\n",
            id="first line",
        ),
        pytest.param(
            "Each feature gets a weight.",
            "Nothing here resembles the old text.",
            "每个特征都有一个权重。",
            "译:Nothing here resembles the old text.",
            id="last line",
        ),
    ],
)
def test_rewritten_sentence_keeps_its_own_line(old, new, old_zh, new_zh):
    """A sentence rewritten beyond recognition (deleted and inserted) still gets the line its
    predecessor had."""
    text, _ = update(EN, edited(EN, (old, new)), ZH)
    assert text == edited(ZH, (old_zh, new_zh))


@pytest.mark.parametrize(
    ("new_en", "expected"),
    [
        pytest.param(
            edited(EN, (COMMON + "\n", "")),
            edited(ZH, (COMMON_ZH + "\n", "")),
            id="middle sentence: its line goes",
        ),
        pytest.param(
            edited(EN, ("\nEach feature gets a weight.", "")),
            edited(ZH, ("\n每个特征都有一个权重。", "")),
            id="last sentence of a paragraph",
        ),
        pytest.param(
            edited(EN, ("The model is linear in its inputs.\n", "")),
            edited(ZH, ("该模型对其输入是线性的。\n", "")),
            id="first sentence of a paragraph",
        ),
        pytest.param(
            edited(EN, ("\nIt is still widely used.", "")),
            edited(ZH, ("\n它仍然被广泛使用。", "")),
            id="last sentence of the file",
        ),
    ],
)
def test_deleted_sentence_loses_its_translation(new_en, expected):
    """A sentence deleted from the English takes its translation and its line with it."""
    text, report = update(EN, new_en, ZH)
    assert text == expected
    assert [c.kind for c in report.changes] == [ChangeKind.MODIFIED]
    assert report.chars_sent == 0


def test_sentence_moved_inside_its_paragraph_carries_its_translation():
    """A sentence moved within a paragraph moves its human translation; it is not duplicated."""
    new_en = edited(
        EN,
        (
            "Common examples include predicting prices of homes and stocks.\n"
            "We will start with the simplest model.",
            "We will start with the simplest model.\n"
            "Common examples include predicting prices of homes and stocks.",
        ),
    )
    engine = Prefixer()
    text, report = update(EN, new_en, ZH, engine)
    assert text == edited(
        ZH,
        (
            "常见的例子包括预测房价和股价。\n我们将从最简单的模型开始。",
            "我们将从最简单的模型开始。\n常见的例子包括预测房价和股价。",
        ),
    )
    assert engine.calls == []
    assert {s.origin for s in report.changes[0].sentences} == {Origin.KEPT}


SHARED_EN = """# Models

We use a model. It is linear.
The end is near.
"""

SHARED_ZH = """# 模型

我们使用一个线性模型。
结局已近。
"""


@pytest.mark.parametrize(
    ("new_en", "expected", "translated"),
    [
        pytest.param(
            edited(SHARED_EN, ("It is linear.", "It is not linear.")),
            edited(SHARED_ZH, ("我们使用一个线性模型。", "译:We use a model.译:It is not linear.")),
            ["We use a model.", "It is not linear."],
            id="one sentence of two changed",
        ),
        pytest.param(
            edited(SHARED_EN, (" It is linear.", "")),
            edited(SHARED_ZH, ("我们使用一个线性模型。", "译:We use a model.")),
            ["We use a model."],
            id="one sentence of two deleted",
        ),
    ],
)
def test_translation_shared_by_two_sentences_is_redone_whole(new_en, expected, translated):
    """Two English sentences with one translation: when one changes, the pair is translated
    again, and the report does not claim the unchanged one kept its translation."""
    engine = Prefixer()
    text, report = update(SHARED_EN, new_en, SHARED_ZH, engine)
    assert text == expected
    assert engine.calls == [translated]
    [change] = report.changes
    assert len(change.sentences) == len(translated) + 1
    assert {s.source: s.origin for s in change.sentences} == {
        **dict.fromkeys(translated, Origin.ENGINE),
        "The end is near.": Origin.KEPT,
    }


# -- whole blocks ---------------------------------------------------------------------


NEW_PARAGRAPH = "Regression has a long history.\nIt goes back to Gauss.\n"
NEW_PARAGRAPH_ZH = "译:Regression has a long history.\n译:It goes back to Gauss.\n"


@pytest.mark.parametrize(
    ("new_en", "expected", "line", "new_target"),
    [
        pytest.param(
            edited(EN, ("## Basics", NEW_PARAGRAPH + "\n## Basics")),
            edited(ZH, ("## 基础", NEW_PARAGRAPH_ZH + "\n## 基础")),
            9,
            NEW_PARAGRAPH_ZH.strip(),
            id="between two blocks",
        ),
        pytest.param(
            NEW_PARAGRAPH + "\n" + EN,
            NEW_PARAGRAPH_ZH + "\n" + ZH,
            1,
            NEW_PARAGRAPH_ZH.strip(),
            id="at the start of the file",
        ),
        pytest.param(
            EN + "\n" + NEW_PARAGRAPH,
            ZH + "\n" + NEW_PARAGRAPH_ZH,
            46,
            NEW_PARAGRAPH_ZH.strip(),
            id="at the end of the file",
        ),
        pytest.param(
            edited(EN, ("* Compute the loss.\n", "* Compute the loss.\n* Check the loss.\n")),
            edited(ZH, ("* 计算损失。\n", "* 计算损失。\n* 译:Check the loss.\n")),
            39,
            "* 译:Check the loss.",
            id="list item between two items",
        ),
    ],
)
def test_inserted_block_is_translated_and_placed_after_the_previous_block(
    new_en, expected, line, new_target
):
    """A new block lands after the previous block's translation, blank lines as in the
    English; the report gives its first line and its text."""
    text, report = update(EN, new_en, ZH)
    assert text == expected
    [change] = report.changes
    assert change.kind is ChangeKind.INSERTED
    assert (change.line, change.new_target, change.old_target) == (line, new_target, None)


def test_inserted_paragraph_report():
    """The report of an inserted paragraph: its line, its new text and the sentences' origins."""
    new_en = edited(EN, ("## Basics", NEW_PARAGRAPH + "\n## Basics"))
    _, report = update(EN, new_en, ZH)
    [change] = report.changes
    assert (change.kind, change.block_kind, change.line) == (ChangeKind.INSERTED, "paragraph", 9)
    assert change.new_target == "译:Regression has a long history.\n译:It goes back to Gauss."
    assert change.new_source == NEW_PARAGRAPH
    assert origins(report) == [[Origin.ENGINE, Origin.ENGINE]]


def test_inserted_code_block_is_copied():
    """New code is copied from the English as it is."""
    code = "```python\nprint(1)  # Print one\n```\n"
    new_en = edited(EN, ("The loss of one example is", code + "\nThe loss of one example is"))
    text, report = update(EN, new_en, ZH)
    assert text == edited(ZH, ("一个样本的损失是", code + "\n一个样本的损失是"))
    assert origins(report) == [[Origin.VERBATIM]]


@pytest.mark.parametrize(
    ("new_en", "expected"),
    [
        pytest.param(
            edited(EN, ("The loss of one example is\n\n", "")),
            edited(ZH, ("一个样本的损失是\n\n", "")),
            id="paragraph",
        ),
        pytest.param(
            edited(EN, ("# Linear Regression\n", "")),
            edited(ZH, ("# 线性回归\n", "")),
            id="first block of the file",
        ),
        pytest.param(
            edited(
                EN, (":begin_tab:`pytorch`\nPyTorch computes gradients for us.\n:end_tab:\n\n", "")
            ),
            edited(ZH, (":begin_tab:`pytorch`\nPyTorch为我们计算梯度。\n:end_tab:\n\n", "")),
            id="tab region",
        ),
        pytest.param(
            edited(EN, (CAPTION + "\n:width:`250px`\n:label:`fig_single_neuron`\n\n", "")),
            edited(
                ZH,
                (
                    "![线性回归模型。](../img/singleneuron.svg)\n"
                    ":width:`250px`\n:label:`fig_single_neuron`\n\n",
                    "",
                ),
            ),
            id="figure with its directives",
        ),
    ],
)
def test_deleted_block_takes_its_translation_and_one_blank_line(new_en, expected):
    """A deleted block's translation goes with the blank line after it."""
    text, report = update(EN, new_en, ZH)
    assert text == expected
    assert report.notes == []
    assert {c.kind for c in report.changes} == {ChangeKind.DELETED}


def test_deleted_last_section_of_the_file():
    """Deleting the blocks that end a file removes all their text and the blank lines before."""
    new_en = edited(
        EN,
        (
            "\n## Summary\n\nLinear regression is the simplest model.\nIt is still widely used.\n",
            "",
        ),
    )
    text, report = update(EN, new_en, ZH)
    assert text == edited(ZH, ("\n## 小结\n\n线性回归是最简单的模型。\n它仍然被广泛使用。\n", ""))
    assert text.endswith("* 更新参数。\n")
    assert [c.kind for c in report.changes] == [ChangeKind.DELETED, ChangeKind.DELETED]
    assert [(c.line, c.new_target) for c in report.changes] == [(None, None), (None, None)]
    assert report.notes == []


def test_deleted_last_list_item_keeps_the_blank_line_before_the_paragraph():
    """A list's last item deleted: the blank line under the list stays, or the next
    paragraph would join the item above (d2l-zh chapter_introduction, issue 10)."""
    old_en = "# Q\n\n* How long?\n* How much rain?\n\nEven so.\n"
    old_zh = "# 问\n\n* 多久？\n* 多少雨？\n\n即便如此。\n"
    text, _ = update(old_en, old_en.replace("* How much rain?\n", ""), old_zh)
    assert text == "# 问\n\n* 多久？\n\n即便如此。\n"


def test_deleted_paragraph_report():
    """A deleted block is reported with its old text and no new one."""
    new_en = edited(EN, ("The loss of one example is\n\n", ""))
    _, report = update(EN, new_en, ZH)
    [change] = report.changes
    assert change.kind is ChangeKind.DELETED
    assert change.old_source == "The loss of one example is\n"
    assert change.old_target == "一个样本的损失是\n"
    assert (change.new_source, change.new_target, change.line) == (None, None, None)


def test_moved_block_carries_its_human_translation():
    """A block moved elsewhere moves its translation; nothing is translated."""
    new_en = edited(
        EN,
        ("The loss of one example is\n\n", ""),
        ("## Summary", "The loss of one example is\n\n## Summary"),
    )
    engine = Prefixer()
    text, report = update(EN, new_en, ZH, engine)
    assert text == edited(
        ZH, ("一个样本的损失是\n\n", ""), ("## 小结", "一个样本的损失是\n\n## 小结")
    )
    assert engine.calls == []
    [change] = report.changes
    assert change.kind is ChangeKind.MOVED
    assert change.line == 39
    assert change.new_target == "一个样本的损失是"
    assert origins(report) == [[Origin.KEPT]]


# -- markup ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "old_zh", "new_zh", "line"),
    [
        pytest.param("## Basics", "### Basics", "## 基础", "### 基础", 9, id="heading level"),
        pytest.param(
            "* Compute the loss.",
            "- Compute the loss.",
            "* 计算损失。",
            "- 计算损失。",
            38,
            id="list marker",
        ),
        pytest.param(
            "../img/singleneuron.svg",
            "../img/neuron.svg",
            "../img/singleneuron.svg",
            "../img/neuron.svg",
            27,
            id="figure path: caption kept",
        ),
    ],
)
def test_markup_change_follows_the_english_and_keeps_the_words(old, new, old_zh, new_zh, line):
    """A heading level, list marker or figure target change leaves the translated words."""
    engine = Prefixer()
    text, report = update(EN, edited(EN, (old, new)), ZH, engine)
    assert text == edited(ZH, (old_zh, new_zh))
    assert engine.calls == []
    [change] = report.changes
    assert (change.kind, change.line) == (ChangeKind.MODIFIED, line)
    assert origins(report) == [[Origin.KEPT]]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("\\frac{1}{2}", "\\frac{1}{3}", id="math"),
        pytest.param(":eqlabel:`eq_mse`", ":eqlabel:`eq_squared_loss`", id="equation label"),
        pytest.param(":label:`sec_linear_regression`", ":label:`sec_linreg`", id="section label"),
        pytest.param(":label:`fig_single_neuron`", ":label:`fig_neuron`", id="figure label"),
        pytest.param(":width:`250px`", ":width:`300px`", id="figure width"),
        pytest.param(":begin_tab:`pytorch`", ":begin_tab:`pytorch, jax`", id="tab marker"),
    ],
)
def test_math_labels_and_directives_follow_the_english(old, new):
    """Math and d2lbook directives are copied from the new English."""
    text, report = update(EN, edited(EN, (old, new)), ZH)
    assert text == edited(ZH, (old, new))
    [change] = report.changes
    assert change.kind is ChangeKind.MODIFIED
    assert origins(report) == [[Origin.VERBATIM]]
    assert report.chars_sent == 0


def test_code_follows_the_english_and_keeps_translated_comments():
    """Changed code comes from the English; comments on untouched lines stay translated."""
    new_en = edited(
        EN,
        (
            "def squared_loss(y_hat, y):\n",
            "def squared_loss(y_hat, y):\n    y = y.reshape(y_hat.shape)  # Match the shapes\n",
        ),
        ("import math\n", "import torch\n"),
    )
    text, report = update(EN, new_en, ZH)
    assert text == edited(
        ZH,
        (
            "def squared_loss(y_hat, y):\n",
            "def squared_loss(y_hat, y):\n    y = y.reshape(y_hat.shape)  # Match the shapes\n",
        ),
        ("import math\n", "import torch\n"),
    )
    assert "# 计算平方损失\n" in text
    assert "# 平方的一半\n" in text
    [change] = report.changes
    assert (change.kind, change.block_kind, change.line) == (ChangeKind.MODIFIED, "code", 14)
    assert origins(report) == [[Origin.VERBATIM]]


ONE_SENTENCE_EN = "# Title\n\n## Basic Ideas\n\nSome text.\n\n1. Compute the loss.\n2. Stop.\n"
ONE_SENTENCE_ZH = "# 标题\n\n## 基本思想\n\n一些文字。\n\n1. 计算损失。\n2. 停下。\n"


@pytest.mark.parametrize(
    ("old", "new", "old_zh", "new_zh"),
    [
        pytest.param(
            "## Basic Ideas",
            "## Where Everything Starts From",
            "## 基本思想",
            "## 译:Where Everything Starts From",
            id="heading",
        ),
        pytest.param(
            "1. Compute the loss.",
            "1. Fetch a fresh minibatch of data.",
            "1. 计算损失。",
            "1. 译:Fetch a fresh minibatch of data.",
            id="numbered list item",
        ),
    ],
)
def test_replaced_only_sentence_keeps_its_prefix_and_space(old, new, old_zh, new_zh):
    """A block whose only sentence is replaced by an unrelated one is never left as a bare
    ``##`` or ``1.``: the new sentence goes after the prefix and its space."""
    text, report = update(ONE_SENTENCE_EN, edited(ONE_SENTENCE_EN, (old, new)), ONE_SENTENCE_ZH)
    assert text == edited(ONE_SENTENCE_ZH, (old_zh, new_zh))
    assert report.notes == []


# -- blocks the translation already has ----------------------------------------------------

AHEAD_EN = (
    "# Title\n\nThe intro says what comes.\n\n```python\nx = 1\n```\n\nThe end of the story.\n"
)
# Written from a newer English: it already has a second code block and a paragraph.
AHEAD_ZH = (
    "# 标题\n\n引言说明接下来的内容。\n\n```python\nx = 1\n```\n\n"
    "```python\ny = 2  # 第二个\n```\n\n我们设置$n=3$和`k`。\n\n故事的结尾。\n"
)


def test_blocks_the_translation_already_has_are_not_inserted_again():
    """An inserted code block and paragraph whose translations (same code, same math and
    inline code) already stand unpaired in that gap are kept, not inserted a second time."""
    engine = Prefixer()
    new_en = edited(
        AHEAD_EN,
        (
            "The end",
            "```python\ny = 2  # the second\n```\n\nWe set $n=3$ and `k`.\n\nThe end",
        ),
    )
    text, report = update(AHEAD_EN, new_en, AHEAD_ZH, engine)
    assert text == AHEAD_ZH
    assert engine.calls == []
    notes = [s.note for change in report.changes for s in change.sentences]
    assert notes.count("the old translation already had this block; kept, not inserted again") == 2


def test_inserted_block_with_other_anchors_is_still_inserted():
    """An unpaired translated block that does not say the same thing is no reason to skip."""
    new_en = edited(AHEAD_EN, ("The end", "We set $m=4$ and `j`.\n\nThe end"))
    text, _ = update(AHEAD_EN, new_en, AHEAD_ZH)
    inserted = "x = 1\n```\n\n译:We set $m=4$ and `j`.\n\n"
    assert text == edited(AHEAD_ZH, ("x = 1\n```\n\n", inserted))


# -- a translated heading that holds its paragraph ---------------------------------------

MERGED_EN = (
    "# Title\n\nThe intro comes first.\n\n## Data Loading\n\n"
    "We read the data from disk. We keep it in memory for later use.\n\n"
    "## Training\n\nThen we train the model.\n"
)
MERGED_ZH = (
    "# 标题\n\n引言在前。\n\n## 数据加载 我们从磁盘读取数据。我们将其保存在内存中供以后使用。\n\n"
    "## 训练\n\n然后我们训练模型。\n"
)
MERGED_LINE = "## 数据加载 我们从磁盘读取数据。我们将其保存在内存中供以后使用。"


@pytest.mark.parametrize(
    ("english_edit", "expected_line"),
    [
        pytest.param(
            ("in memory", "on the GPU"),
            "## 数据加载\n\n我们从磁盘读取数据。译:We keep it on the GPU for later use.",
            id="paragraph sentence changed",
        ),
        pytest.param(
            ("## Data Loading", "## Reading the Data"),
            "## 译:Reading the Data\n\n我们从磁盘读取数据。我们将其保存在内存中供以后使用。",
            id="heading changed",
        ),
        pytest.param(
            ("We read the data", "First, we open the file. We read the data"),
            "## 数据加载\n\n译:First, we open the file.我们从磁盘读取数据。"
            "我们将其保存在内存中供以后使用。",
            id="sentence inserted at the paragraph's start",
        ),
        pytest.param(
            ("We read the data from disk. We keep it in memory for later use.\n\n", ""),
            "## 数据加载",
            id="paragraph deleted",
        ),
        pytest.param(
            ("## Data Loading\n\n", ""),
            "我们从磁盘读取数据。我们将其保存在内存中供以后使用。",
            id="heading deleted",
        ),
        pytest.param(
            (
                "## Data Loading\n\nWe read the data from disk. We keep it in memory for later "
                "use.\n\n",
                "",
            ),
            None,
            id="both deleted: the whole line",
        ),
        pytest.param(
            (
                "## Data Loading\n\nWe read the data from disk. We keep it in memory for later "
                "use.\n\n",
                "## Loading\n\n",
            ),
            "## 译:Loading",
            id="heading changed, paragraph deleted",
        ),
        pytest.param(
            ("## Data Loading\n\nWe read the data from disk.", "We read the data from a disk."),
            "译:We read the data from a disk.我们将其保存在内存中供以后使用。",
            id="heading deleted, paragraph changed",
        ),
    ],
)
def test_heading_that_held_its_paragraph_is_split_and_edited_in_the_right_part(
    english_edit, expected_line
):
    """When the English around a translated heading that also holds its paragraph changes,
    the heading and the paragraph part are split again and only the changed part is edited."""
    text, report = update(MERGED_EN, edited(MERGED_EN, english_edit), MERGED_ZH)
    if expected_line is None:
        assert text == edited(MERGED_ZH, (MERGED_LINE + "\n\n", ""))
    else:
        assert text == edited(MERGED_ZH, (MERGED_LINE, expected_line))
    assert report.notes == []


def test_heading_that_held_its_paragraph_stays_when_its_english_does_not_change():
    """A change elsewhere leaves the merged heading line as the translators have it."""
    text, _ = update(MERGED_EN, edited(MERGED_EN, ("Then we", "After that we")), MERGED_ZH)
    assert text == edited(MERGED_ZH, ("然后我们训练模型。", "译:After that we train the model."))


# -- prose left in English by the translators ---------------------------------------------

ZH_ENGLISH_CAPTION = edited(ZH, ("![线性回归模型。](../img/singleneuron.svg)", CAPTION))


def test_caption_left_in_english_follows_the_english():
    """A caption the translators kept in English is replaced by the new English caption."""
    new_caption = "![A linear model with one output.](../img/singleneuron.svg)"
    engine = Prefixer()
    text, report = update(EN, edited(EN, (CAPTION, new_caption)), ZH_ENGLISH_CAPTION, engine)
    assert text == edited(ZH_ENGLISH_CAPTION, (CAPTION, new_caption))
    assert engine.calls == []
    assert origins(report) == [[Origin.VERBATIM]]


def test_translated_caption_is_prose():
    """A translated caption is translated again when its English changes."""
    new_caption = "![A linear model with one output.](../img/singleneuron.svg)"
    text, _ = update(EN, edited(EN, (CAPTION, new_caption)), ZH)
    assert text == edited(ZH, ("![线性回归模型。]", "![译:A linear model with one output.]"))


def test_sentence_left_in_english_follows_the_english():
    """One sentence the translators left in English follows the English; the rest is kept."""
    zh = edited(ZH, ("每个特征都有一个权重。", "Each feature gets a weight."))
    engine = Prefixer()
    new_en = edited(EN, ("Each feature gets a weight.", "Each feature gets its own weight."))
    text, report = update(EN, new_en, zh, engine)
    assert text == edited(zh, ("Each feature gets a weight.", "Each feature gets its own weight."))
    assert engine.calls == []
    [change] = report.changes
    assert [s.origin for s in change.sentences] == [Origin.KEPT, Origin.VERBATIM]


# -- highlight markers ----------------------------------------------------------------


def test_markers_added_around_a_whole_sentence_are_projected():
    """The English gaining ``[** **]`` around a sentence: the translation is wrapped alike."""
    engine = Prefixer()
    new_en = edited(EN, (COMMON, f"[**{COMMON}**]"))
    text, report = update(EN, new_en, ZH, engine)
    assert text == edited(ZH, (COMMON_ZH, f"[**{COMMON_ZH}**]"))
    assert engine.calls == []
    [change] = report.changes
    assert [s.origin for s in change.sentences] == [Origin.KEPT] * 3
    assert "highlight markers" in change.sentences[1].note


@pytest.mark.parametrize(
    ("old_en", "new_en", "old_zh", "expected"),
    [
        pytest.param(
            EN,
            edited(EN, (COMMON, f"(**{COMMON}**)")),
            ZH,
            edited(ZH, (COMMON_ZH, f"(**{COMMON_ZH}**)")),
            id="round markers added",
        ),
        pytest.param(
            edited(EN, (COMMON, f"[**{COMMON}**]")),
            EN,
            edited(ZH, (COMMON_ZH, f"[**{COMMON_ZH}**]")),
            ZH,
            id="markers removed",
        ),
    ],
)
def test_marker_changes_are_followed_without_translating(old_en, new_en, old_zh, expected):
    """Adding or removing highlight markers keeps the human words and follows the markers."""
    engine = Prefixer()
    text, _ = update(old_en, new_en, old_zh, engine)
    assert text == expected
    assert engine.calls == []


def test_markers_that_do_not_fit_are_widened_to_the_sentence_with_a_note():
    """Two spans in a sentence with one clause: the whole translated sentence is marked,
    its words are kept and reviewers are asked to check."""
    engine = Prefixer()
    new_en = edited(
        EN, (COMMON, "[**Common examples**] include [**predicting prices of homes and stocks.**]")
    )
    text, report = update(EN, new_en, ZH, engine)
    assert text == edited(ZH, (COMMON_ZH, f"[**{COMMON_ZH}**]"))
    assert engine.calls == []
    [change] = report.changes
    assert change.sentences[1].origin is Origin.KEPT
    assert "whole clause or sentence" in change.sentences[1].note
    assert "please check" in change.sentences[1].note


# -- sentences whose translation still holds -----------------------------------------------

EPOCHS_EN = "# Training\n\nWe train for 10 epochs on the server.\nThen we stop.\n"


EPOCHS_ZH = "# 训练\n\n我们在服务器上训练10个迭代周期。\n然后我们停下来。\n"


@pytest.mark.parametrize(
    ("old_zh", "new_en", "expected", "origin"),
    [
        pytest.param(
            edited(EPOCHS_ZH, ("10", "20")),
            edited(EPOCHS_EN, ("10", "20")),
            edited(EPOCHS_ZH, ("10", "20")),
            Origin.KEPT,
            id="translation already has the new number",
        ),
        pytest.param(
            EPOCHS_ZH,
            edited(EPOCHS_EN, ("the server", "the servers")),
            EPOCHS_ZH,
            Origin.KEPT,
            id="singular to plural only",
        ),
        pytest.param(
            EPOCHS_ZH,
            edited(EPOCHS_EN, ("10", "20")),
            edited(EPOCHS_ZH, ("10", "20")),
            Origin.MEMORY,
            id="number changed: the file's own translation repaired",
        ),
        pytest.param(
            EPOCHS_ZH,
            edited(EPOCHS_EN, ("the server", "a server")),
            edited(
                EPOCHS_ZH,
                ("我们在服务器上训练10个迭代周期。", "译:We train for 10 epochs on a server."),
            ),
            Origin.ENGINE,
            id="article changed: translated again",
        ),
    ],
)
def test_translation_that_still_holds_is_kept(old_zh, new_en, expected, origin):
    """A sentence whose translation already says what the new English says is kept; a number
    change is repaired from the old pair; other edits are translated again."""
    text, report = update(EPOCHS_EN, new_en, old_zh)
    assert text == expected
    assert report.changes[0].sentences[0].origin is origin


def test_plural_edit_is_followed_for_languages_that_mark_number():
    """Singular↔plural keeps the translation only where the target language does not mark it."""
    old_de = "# Training\n\nWir trainieren 10 Epochen auf dem Server.\nDann hören wir auf.\n"
    new_en = edited(EPOCHS_EN, ("the server", "the servers"))
    text, _ = update(EPOCHS_EN, new_en, old_de, tgt_lang="de")
    assert text == edited(
        old_de,
        (
            "Wir trainieren 10 Epochen auf dem Server.",
            "译:We train for 10 epochs on the servers.",
        ),
    )


@pytest.mark.parametrize(
    ("old_zh", "kept"),
    [
        pytest.param(
            "# 训练\n\n我们在服务器上训练10个迭代周期。\n然后我们停下来。\n",
            True,
            id="uses the term",
        ),
        pytest.param(
            "# 训练\n\n我们在主机上训练10个迭代周期。\n然后我们停下来。\n",
            False,
            id="does not use the term",
        ),
    ],
)
def test_plural_edit_keeps_only_translations_that_follow_the_glossary(old_zh, kept):
    """A kept translation must use the glossary's term; one that does not is redone."""
    glossary = Glossary((("server", "服务器"),))
    new_en = edited(EPOCHS_EN, ("the server", "the servers"))
    text, _ = update(EPOCHS_EN, new_en, old_zh, glossary=glossary)
    assert (text == old_zh) is kept


# -- translation memory and engines ----------------------------------------------------------


def test_translation_memory_is_used_before_the_engine():
    """Exact and number-repaired memory matches are used and recorded; the engine is not paid."""
    memory = TranslationMemory("en", "zh")
    memory.add("It is used in 12 fields.", "它被用于12个领域。")
    memory.add("Regression is everywhere.", "回归无处不在。")
    new_en = edited(
        EN, ("It is still widely used.", "It is used in 15 fields.\nRegression is everywhere.")
    )
    engine = Prefixer()
    text, report = update(EN, new_en, ZH, engine, memory)
    assert text == edited(ZH, ("它仍然被广泛使用。", "它被用于15个领域。\n回归无处不在。"))
    assert engine.calls == []
    assert report.chars_sent == 0
    [change] = report.changes
    fuzzy, exact = change.sentences[1:]
    assert (fuzzy.origin, fuzzy.detail, fuzzy.target) == (
        Origin.MEMORY,
        "fuzzy",
        "它被用于15个领域。",
    )
    assert fuzzy.score == pytest.approx(1 - 0.5 * 1 / 6)  # 5 words + 1 number, 1 changed
    assert (exact.origin, exact.detail, exact.score) == (Origin.MEMORY, "exact", 1.0)
    assert report.counts()["memory"] == 2


def test_sentence_translated_elsewhere_in_the_file_is_reused():
    """The file's own human translations are a memory: a repeated sentence costs nothing."""
    new_en = edited(EN, ("It is still widely used.", "Each feature gets a weight."))
    engine = Prefixer()
    text, report = update(EN, new_en, ZH, engine)
    assert text == edited(ZH, ("它仍然被广泛使用。", "每个特征都有一个权重。"))
    assert engine.calls == []
    assert report.changes[0].sentences[1].origin is Origin.MEMORY


def test_engine_misses_are_batched_counted_and_flagged():
    """Sentences go to the engine in one batch; what it cannot translate stays English."""
    engine = Dictionary({"Regression is old.": "回归 很 古老。"})
    new_en = edited(EN, ("It is still widely used.", "Regression is old.\nNobody knows why."))
    text, report = update(EN, new_en, ZH, engine)
    # Spaces an engine or corpus leaves between Chinese characters are removed.
    assert text == edited(ZH, ("它仍然被广泛使用。", "回归很古老。\nNobody knows why."))
    assert report.chars_sent == engine.chars_sent == len("Regression is old.Nobody knows why.")
    [change] = report.changes
    translated, missed = change.sentences[1:]
    assert (translated.origin, translated.detail) == (Origin.ENGINE, "dictionary")
    assert (missed.origin, missed.note) == (Origin.UNTRANSLATED, "not in the dictionary")
    assert report.notes == ["untranslated (left in English): Nobody knows why."]


def test_quality_check_of_a_paid_engine_is_not_counted_as_update_cost():
    """With ``evaluate``, held-out human sentences score the engine apart from the cost."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices of houses."))
    engine = Prefixer()
    updater = Updater("en", "zh", engine, evaluate=3)
    _, report = updater.update(parse(EN), parse(new_en), parse(ZH))
    assert report.chars_sent == 52
    assert report.quality is not None
    assert report.quality.sentences == 3
    # One engine call: the update's sentence first, then the held-out sentences.
    [call] = engine.calls
    assert call[0] == "Common examples include predicting prices of houses."
    held_out = sum(len(s) for s in call[1:])
    assert len(call) == 4
    assert report.notes == [
        f"quality check: {held_out} characters of held-out sentences were sent to the engine "
        "(not counted in the cost)"
    ]


def test_memory_engine_gets_no_quality_check():
    """The free memory engine is not scored: nothing is sent anywhere."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices of houses."))
    updater = Updater("en", "zh", MemoryEngine(), evaluate=3)
    _, report = updater.update(parse(EN), parse(new_en), parse(ZH))
    assert report.quality is None


ONE_LINE_EN = "# Title\n\nFirst sentence here.\nSecond sentence here.\nThird sentence here.\n"
ONE_LINE_ZH = "# 标题\n\n第一句在这里。第二句在这里。第三句在这里。\n"


@pytest.mark.parametrize(
    ("new_en", "expected"),
    [
        pytest.param(
            edited(
                ONE_LINE_EN, ("Second sentence here.", "Second sentence here.\nNew one.\nNew two.")
            ),
            "# 标题\n\n第一句在这里。第二句在这里。New one. New two.第三句在这里。\n",
            id="two new sentences in a row",
        ),
        pytest.param(
            ONE_LINE_EN.replace("sentence here", "sentence is here"),
            "# 标题\n\nFirst sentence is here. Second sentence is here. Third sentence is here.\n",
            id="three changed sentences in a row",
        ),
        pytest.param(
            edited(ONE_LINE_EN, ("Second sentence here.", "Second sentence is here.")),
            "# 标题\n\n第一句在这里。Second sentence is here.第三句在这里。\n",
            id="between Chinese sentences: no space",
        ),
        pytest.param(
            edited(ONE_LINE_EN, ("Third sentence here.", "Third sentence here.\nFourth one.")),
            "# 标题\n\n第一句在这里。第二句在这里。第三句在这里。\nFourth one.\n",
            id="after the last sentence",
        ),
    ],
)
def test_untranslated_sentences_side_by_side_are_spaced(new_en, expected):
    """English left in Chinese text gets a space only where English meets English."""
    text, _ = update(ONE_LINE_EN, new_en, ONE_LINE_ZH, MemoryEngine())
    assert text == expected


ONE_LINE_DE = "# Titel\n\nErster Satz hier. Zweiter Satz hier. Dritter Satz hier.\n"


@pytest.mark.parametrize(
    ("new_en", "expected"),
    [
        pytest.param(
            edited(ONE_LINE_EN, ("Second sentence here.", "Second sentence here.\nNew one.")),
            "Erster Satz hier. Zweiter Satz hier. 译:New one. Dritter Satz hier.",
            id="inserted in the middle",
        ),
        pytest.param(
            edited(ONE_LINE_EN, ("First sentence here.", "Zero.\nFirst sentence here.")),
            "译:Zero. Erster Satz hier. Zweiter Satz hier. Dritter Satz hier.",
            id="inserted first",
        ),
        pytest.param(
            edited(ONE_LINE_EN, ("Second sentence here.\n", "")),
            "Erster Satz hier. Dritter Satz hier.",
            id="middle one deleted",
        ),
        pytest.param(
            edited(ONE_LINE_EN, ("\nThird sentence here.", "")),
            "Erster Satz hier. Zweiter Satz hier.",
            id="last one deleted",
        ),
        pytest.param(
            edited(ONE_LINE_EN, ("First sentence here.", "First sentence, changed.")),
            "译:First sentence, changed. Zweiter Satz hier. Dritter Satz hier.",
            id="first one changed",
        ),
    ],
)
def test_latin_script_translation_keeps_one_space_between_sentences(new_en, expected):
    """In a language written with spaces, sentences added or removed leave one space between
    neighbours."""
    text, _ = update(ONE_LINE_EN, new_en, ONE_LINE_DE, tgt_lang="de")
    assert text == "# Titel\n\n" + expected + "\n"


def test_engine_translation_on_one_line_paragraph_keeps_it_one_line():
    """A Chinese paragraph written on one line stays on one line."""
    new_en = edited(ONE_LINE_EN, ("Second sentence here.", "Second sentence here.\nNew one."))
    text, _ = update(ONE_LINE_EN, new_en, ONE_LINE_ZH)
    assert text == "# 标题\n\n第一句在这里。第二句在这里。译:New one.第三句在这里。\n"


# -- the report -----------------------------------------------------------------------------


def test_report_lists_every_change_with_its_line_and_new_text():
    """Each changed block is reported in order with its kind, line and text in the new file."""
    new_en = edited(
        EN,
        (COMMON, "Common examples include predicting prices."),
        ("## Basics", "Regression is old.\n\n## Basics"),
        ("The loss of one example is\n\n", ""),
        ("* Compute the loss.", "- Compute the loss."),
    )
    text, report = update(EN, new_en, ZH)
    assert text == edited(
        ZH,
        (COMMON_ZH, "译:Common examples include predicting prices."),
        ("## 基础", "译:Regression is old.\n\n## 基础"),
        ("一个样本的损失是\n\n", ""),
        ("* 计算损失。", "- 计算损失。"),
    )
    assert [(c.kind, c.block_kind, c.line, c.new_target) for c in report.changes] == [
        (
            ChangeKind.MODIFIED,
            "paragraph",
            4,
            "每当我们想预测一个数值时，\n就会出现*回归*问题。\n"
            "译:Common examples include predicting prices.\n我们将从最简单的模型开始。",
        ),
        (ChangeKind.INSERTED, "paragraph", 9, "译:Regression is old."),
        (ChangeKind.DELETED, "paragraph", None, None),
        (ChangeKind.MODIFIED, "list_item", 38, "- 计算损失。"),
    ]
    assert report.counts() == {
        "kept": 3,
        "memory": 0,
        "engine": 2,
        "untranslated": 0,
        "verbatim": 0,
    }
    assert report.path == "linear.md"
    assert (report.src_lang, report.tgt_lang, report.engine) == ("en", "zh", "prefixer")


# -- front matter -----------------------------------------------------------------------

FRONT_EN = "---\nsource: en\n---\n\n# Title\n\nThe cat sleeps all day.\n"
FRONT_ZH = "---\nsource: zh\n---\n\n# 标题\n\n猫整天睡觉。\n"


def test_front_matter_of_the_translation_is_its_own():
    """A change of the English front matter is not carried into the translation."""
    text, report = update(FRONT_EN, FRONT_EN.replace("source: en", "source: en2"), FRONT_ZH)
    assert text == FRONT_ZH
    assert report.changes == []


def test_block_inserted_at_the_top_goes_after_the_front_matter():
    """Front matter must open the file: a new first block goes after it."""
    new_en = FRONT_EN.replace("# Title", "A new first paragraph.\n\n# Title")
    text, report = update(FRONT_EN, new_en, FRONT_ZH)
    assert text == "---\nsource: zh\n---\n\n译:A new first paragraph.\n\n# 标题\n\n猫整天睡觉。\n"
    assert report.changes[0].line == 5


# -- bad input ------------------------------------------------------------------------------


def test_unknown_language_code_is_a_language_error():
    """A target language without sentence rules is refused at once, naming the code."""
    with pytest.raises(LanguageError, match="'xx'"):
        Updater("en", "xx", Prefixer())


NEW_FIRST_PARAGRAPH_ZH = (
    "译:*Regression* problems pop up whenever we want to predict a numerical value.\n"
    "译:Common examples include predicting prices.\n"
    "译:We will start with the simplest model.\n"
)


@pytest.mark.parametrize(
    ("old_zh", "expected"),
    [
        pytest.param("", NEW_FIRST_PARAGRAPH_ZH + "\n", id="empty"),
        pytest.param("\n\n", NEW_FIRST_PARAGRAPH_ZH + "\n\n\n", id="blank lines only"),
    ],
)
def test_empty_old_translation(old_zh, expected):
    """An empty translation gets the changed English translated and a note that the rest of
    the file has no translation."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices."))
    text, report = update(EN, new_en, old_zh)
    assert text == expected
    assert len(report.notes) == 1
    assert report.notes[0].startswith("the old translation is empty")
    [change] = report.changes
    assert (change.kind, change.line) == (ChangeKind.MODIFIED, 1)
    assert change.new_target == NEW_FIRST_PARAGRAPH_ZH.strip()


REORDERED_ZH = "\n\n".join(reversed(ZH.split("\n\n")))
HALF_ZH = ZH[: ZH.index("一个样本的损失是")]


@pytest.mark.parametrize(
    "old_zh",
    [
        pytest.param(REORDERED_ZH, id="paragraphs in another order"),
        pytest.param(HALF_ZH, id="second half missing"),
    ],
)
def test_translation_in_another_structure_is_updated_without_losing_text(old_zh):
    """A translation that does not follow its English: no exception, valid markdown, every
    untouched translated line kept, and the problem noted."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices."))
    text, report = update(EN, new_en, old_zh)
    parse(text)
    changed = {line for c in report.changes for line in (c.old_target or "").splitlines()}
    for line in old_zh.splitlines():
        if line not in changed:
            assert line in text.splitlines()
    low = [c for c in report.changes if c.confidence is not None and c.confidence < 0.5]
    assert report.notes or low


def test_translation_of_another_text_is_refused():
    """A translation that is not of this English at all is not edited: a clear error."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices."))
    with pytest.raises(AlignmentError, match=r"linear\.md: the translation does not follow"):
        Updater("en", "zh", MemoryEngine()).update(
            parse(EN), parse(new_en), parse("# 别的\n\n完全不同的文字。\n"), path="linear.md"
        )


def test_translation_missing_its_second_half_is_updated_and_noted():
    """English blocks with no translation stay untranslated, and the report says so."""
    new_en = edited(EN, (COMMON, "Common examples include predicting prices."))
    text, report = update(EN, new_en, HALF_ZH)
    assert text == edited(HALF_ZH, (COMMON_ZH, "译:Common examples include predicting prices."))
    assert report.notes == [
        "15 unchanged English block(s) have no counterpart in the old translation and stay "
        "untranslated (first at line 21 of the new English); the translation may not follow "
        "its English, please check"
    ]


def test_insertion_at_the_end_of_a_file_without_final_line_break():
    """A file that ends without a line break gets one, then a blank line and the new block."""
    new_en = EN + "\nThat is all."
    text, _ = update(EN.rstrip("\n"), new_en, ZH.rstrip("\n"))
    assert text == ZH + "\n译:That is all.\n"


def test_modified_paragraph_followed_by_an_inserted_one_is_reported_apart():
    """The new text reported for a changed block does not swallow the block inserted after it."""
    new_en = edited(
        EN,
        (COMMON, "Common examples include predicting prices."),
        ("## Basics", "Regression is old.\n\n## Basics"),
    )
    _, report = update(EN, new_en, ZH)
    modified, inserted = report.changes
    assert modified.new_target.endswith("我们将从最简单的模型开始。")
    assert inserted.new_target == "译:Regression is old."


def test_unmatched_labels_pair_only_with_labels_of_their_kind():
    """A translation's :label:`fig_…` never stands for the English :label:`sec_…`."""
    from amts.align.aligner import Aligner

    en = "# A\n:label:`sec_a`\n\nText.\n\n![Cap.](a.svg)\n:label:`fig_a`\n"
    zh = "# 甲\n\n文字。\n\n![图。](a.svg)\n:label:`fig_old`\n"  # no section label
    alignment = Aligner("en", "zh").align(parse(en), parse(zh))
    pairs = {
        alignment.source.blocks[link.src[0]].text: alignment.target.blocks[link.tgt[0]].text
        for link in alignment.blocks
        if link.tgt and alignment.source.blocks[link.src[0]].kind.value == "directive"
    }
    assert pairs == {":label:`fig_a`\n": ":label:`fig_old`\n"}


# -- tables -------------------------------------------------------------------------------

TABLE_EN = """\
# Results

The table compares two models.

| Model | Accuracy |
|:--|--:|
| Linear | 0.8 |
| Two layers | 0.9 |

Both were trained for ten epochs.
"""


@pytest.mark.parametrize(
    ("known", "table_zh"),
    [
        pytest.param(
            {},
            "| Model | Accuracy |\n|:--|--:|\n| Linear | 0.8 |\n| Two layers | 0.9 |\n",
            id="nothing translated",
        ),
        pytest.param(
            {"| Model | Accuracy |": "| 模型 | 准确率 |", "| Linear | 0.8 |": "| 线性 | 0.8 |"},
            "| 模型 | 准确率 |\n|:--|--:|\n| 线性 | 0.8 |\n| Two layers | 0.9 |\n",
            id="rows from the memory",
        ),
    ],
)
def test_new_file_table_keeps_one_row_a_line(known, table_zh):
    """A new file's table is translated row by row (its alignment row never sent): joined on
    one line it was no table, and the sync refused the file for lacking the English's blocks."""
    memory = TranslationMemory("en", "zh")
    for english, chinese in known.items():
        memory.add(english, chinese)
    engine = Prefixer()
    empty, new_en = parse(""), parse(TABLE_EN, "results.md")
    updater = Updater("en", "zh", MemoryEngine(), memory, evaluate=0)
    text, _ = updater.update(empty, new_en, empty, path="results.md")
    table_en = TABLE_EN.split("\n\n")[2] + "\n"
    assert follow_layout(new_en, text, "results.md") == TABLE_EN.replace(table_en, table_zh)
    Updater("en", "zh", engine, evaluate=0).update(empty, new_en, empty, path="results.md")
    assert "|:--|--:|" not in [segment for call in engine.calls for segment in call]


TABLE_ZH = (
    TABLE_EN.replace("# Results", "# 结果")
    .replace("The table compares two models.", "该表比较了两个模型。")
    .replace("| Model | Accuracy |", "| 模型 | 准确率 |")
    .replace("| Linear |", "| 线性 |")
    .replace("| Two layers |", "| 两层 |")
    .replace("Both were trained for ten epochs.", "两者都训练了十个迭代周期。")
)


def test_edited_table_keeps_its_rows_and_their_translations():
    """A row added to a translated table: the other rows keep their human translation and
    the table keeps one row a line (it was replaced by the English table on one line)."""
    new_en = edited(TABLE_EN, ("| Two layers | 0.9 |\n", "| Two layers | 0.9 |\n| CNN | 0.95 |\n"))
    text, report = update(TABLE_EN, new_en, TABLE_ZH, MemoryEngine())
    assert text == edited(TABLE_ZH, ("| 两层 | 0.9 |\n", "| 两层 | 0.9 |\n| CNN | 0.95 |\n"))
    [change] = report.changes
    kept, verbatim, untranslated = Origin.KEPT, Origin.VERBATIM, Origin.UNTRANSLATED
    assert [s.origin for s in change.sentences] == [kept, verbatim, kept, kept, untranslated]
