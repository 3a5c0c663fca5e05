"""Which translated block already says what an inserted English block says."""

from __future__ import annotations

import pytest

from amts.book.document import parse
from amts.update.reuse import loosely_held, same_content


def block(text: str):
    [only] = [b for b in parse(text).blocks if b.kind.value != "blank"]
    return only


@pytest.mark.parametrize(
    ("english", "translation", "same"),
    [
        pytest.param(
            "```python\ny = 2  # the second\n```\n",
            "```python\ny = 2  # 第二个\n```\n",
            True,
            id="code with a translated comment",
        ),
        pytest.param("```python\ny = 2\n```\n", "```python\ny = 3\n```\n", False, id="other code"),
        pytest.param("$$a = b + c.$$\n", "$$a = b + c.$$\n", True, id="the same math"),
        pytest.param(
            "We set $n=3$ and `k`.\n", "我们设置$n=3$和`k`。\n", True, id="same math, inline code"
        ),
        pytest.param(
            "We set $n=3$ and `k`.\n", "我们设置$m=4$和`j`。\n", False, id="other math, code"
        ),
        pytest.param(
            "We use 3 layers.\n", "我们有3种方法。\n", False, id="a lone number is not enough"
        ),
        pytest.param("We stop here.\n", "我们在这里停下。\n", False, id="no surviving token"),
        pytest.param(
            "We set $n=3$ and `k`.\n", "## 我们设置$n=3$和`k`\n", False, id="another kind of block"
        ),
    ],
)
def test_same_content(english, translation, same):
    """Code by its code, verbatim blocks by their text, prose by its surviving tokens."""
    assert same_content(block(english), block(translation)) is same


def test_loosely_held_blocks_are_those_whose_tokens_the_english_lacks():
    """Of two translated paragraphs paired with one English paragraph, the one with code the
    English does not have was attached for want of a counterpart."""
    source = parse("Read the file `a.txt`.\n")
    target = parse("读取文件`a.txt`。\n\n我们设置$n=3$和`k`。\n\n然后停下。\n")
    assert loosely_held(source, target, (0,), (0, 2, 4)) == {2}
    assert loosely_held(source, target, (0,), (0,)) == set()
