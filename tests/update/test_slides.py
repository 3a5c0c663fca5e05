"""A translation's own slide blocks give way when its English moves to highlight markers."""

from __future__ import annotations

import pytest

from amts.book.document import parse
from amts.engines.memory import MemoryEngine
from amts.update.slides import has_markers, remove_slides, superseded
from amts.update.updater import Updater

OLD_EN = """# Data

Tensors hold numbers. We index them.

```{.python .input}
x = f(**kwargs)
```

We can reshape a tensor.

Broadcasting works on shapes that differ.
"""

NEW_EN = OLD_EN.replace(
    "Tensors hold numbers. We index them.", "[**Tensors hold numbers.**] We index them."
)

OLD_ZH = """# 数据

:begin_slide:`keep`
张量保存数字。我们可以索引它们。
:end_slide:

```{.python .input}
x = f(**kwargs)
```
:begin_slide:
张量可以索引。
:end_slide:

我们可以改变张量的形状。

:begin_slide:
### 广播
形状不同也可以。
:end_slide:

广播机制作用于形状不同的张量。
"""


def test_slide_markup_goes_keep_content_stays():
    """``keep`` slides lose their directive lines only; slide-only blocks go whole, with
    one of the blank lines around them; text glued under a code block gets a blank line."""
    text, slide_only, lines = remove_slides(parse(OLD_ZH))
    assert text == (
        "# 数据\n\n张量保存数字。我们可以索引它们。\n\n```{.python .input}\nx = f(**kwargs)\n```\n"
        "\n我们可以改变张量的形状。\n\n广播机制作用于形状不同的张量。\n"
    )
    assert (slide_only, lines) == (3, 6)


def test_a_stray_or_unclosed_slide_line_goes_alone():
    text, slide_only, lines = remove_slides(parse("甲。\n:end_slide:\n乙。\n:begin_slide:\n丙。\n"))
    assert text == "甲。\n乙。\n丙。\n"
    assert (slide_only, lines) == (0, 2)


def test_code_is_not_a_highlight_marker():
    assert not has_markers(parse(OLD_EN))  # ``f(**kwargs)`` in a code block
    assert not has_markers(parse("Call `f(**kwargs)` and `g(**a)` here.\n"))
    assert has_markers(parse(NEW_EN))


@pytest.mark.parametrize(
    ("old_en", "new_en", "old_zh", "expected"),
    [
        pytest.param(OLD_EN, NEW_EN, OLD_ZH, True, id="first markers: superseded"),
        pytest.param(
            NEW_EN,
            NEW_EN.replace("We can", "We [**can**]"),
            OLD_ZH,
            False,
            id="the English had markers already: a later update leaves them",
        ),
        pytest.param(
            OLD_EN,
            OLD_EN.replace("We can", "We could"),
            OLD_ZH,
            False,
            id="no markers in the new English",
        ),
        pytest.param(
            ":begin_slide:\n" + OLD_EN,
            ":begin_slide:\n" + NEW_EN,
            OLD_ZH,
            False,
            id="the English has slide blocks of its own",
        ),
        pytest.param(
            OLD_EN,
            NEW_EN,
            "# 数据\n\n张量保存数字。\n",
            False,
            id="no slide blocks in the translation",
        ),
    ],
)
def test_superseded_only_when_this_update_brings_the_first_markers(
    old_en, new_en, old_zh, expected
):
    assert superseded(parse(old_en), parse(new_en), parse(old_zh)) is expected


def updater() -> Updater:
    return Updater("en", "zh", MemoryEngine())


def test_update_drops_the_slide_markup_and_places_the_markers():
    """The English's first markers: the slide blocks go, the kept book text gets the
    markers like any paragraph, and the report says what went (before this rule the
    slide blocks stayed beside the markers)."""
    text, report = updater().update(parse(OLD_EN), parse(NEW_EN), parse(OLD_ZH))
    assert ":begin_slide:" not in text and ":end_slide:" not in text
    assert "张量可以索引。" not in text and "### 广播" not in text
    assert "[**张量保存数字。**]我们可以索引它们。" in text
    assert "我们可以改变张量的形状。\n\n广播机制作用于形状不同的张量。\n" in text
    assert any("slide markup" in note for note in report.notes)


def test_update_without_new_markers_leaves_the_slides_byte_identical():
    """An ordinary edit keeps the translation's slide blocks: only the edited block changes."""
    new_en = OLD_EN.replace("Tensors hold numbers.", "Tensors hold many numbers.")
    text, report = updater().update(parse(OLD_EN), parse(new_en), parse(OLD_ZH))
    assert text.split("```\n", 1)[1] == OLD_ZH.split("```\n", 1)[1]
    assert text.startswith("# 数据\n\n:begin_slide:`keep`\nTensors hold many numbers.")
    assert not any("slide markup" in note for note in report.notes)
