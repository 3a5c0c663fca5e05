"""Block and sentence alignment on small hand-made file pairs."""

from __future__ import annotations

import pytest

from amts.align.aligner import Aligner
from amts.book.document import parse

EN = (
    "# Title\n\nThe intro comes first.\n\n## Data Loading\n\n"
    "We read the data from disk. We keep it in memory for later use.\n\n"
    "## Training\n\nThen we train the model.\n"
)
MERGED_ZH = (
    "# 标题\n\n引言在前。\n\n## 数据加载 我们从磁盘读取数据。我们将其保存在内存中供以后使用。\n\n"
    "## 训练\n\n然后我们训练模型。\n"
)


def pairs(english: str, translation: str) -> tuple[list, list]:
    """(English texts, translated texts) of each block link and sentence link."""
    alignment = Aligner("en", "zh").align(parse(english), parse(translation))
    source, target = alignment.source, alignment.target
    blocks = [
        (
            "".join(source.blocks[i].text for i in link.src),
            "".join(target.blocks[j].text for j in link.tgt),
        )
        for link in alignment.blocks
    ]
    sentences = [
        ([s.of(source) for s in link.src], [t.of(target) for t in link.tgt])
        for link in alignment.sentences
    ]
    return blocks, sentences


def test_heading_merged_with_its_paragraph_pairs_with_both():
    """A translated heading line that also holds the paragraph below it pairs with the English
    heading and paragraph, and its sentences with theirs: the heading's words up to the space."""
    blocks, sentences = pairs(EN, MERGED_ZH)
    assert (
        "## Data Loading\nWe read the data from disk. We keep it in memory for later use.\n",
        "## 数据加载 我们从磁盘读取数据。我们将其保存在内存中供以后使用。\n",
    ) in blocks
    assert (["Data Loading"], ["数据加载"]) in sentences
    assert (["We read the data from disk."], ["我们从磁盘读取数据。"]) in sentences
    kept = (["We keep it in memory for later use."], ["我们将其保存在内存中供以后使用。"])
    assert kept in sentences


@pytest.mark.parametrize(
    "translation",
    [
        pytest.param(
            MERGED_ZH.replace(
                "## 数据加载 我们从磁盘读取数据。我们将其保存在内存中供以后使用。",
                "## 数据加载\n\n我们从磁盘读取数据。我们将其保存在内存中供以后使用。",
            ),
            id="heading and paragraph apart",
        ),
        pytest.param(
            MERGED_ZH.replace(
                "## 数据加载 我们从磁盘读取数据。我们将其保存在内存中供以后使用。",
                "## 数据的加载\n\n我们从磁盘读取数据。我们将其保存在内存中供以后使用。",
            ),
            id="a slightly longer heading",
        ),
    ],
)
def test_heading_of_a_headings_length_pairs_only_with_the_heading(translation):
    """Only a paragraph-long translated heading may stand for a heading and its paragraph."""
    blocks, _ = pairs(EN, translation)
    headings = [pair for pair in blocks if pair[0].startswith("## Data")]
    assert len(headings) == 1
    assert headings[0][0] == "## Data Loading\n"
