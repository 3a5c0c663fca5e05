"""The book's markdown as an ordered list of blocks that join back to the file byte for byte.

d2lbook adds structure that plain markdown does not know: `:label:` lines under
headings, `$$` display math with `:eqlabel:`, `:begin_tab:`/`:end_tab:` regions and
fences tagged for a framework. Those lines are found first, line by line; the
prose between them is handed to mistletoe, which tells headings, paragraphs, list
items, tables, quotes and HTML apart. Every block keeps its exact source, so an
update can rewrite one block and leave every other byte of the file alone.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from amts import files
from amts.collector import without_collection
from amts.errors import InputError, MarkupError

if TYPE_CHECKING:
    from mistletoe import block_token


#: Changes whenever parsing gives other blocks for the same text (cached documents are keyed by it).
PARSER_VERSION = "1"


class Kind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"
    QUOTE = "quote"
    FIGURE = "figure"
    CODE = "code"
    MATH = "math"
    DIRECTIVE = "directive"
    TAB_BEGIN = "tab_begin"
    TAB_END = "tab_end"
    HTML = "html"
    RULE = "rule"
    FRONT_MATTER = "front_matter"
    BLANK = "blank"


#: Blocks whose words a translator translates.
PROSE_KINDS = frozenset(
    {Kind.HEADING, Kind.PARAGRAPH, Kind.LIST_ITEM, Kind.TABLE, Kind.QUOTE, Kind.FIGURE}
)
#: Blocks a translation copies from the English: code, math and d2lbook's directives.
VERBATIM_KINDS = frozenset({Kind.CODE, Kind.MATH, Kind.DIRECTIVE, Kind.TAB_BEGIN, Kind.TAB_END})

_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
#: Roles are inline markup inside prose; any other ``:name:`` alone on a line is a directive
#: (``:label:``, ``:width:``, ``:begin_tab:``, ``:begin_slide:`` …).
ROLES = frozenset({"numref", "ref", "eqref", "cite", "citet", "citep", "doc", "math"})
_DIRECTIVE = re.compile(
    r"^[ \t]*:(?P<name>(?!(?:" + "|".join(sorted(ROLES)) + r"):)[a-z_]+):"
    r"[ \t]*(?:`[^`]*`)?[ \t]*\r?$"
)
_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z_][\w-]*:")
_MATH_OPEN = re.compile(r"^[ \t]*\$\$")
# A figure is "![caption](target)" alone in its block; see _figure_caption.
_FIGURE_HEAD = re.compile(r"[ \t]*!\[")
_FIGURE_TAIL = re.compile(r"\)[ \t]*\r?\n?$")
_HEADING_PREFIX = re.compile(r"^[ \t]*#{1,6}[ \t]*")
_LIST_PREFIX = re.compile(r"^[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]+")
_QUOTE_PREFIX = re.compile(r"^[ \t]*>[ \t]?")
_DIRECTIVE_KINDS = {"begin_tab": Kind.TAB_BEGIN, "end_tab": Kind.TAB_END}
# A line that starts a block or ends one, nearly whatever surrounds it: an ATX heading, a
# list item, a setext underline or a rule.
_BLOCK_LINE = re.compile(
    r" {0,3}(?:(?:#{1,6}|[*+-]|\d{1,9}[.)])(?:[ \t]|\r?\n|$)|(?:=+|-+|\*+|_+)[ \t]*\r?\n?$)"
)

#: A file of more blocks than this is refused. Every block costs its own plan, edit and
#: report entry (about 30 µs and 2 KB, whatever its kind): 1 MB of "## A" lines is 200,000
#: headings, 7.9 s and 420 MB, where 1 MB of prose is 9,300 blocks; d2l's largest file has
#: 490 (bench/pathological_bench.py).
MAX_BLOCKS = 40_000
#: A paragraph (lines with no blank between) with more lines than this starting with "["
#: is refused: mistletoe reads a run of link reference definitions ("[a]: b") copying the
#: rest of the run for each one, so its time grows with the square of the run (1 MB of
#: them: 6.7 s). d2l has no such run longer than a few lines.
MAX_BRACKET_LINES = 1_000


@dataclass(frozen=True, slots=True)
class Block:
    """A run of whole lines of the source, ``text`` exactly as in the file."""

    kind: Kind
    text: str
    start: int
    line: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def is_prose(self) -> bool:
        return self.kind in PROSE_KINDS

    @property
    def directive(self) -> str | None:
        """The directive's name (``label``, ``eqlabel``, ``begin_tab`` …) for directive lines."""
        match = _DIRECTIVE.match(self.text)
        return match["name"] if match else None

    def content_span(self) -> tuple[int, int]:
        """Where the words are inside ``text``: without a heading's ``#``, a list marker,
        a quote's ``>``, a figure's target, or the final line break."""
        end = len(self.text.rstrip("\r\n"))
        prefix = None
        if self.kind is Kind.HEADING:
            prefix = _HEADING_PREFIX.match(self.text)
        elif self.kind is Kind.LIST_ITEM:
            prefix = _LIST_PREFIX.match(self.text)
        elif self.kind is Kind.QUOTE:
            prefix = _QUOTE_PREFIX.match(self.text)
        elif self.kind is Kind.FIGURE and (caption := _figure_caption(self.text)):
            return caption
        start = prefix.end() if prefix else 0
        return start, max(start, end)

    @property
    def content(self) -> str:
        start, end = self.content_span()
        return self.text[start:end]


@dataclass(frozen=True)
class Document:
    """A parsed markdown file: ``"".join(b.text for b in blocks) == text``."""

    text: str
    blocks: tuple[Block, ...]
    path: str | None = None

    def __str__(self) -> str:
        return self.text

    @property
    def prose(self) -> list[Block]:
        return [block for block in self.blocks if block.is_prose]

    @cached_property
    def labels(self) -> list[str]:
        """Every ``:label:`` and ``:eqlabel:`` value, in order: what links into this section."""
        return re.findall(r":(?:eq)?label:`([^`]+)`", self.text)


def _lines(text: str) -> list[str]:
    """Split after each ``\\n`` only: ``str.splitlines`` would also split at form feeds."""
    lines = text.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    char, size = fence[0], len(fence)
    closing = re.compile(rf"^[ \t]*{re.escape(char)}{{{size},}}[ \t]*\r?\n?$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    return None


def _math_end(lines: list[str], start: int) -> int:
    """Last line of a display-math block opened at ``start``.

    ``$$…$$`` on one line closes at once; otherwise the block runs to the line that
    ends with ``$$`` (d2l writes ``$$`` on its own line or at the end of the formula).
    An unclosed ``$$`` stops at the next blank line, as markdown renderers do.
    """
    first = lines[start].strip()
    if len(first) > 2 and "$$" in first[2:]:
        return start
    for index in range(start + 1, len(lines)):
        line = lines[index].strip()
        if not line:
            return index - 1
        if "$$" in line:
            return index
    return len(lines) - 1


#: Quotes nested deeper than this are refused: mistletoe copies a line once per level, so
#: 1 MB of "> > > …" took 519 MB before it gave up (bench/pathological_bench.py).
MAX_QUOTE_DEPTH = 50


def _where(path: str | None, index: int) -> str:
    """Where line ``index`` (from 0) is, for an error a maintainer can go to."""
    return f"{path}:{index + 1}" if path else f"line {index + 1}"


def _check_bracket_lines(lines: list[str], first: int, stop: int, path: str | None) -> None:
    if stop - first <= MAX_BRACKET_LINES:
        return  # too short to hold that many: nothing to count
    count = 0
    for index in range(first, stop):
        if lines[index].lstrip(" ").startswith("["):
            count += 1
            if count > MAX_BRACKET_LINES:
                raise MarkupError(
                    f"{_where(path, first)}: more than {MAX_BRACKET_LINES:,} lines of one "
                    "paragraph start with '[' (link reference definitions?); separate them "
                    "with blank lines"
                )


def _check_quote_depth(lines: list[str], first: int, stop: int, path: str | None) -> None:
    for index in range(first, stop):
        line = lines[index]
        prefix = len(line) - len(line.lstrip("> \t"))
        if line.count(">", 0, prefix) > MAX_QUOTE_DEPTH:
            raise MarkupError(
                f"{_where(path, index)}: quotes nested more than {MAX_QUOTE_DEPTH} deep; "
                "flatten them"
            )


@cache
def _mistletoe_kinds() -> dict[type, Kind]:
    """mistletoe's block tokens as our kinds. mistletoe is imported on the first parse, not
    with this module: its import builds tables over all of Unicode, which every command
    that never parses markdown (``--help``, ``amts serve``'s web side) would pay."""
    from mistletoe import block_token

    return {
        block_token.Heading: Kind.HEADING,
        block_token.SetextHeading: Kind.HEADING,
        block_token.Paragraph: Kind.PARAGRAPH,
        block_token.ListItem: Kind.LIST_ITEM,
        block_token.Table: Kind.TABLE,
        block_token.Quote: Kind.QUOTE,
        block_token.HtmlBlock: Kind.HTML,
        block_token.ThematicBreak: Kind.RULE,
        block_token.BlockCode: Kind.CODE,
        block_token.CodeFence: Kind.CODE,
    }


def load_parser() -> None:
    """Import the markdown parser now rather than on the first parse: processes forked
    afterwards then share it instead of each importing it."""
    _mistletoe_kinds()


def _prose_blocks(lines: list[str]) -> list[tuple[Kind, int, int]]:
    """(kind, first, last) line ranges, relative to ``lines``, of a region without d2l structure."""
    from mistletoe import block_token

    starts: list[tuple[int, Kind]] = []
    # mistletoe loses count of lines when the last one has no line break.
    terminated = [*lines[:-1], lines[-1].rstrip("\n") + "\n"]
    # A Document, not bare tokenize(): a link reference definition ("[label]: target", which
    # "[**marked**]:numref:`x` …" also is) is stored on the root node mistletoe's Document
    # sets, and raises AttributeError on None without one.
    for token in block_token.Document(terminated).children:
        if isinstance(token, block_token.List):
            starts.extend((line - 1, Kind.LIST_ITEM) for line in _item_lines(token))
        else:
            kind = _mistletoe_kinds().get(type(token), Kind.PARAGRAPH)
            starts.append((token.line_number - 1, kind))
    if not starts:
        return [(Kind.PARAGRAPH, 0, len(lines) - 1)]
    starts[0] = (0, starts[0][1])
    ranges = []
    for index, (start, kind) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        ranges.append((kind, start, stop - 1))
    return ranges


def _item_lines(token: block_token.List) -> list[int]:
    """First lines of a list's items, nested items included: each is a unit of translation."""
    from mistletoe import block_token

    lines = []
    for item in token.children:
        lines.append(item.line_number)
        for child in item.children:
            if isinstance(child, block_token.List):
                lines.extend(_item_lines(child))
    return lines


def _figure_caption(text: str) -> tuple[int, int] | None:
    """Where the caption of the figure ``text`` is, or None if ``text`` is no figure.

    The caption runs from "![" to the last "](" before the closing ")", with no ")" in the
    target (as ``![(?P<caption>.*)\\]\\([^)]*\\)`` would have it, without retrying each
    "](" of a long line).
    """
    head = _FIGURE_HEAD.match(text)
    tail = _FIGURE_TAIL.search(text, head.end()) if head else None
    if head is None or tail is None:
        return None
    close = tail.start()
    split = text.rfind("](", head.end(), close)
    if split == -1 or ")" in text[split + 2 : close]:
        return None
    return head.end(), split


def _figure_or(kind: Kind, text: str) -> Kind:
    if kind is Kind.PARAGRAPH and _figure_caption(text):
        return Kind.FIGURE
    return kind


class _Builder:
    """Collects blocks from line ranges, splitting trailing blank lines into their own block;
    refuses more than ``MAX_BLOCKS`` of them."""

    def __init__(self, lines: list[str], path: str | None) -> None:
        self.lines = lines
        self.path = path
        self.offsets = [0]
        for line in lines:
            self.offsets.append(self.offsets[-1] + len(line))
        self.blocks: list[Block] = []

    def add(self, kind: Kind, first: int, last: int) -> None:
        if kind is not Kind.BLANK:
            content_last = last
            while content_last > first and not self.lines[content_last].strip():
                content_last -= 1
            if content_last < last:
                self.add(kind, first, content_last)
                self.add(Kind.BLANK, content_last + 1, last)
                return
        self.expect(1)
        text = "".join(self.lines[first : last + 1])
        if kind is Kind.PARAGRAPH:
            kind = _figure_or(kind, text)
        self.blocks.append(Block(kind, text, self.offsets[first], first + 1))

    def expect(self, count: int) -> None:
        """Refuse the file before ``count`` more blocks would make it more than MAX_BLOCKS."""
        if len(self.blocks) + count > MAX_BLOCKS:
            raise MarkupError(
                f"{self.path or 'the text'}: more than {MAX_BLOCKS:,} blocks (headings, "
                "paragraphs, list items, …); AMTS does not carry a file that large: split it"
            )


@without_collection
def parse(text: str, path: str | None = None) -> Document:
    """Parse d2lbook markdown; raises :class:`MarkupError` for a code fence never closed or
    nesting too deep to follow."""
    from mistletoe import block_token, span_token
    from mistletoe.html_renderer import HtmlRenderer

    # The renderer's context is how mistletoe enables HTML blocks, which it leaves out by
    # default. Its token tables are globals, hence the lock (parsing holds the GIL anyway).
    with _MISTLETOE, HtmlRenderer():
        # Only the blocks are wanted: mistletoe's inline parsing (emphasis, links) takes
        # time quadratic in a paragraph's length on unclosed openers, so it is left out.
        span_token._token_types = [span_token.RawText]
        try:
            return _parse(text, path)
        except RecursionError:
            raise MarkupError(
                f"{path or 'the text'}: lists or quotes are nested too deeply to follow "
                "(hundreds of levels); flatten them"
            ) from None
        finally:
            block_token.Paragraph.parse_setext = True  # a Quote cut short leaves it off


_MISTLETOE = threading.Lock()


def _front_matter_end(lines: list[str]) -> int | None:
    """Last line of YAML front matter (``---`` … ``---`` at the top, ``key: value`` inside)."""
    if not lines or lines[0].rstrip() != "---" or len(lines) < 3:
        return None
    if not _FRONT_MATTER_KEY.match(lines[1]):
        return None
    for index in range(1, min(len(lines), 100)):
        if lines[index].rstrip() in ("---", "..."):
            return index
    return None


def _parse(text: str, path: str | None) -> Document:
    lines = _lines(text)
    builder = _Builder(lines, path)
    index, region_start = 0, None
    if (end := _front_matter_end(lines)) is not None:
        builder.add(Kind.FRONT_MATTER, 0, end)
        index = end + 1

    def flush_region(stop: int) -> None:
        nonlocal region_start
        if region_start is None:
            return
        _check_quote_depth(lines, region_start, stop, path)
        _check_bracket_lines(lines, region_start, stop, path)
        if stop - region_start > MAX_BLOCKS - len(builder.blocks):
            # Refused before mistletoe reads 100,000s of one-line blocks (6 s a MB of them).
            builder.expect(sum(1 for k in range(region_start, stop) if _BLOCK_LINE.match(lines[k])))
        for kind, first, last in _prose_blocks(lines[region_start:stop]):
            builder.add(kind, region_start + first, region_start + last)
        region_start = None

    while index < len(lines):
        line = lines[index]
        if not line.strip():
            flush_region(index)
            last = index
            while last + 1 < len(lines) and not lines[last + 1].strip():
                last += 1
            builder.add(Kind.BLANK, index, last)
            index = last + 1
            continue
        if fence := _FENCE.match(line):
            closing = _closing_fence(lines, index, fence["fence"])
            if closing is None:
                raise MarkupError(
                    f"{_where(path, index)}: code fence {_shown(fence['fence'])} is never closed; "
                    "close it so code is not mistaken for prose"
                )
            flush_region(index)
            builder.add(Kind.CODE, index, closing)
            index = closing + 1
            continue
        if _MATH_OPEN.match(line):
            flush_region(index)
            last = _math_end(lines, index)
            builder.add(Kind.MATH, index, last)
            index = last + 1
            continue
        if directive := _DIRECTIVE.match(line):
            flush_region(index)
            builder.add(_DIRECTIVE_KINDS.get(directive["name"], Kind.DIRECTIVE), index, index)
            index += 1
            continue
        if region_start is None:
            region_start = index
        index += 1
    flush_region(len(lines))
    return Document(text, tuple(builder.blocks), path)


def _shown(markup: str, limit: int = 20) -> str:
    """``markup`` quoted for a message, cut short: a fence can be a megabyte of backticks."""
    return repr(markup) if len(markup) <= limit else f"{markup[:limit]!r}… ({len(markup)} chars)"


def decode(data: bytes, path: str | Path) -> str:
    """UTF-8 text of a markdown file, or an :class:`InputError` that says what is wrong."""
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    return files.decode(data, path, "markdown file")


def load(path: str | Path) -> Document:
    """Read and parse a markdown file; every failure is an :class:`InputError` naming it."""
    text = files.read_text(path, "markdown file")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return parse(text, str(path))
