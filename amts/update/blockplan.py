"""The planned edits of one block, and what a block editor may ask of its file's plan.

Both :mod:`amts.update.fileplan` and :mod:`amts.update.prose` work on these; keeping
them here lets the dependency run one way (the file plan uses the prose editor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from amts.align.aligner import Segment, SentenceLink
from amts.book.document import Document
from amts.update.changes import BlockChange, ChangeKind, SentenceResult
from amts.update.textedit import TextEdit


@dataclass
class BlockPlan:
    change: BlockChange
    edits: list[TextEdit] = field(default_factory=list)
    target_blocks: tuple[int, ...] = ()


class PlanEditing(Protocol):
    """The part of a file plan that the prose editor reads and edits through."""

    old: Document
    new: Document
    target: Document
    src_lang: str
    tgt_lang: str
    separator: str
    sentence_link: dict[tuple[int, int], SentenceLink]
    leaving: set[int]  # old blocks deleted or moved away
    follows_glossary: Callable[[str, str], bool]

    def new_block_plan(
        self, kind: ChangeKind, old: int | None, new: int | None, link
    ) -> BlockPlan: ...

    def sentences(self, document: Document, block: int) -> list[Segment]: ...

    def edit(self, plan: BlockPlan, start: int, end: int, parts: list) -> None: ...

    def translate(self, plan: BlockPlan, sentence: str) -> SentenceResult: ...
