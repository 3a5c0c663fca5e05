"""Sections of a book's file: each heading, its ``:label:`` and the text up to the next
heading as high.

d2l names a section by the ``:label:`` under its heading (``:numref:`` links use it), and
people by the heading's words or GitHub's anchor slug of them; ``/amts retranslate
PATH#LABEL`` accepts all three.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from amts.book.document import Block, Document, Kind
from amts.errors import InputError

_LABEL = re.compile(r":label:`([^`]+)`")
_SETEXT = re.compile(r"\n[ \t]*=+[ \t]*\r?\n?$")
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


@dataclass(frozen=True)
class Heading:
    """A heading of a file: its level, words, ``:label:`` and the span of its section."""

    level: int
    text: str
    label: str | None
    start: int
    end: int  # where the next heading of the same or a higher level starts

    @property
    def slug(self) -> str:
        return slugify(self.text)


def slugify(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def headings(doc: Document) -> list[Heading]:
    """Every heading of ``doc`` with its section, i.e. up to the next heading as high."""
    found: list[tuple[int, str, str | None, int]] = []
    blocks = doc.blocks
    for index, block in enumerate(blocks):
        if block.kind is not Kind.HEADING:
            continue
        found.append(
            (
                _level(block),
                _words(block),
                _label_after(blocks, index),
                block.start,
            )
        )
    result = []
    for number, (level, text, label, start) in enumerate(found):
        end = next((later[3] for later in found[number + 1 :] if later[0] <= level), len(doc.text))
        result.append(Heading(level, text, label, start, end))
    return result


def _words(block: Block) -> str:
    """A heading's words on one line (a setext heading's underline is not words)."""
    content = block.content if block.text.lstrip().startswith("#") else block.text.split("\n")[0]
    return " ".join(content.split())


def _level(block: Block) -> int:
    stripped = block.text.lstrip()
    if stripped.startswith("#"):
        return len(stripped) - len(stripped.lstrip("#"))
    return 1 if _SETEXT.search(block.text) else 2


def _label_after(blocks: Sequence[Block], index: int) -> str | None:
    """The ``:label:`` directive right under a heading (d2l's way to name a section)."""
    for block in blocks[index + 1 :]:
        if block.kind is Kind.BLANK:
            continue
        match = _LABEL.search(block.text) if block.directive == "label" else None
        return match[1] if match else None
    return None


def find_section(doc: Document, section: str) -> Heading:
    """The heading ``section`` names: its ``:label:``, its words, or their slug."""
    wanted = " ".join(section.split())
    all_headings = headings(doc)
    for test in (
        lambda h: h.label == wanted,
        lambda h: h.text == wanted,
        lambda h: h.text.casefold() == wanted.casefold(),
        lambda h: h.slug == slugify(wanted),
    ):
        for heading in all_headings:
            if test(heading):
                return heading
    labels = [h.label for h in all_headings if h.label]
    known = ", ".join(labels) if labels else ", ".join(h.text for h in all_headings) or "none"
    raise InputError(
        f"{doc.path}: no section {section!r}: give a heading's :label: or its words "
        f"(this file has: {known})"
    )
