"""Sections of a file: headings, their labels, where each section ends, and slugs."""

from __future__ import annotations

import pytest

from amts.book import document
from amts.book.sections import find_section, headings, slugify
from amts.errors import InputError

PATH = "chapter_basics/tensors.md"
TEXT = """\
张量
====
:label:`sec_tensors`

张量是数字数组。

## 创建张量

要创建张量，我们调用`arange`。

### 细节

细节在这里。

## 运算
:label:`sec_ops`

运算是按元素的。
"""


def test_headings_and_their_sections():
    """Levels, labels and section ends, checked by hand against TEXT."""
    found = headings(document.parse(TEXT, PATH))
    assert [(h.level, h.text, h.label) for h in found] == [
        (1, "张量", "sec_tensors"),
        (2, "创建张量", None),
        (3, "细节", None),
        (2, "运算", "sec_ops"),
    ]
    assert found[0].start == 0  # a setext heading
    assert TEXT[found[1].start : found[1].end].startswith("## 创建张量")
    assert TEXT[found[1].start : found[1].end].endswith("细节在这里。\n\n")
    assert found[0].end == len(TEXT)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        pytest.param("Creating Tensors", "creating-tensors", id="words"),
        pytest.param("Tensors: a Primer!", "tensors-a-primer", id="punctuation"),
        pytest.param("创建 张量", "创建-张量", id="chinese"),
    ],
)
def test_slugify(text, slug):
    """GitHub's heading anchors."""
    assert slugify(text) == slug


def test_an_unknown_section_names_the_known_labels():
    with pytest.raises(InputError, match=r"no section 'sec_nope'.*sec_tensors, sec_ops"):
        find_section(document.parse(TEXT, PATH), "sec_nope")


@pytest.mark.parametrize(
    ("section", "heading"),
    [
        pytest.param("sec_ops", "运算", id="label"),
        pytest.param("创建张量", "创建张量", id="words"),
        pytest.param("  细节 ", "细节", id="words with spaces"),
    ],
)
def test_find_section(section: str, heading: str) -> None:
    assert find_section(document.parse(TEXT, PATH), section).text == heading


def test_find_section_by_slug_and_case() -> None:
    text = "# Intro\n\n## Creating Tensors\n\nWords.\n"
    doc = document.parse(text, "en.md")
    assert find_section(doc, "creating-tensors").text == "Creating Tensors"
    assert find_section(doc, "creating tensors").text == "Creating Tensors"
