"""The markdown model: block kinds, exact spans, byte-for-byte round trip, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from amts.book import document
from amts.book.document import Kind
from amts.errors import InputError, MarkupError

FIXTURES = Path(__file__).parents[1] / "fixtures"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in document.parse(text).blocks if b.kind != Kind.BLANK]


def test_structures_fixture_blocks():
    """Every d2lbook construct of the fixture becomes its own block, in order."""
    doc = document.load(FIXTURES / "structures.md")
    got = [(b.kind.value, b.line) for b in doc.blocks if b.kind != Kind.BLANK]
    assert got == [
        ("heading", 1),
        ("directive", 2),
        ("paragraph", 4),
        ("heading", 8),
        ("list_item", 11),
        ("list_item", 13),
        ("list_item", 14),
        ("list_item", 16),
        ("list_item", 17),
        ("code", 19),
        ("code", 27),
        ("math", 31),
        ("directive", 32),
        ("math", 34),
        ("figure", 40),
        ("directive", 41),
        ("directive", 42),
        ("tab_begin", 44),
        ("paragraph", 45),
        ("tab_end", 46),
        ("table", 48),
        ("quote", 52),
        ("html", 54),
        ("rule", 58),
        ("paragraph", 60),
        ("paragraph", 63),
    ]


@pytest.mark.parametrize("name", ["structures.md", "crlf.md", "odd_characters.md"])
def test_round_trip_fixtures(name):
    """Joining the blocks gives back the file byte for byte."""
    data = (FIXTURES / name).read_bytes()
    doc = document.load(FIXTURES / name)
    assert "".join(b.text for b in doc.blocks).encode("utf-8") == data
    offsets = [b.start for b in doc.blocks]
    assert offsets == sorted(offsets)
    assert all(doc.text[b.start : b.end] == b.text for b in doc.blocks)


def test_round_trip_shared_books(shared_d2l):
    """Every chapter file of the pinned en, zh and pt books round-trips (639 files)."""
    files = sorted(shared_d2l.rglob("*.md"))
    assert len(files) >= 600
    for path in files:
        doc = document.load(path)
        assert "".join(b.text for b in doc.blocks) == doc.text, path
        assert doc.text.encode("utf-8") == path.read_bytes(), path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("# Title\n", [("heading", "# Title\n")], id="heading"),
        pytest.param(
            "## Title\n:label:`sec_t`\n",
            [("heading", "## Title\n"), ("directive", ":label:`sec_t`\n")],
            id="heading with :label:",
        ),
        pytest.param(
            "Some text\n:label:`x`\n",
            [("paragraph", "Some text\n"), ("directive", ":label:`x`\n")],
            id="label after paragraph is not a lazy continuation",
        ),
        pytest.param(
            ":numref:`fig_x` shows a plot.\n",
            [("paragraph", ":numref:`fig_x` shows a plot.\n")],
            id="role at line start is prose",
        ),
        pytest.param(
            "We have\n$$x = 1$$\nwhere x is one.\n",
            [
                ("paragraph", "We have\n"),
                ("math", "$$x = 1$$\n"),
                ("paragraph", "where x is one.\n"),
            ],
            id="display math inside a paragraph",
        ),
        pytest.param(
            ":begin_tab: `mxnet, pytorch`\nText.\n:end_tab:\n",
            [
                ("tab_begin", ":begin_tab: `mxnet, pytorch`\n"),
                ("paragraph", "Text.\n"),
                ("tab_end", ":end_tab:\n"),
            ],
            id="tab region with a space",
        ),
        pytest.param(
            "````\n```\ninner\n```\n````\n",
            [("code", "````\n```\ninner\n```\n````\n")],
            id="longer fence contains a shorter one",
        ),
        pytest.param(
            "![Caption](../img/a.svg)\n", [("figure", "![Caption](../img/a.svg)\n")], id="figure"
        ),
        pytest.param(
            "1. one\n    * nested\n",
            [("list_item", "1. one\n"), ("list_item", "    * nested\n")],
            id="nested list item is its own block",
        ),
    ],
)
def test_block_kinds(text, expected):
    """Each construct is recognized with its exact text."""
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "content"),
    [
        pytest.param("## A *title*\n", "A *title*", id="heading"),
        pytest.param("* an item\n  continued\n", "an item\n  continued", id="list item"),
        pytest.param("1. numbered\n", "numbered", id="numbered item"),
        pytest.param("![The caption.](../img/a.svg)\n", "The caption.", id="figure caption"),
        pytest.param("> quoted\n", "quoted", id="quote"),
        pytest.param("Plain text.\n", "Plain text.", id="paragraph"),
    ],
)
def test_content(text, content):
    """A block's content is what a translator translates, without markdown syntax."""
    (block,) = [b for b in document.parse(text).blocks if b.kind != Kind.BLANK]
    assert block.content == content


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('Intro.\n\n[d2l]: https://d2l.ai "Dive"\n\nSee [d2l].\n', id="definition"),
        pytest.param(
            "[**编码器**]:numref:`sec_t`中的编码器。\n",
            id="marked phrase right before a role, no space after",
        ),
        pytest.param("# Title\n[a]: https://a.org\nText.\n", id="definition under a heading"),
    ],
)
def test_link_reference_definitions(text):
    """A line read as a link reference definition ("[label]:target") parses: a sync once
    wrote "[**…**]:numref:`…`" and every parse of that file died in mistletoe (no root node)."""
    doc = document.parse(text)
    assert "".join(b.text for b in doc.blocks) == text
    assert {b.kind for b in doc.blocks} <= {Kind.PARAGRAPH, Kind.HEADING, Kind.BLANK}


def test_labels():
    doc = document.parse("# T\n:label:`sec_a`\n\n$$x$$\n:eqlabel:`eq_b`\n")
    assert doc.labels == ["sec_a", "eq_b"]


def test_unclosed_fence_names_file_and_line(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("# T\n\n```python\nx = 1\n", encoding="utf-8")
    with pytest.raises(MarkupError, match=r"broken\.md:3: code fence '```' is never closed"):
        document.load(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "file is empty", id="empty"),
        pytest.param(b"  \n\n", "file is empty", id="blank"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file", id="binary"),
        pytest.param("caf\u00e9".encode("latin-1") + b"\n", "not UTF-8", id="latin-1"),
    ],
)
def test_bad_input(tmp_path, data, message):
    """Unusable files raise an InputError that names the file."""
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        document.load(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        document.load(tmp_path / "nope.md")
