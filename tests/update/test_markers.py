"""d2l's highlight markers: stripped for comparison, projected onto a translation."""

from __future__ import annotations

import pytest

from amts.update.markers import place_markers, project_markers, strip_markers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[**Add one.**]", "Add one.", id="square markers"),
        pytest.param("(**Add one.**)", "Add one.", id="round markers"),
        pytest.param("We [**add**] one (**here**).", "We add one here.", id="inside a sentence"),
        pytest.param("[**加一。**]", "加一。", id="translation"),
        pytest.param("**bold** and *em*", "**bold** and *em*", id="emphasis is not a marker"),
        pytest.param("a[*b*]c and (x)", "a[*b*]c and (x)", id="brackets without two stars"),
        pytest.param("[**unclosed", "unclosed", id="a lone marker is still stripped"),
        pytest.param("", "", id="empty"),
    ],
)
def test_strip_markers(text, expected):
    """Only the four marker tokens are removed; everything else is kept."""
    assert strip_markers(text) == expected


@pytest.mark.parametrize(
    ("english", "translation", "expected"),
    [
        pytest.param(
            "[**We add one.**]", "我们加一。", "[**我们加一。**]", id="whole sentence, square"
        ),
        pytest.param(
            "(**We add one.**)", "我们加一。", "(**我们加一。**)", id="whole sentence, round"
        ),
        pytest.param(
            "We first compute x, [**then we add one.**]",
            "我们首先计算x，然后我们加一。",
            "我们首先计算x，[**然后我们加一。**]",
            id="second clause: opens after the comma",
        ),
        pytest.param(
            "[**We first compute x,**] then we add one.",
            "我们首先计算x，然后我们加一。",
            "[**我们首先计算x**]，然后我们加一。",
            id="first clause: closes before the comma",
        ),
        pytest.param(
            "First, [**second**], third.",
            "第一，第二，第三。",
            "第一，[**第二**]，第三。",
            id="middle clause",
        ),
        pytest.param(
            "[**A,**] [**B.**]", "甲，乙。", "[**甲**]，[**乙。**]", id="two pairs, two clauses"
        ),
        pytest.param(
            "We [**add**] one.", "我们加一。", "[**我们加一。**]", id="no clause boundary: whole"
        ),
        pytest.param(
            "[**We add one.**]", "[**我们加一。**]", "[**我们加一。**]", id="already marked"
        ),
        pytest.param("We add one.", "[**我们加一。**]", "我们加一。", id="markers dropped"),
        pytest.param(
            "Compute x, then add one.",
            "计算x，然后加一。",
            "计算x，然后加一。",
            id="no markers: unchanged",
        ),
    ],
)
def test_project_markers(english, translation, expected):
    """The English's markers land on the translation's nearest clause boundaries."""
    assert project_markers(english, translation) == expected


@pytest.mark.parametrize(
    ("english", "translation"),
    [
        pytest.param("[**A,**] [**B.**]", "甲乙。", id="two pairs, one clause"),
        pytest.param("[**One,**] two, [**three.**]", "一二三。", id="two pairs, no comma"),
    ],
)
def test_markers_that_do_not_fit_give_none(english, translation):
    """When two marker pairs would land on the same clause, projection gives up (None)."""
    assert project_markers(english, translation) is None


@pytest.mark.parametrize(
    ("english", "translation", "expected", "exact"),
    [
        pytest.param(
            "[**We add one.**]", "我们加一。", "[**我们加一。**]", True, id="fits: projected"
        ),
        pytest.param(
            "We [**sort**] and [**count**] the cards, then stop.",
            "我们把卡片排序并计数，然后停下。",
            "[**我们把卡片排序并计数**]，然后停下。",
            False,
            id="two spans in one clause: that whole clause",
        ),
        pytest.param(
            "First we wait, then we compute the [**mean**] of all the values in this list, "
            "and so on.",
            "首先我们等待，然后我们计算这个列表中所有值的平均值，等等。",
            "首先我们等待，[**然后我们计算这个列表中所有值的平均值**]，等等。",
            False,
            id="one span inside a middle clause: that clause",
        ),
        pytest.param(
            "[**One,**] two, [**three.**]",
            "一二三。",
            "[**一二三。**]",
            False,
            id="no clause boundary: the whole sentence",
        ),
        pytest.param(
            "We wait, then we [**sort**] the cards [**by colour**], and stop.",
            "我们等待，\n然后我们按颜色把卡片排序，\n最后停下。",
            "我们等待，\n[**然后我们按颜色把卡片排序**]，\n最后停下。",
            False,
            id="a sentence over several lines: the clause on its line",
        ),
        pytest.param(
            "(**We**) sort [**the cards**], then stop.",
            "我们把卡片排序，然后停下。",
            "(**我们把卡片排序，然后停下。**)",
            False,
            id="two kinds in one clause: the whole sentence, the first kind",
        ),
    ],
)
def test_place_markers_falls_back_to_whole_clauses(english, translation, expected, exact):
    """Markers that do not fit at clause boundaries are widened, never dropped."""
    assert place_markers(english, translation) == (expected, exact)


@pytest.mark.parametrize(
    ("english", "translation", "expected"),
    [
        pytest.param(
            "(**To start, we import `torch`.",
            "首先，我们导入 `torch`。",
            "(**首先，我们导入 `torch`。",
            id="opens here, closes in a later sentence",
        ),
        pytest.param(
            "Note that we import `torch`.**)",
            "请注意，我们导入 `torch`。",
            "请注意，我们导入 `torch`。**)",
            id="opened in an earlier sentence, closes here",
        ),
        pytest.param(
            "we stop here,**] and then [**we go on",
            "我们停在这里，然后我们继续",
            "我们停在这里**]，[**然后我们继续",
            id="closes, then opens again",
        ),
        pytest.param(
            "Tensors are arrays.**) We [**add**] them, and stop.",
            "张量是数组。我们把它们相加，然后停下。",
            "张量是数组。我们把它们相加，然后停下。**)",
            id="a span reaching in wins over the sentence's own pair that does not fit",
        ),
    ],
)
def test_spans_over_several_sentences_place_the_end_each_sentence_has(
    english, translation, expected
):
    """A marker span covering several sentences: each sentence gets the marker it holds,
    so the translation's span covers the same sentences (before, neither was placed)."""
    placed, _ = place_markers(english, translation)
    assert placed == expected
    assert strip_markers(placed) == translation
