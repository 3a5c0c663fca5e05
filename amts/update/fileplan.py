"""One file's update, planned as edits of exact spans of its old translation.

Planning walks the English block diff (:func:`amts.update.diff.diff_blocks`): a deleted block
takes its translation with it, an inserted one is translated and placed after the
translation of the block before it, a moved one carries its human translation, a
modified prose block is handed to :class:`amts.update.prose.ProseEditor`, and code, math and
directives follow the new English. Sentences nobody has translated yet wait in
``pending`` until the engine has answered (:meth:`amts.update.updater.Updater.translate`);
then :meth:`FilePlan.apply` writes the new text and the report.
"""

from __future__ import annotations

from amts import __version__
from amts.align.aligner import (
    ALIGNER_VERSION,
    Alignment,
    Link,
    Segment,
    SentenceLink,
    sentence_segments,
)
from amts.book.document import Document, Kind
from amts.corpus.parallel import unit_text
from amts.engines.base import Translation
from amts.memory import TranslationMemory
from amts.update.blockplan import BlockPlan
from amts.update.changes import BlockChange, ChangeKind, Origin, SentenceResult, UpdateReport
from amts.update.code import merge_code
from amts.update.diff import Edit, diff_blocks, normalize
from amts.update.prose import ProseEditor
from amts.update.reuse import loosely_held, translated_already
from amts.update.spacing import Gap, joiner_for, render, separator, tidy
from amts.update.table import table_parts
from amts.update.textedit import LineNumbers, OffsetMap, TextEdit, apply_edits

UPDATE_VERSION = "3"
#: Never written into a translation: the target's front matter is its own.
_SKIPPED_KINDS = {Kind.FRONT_MATTER}


class FilePlan:
    """The planned edits of one translation, its pending sentences, then its new text."""

    def __init__(
        self,
        alignment: Alignment,
        new_source: Document,
        memories: list[TranslationMemory],
        *,
        engine: str,
        glossary_check,
        path: str = "",
    ) -> None:
        self.alignment = alignment
        self.old, self.new, self.target = alignment.source, new_source, alignment.target
        self.src_lang, self.tgt_lang = alignment.src_lang, alignment.tgt_lang
        self.memories = memories
        self.follows_glossary = glossary_check
        self.separator = separator(self.tgt_lang)
        self.report = UpdateReport(
            path=path, src_lang=self.src_lang, tgt_lang=self.tgt_lang, engine=engine
        )
        self.pending: list[SentenceResult] = []  # for the engine
        self.held_out: list[tuple[str, str]] = []  # human pairs to score the engine on
        self.blocks: list[BlockPlan] = []
        self.order = 0
        # Where an inserted block goes in the old translation: never before its front matter.
        first = self.target.blocks[0] if self.target.blocks else None
        self.cursor = first.end if first is not None and first.kind in _SKIPPED_KINDS else 0
        # Removed blocks get their spans once all are known (see _place_removals).
        self.removals: list[tuple[TextEdit, int]] = []
        self.untranslated_blocks: list[int] = []  # new English blocks with no translation
        self.block_link = {i: link for link in alignment.blocks for i in link.src}
        self.sentence_link: dict[tuple[int, int], SentenceLink] = {
            (segment.start, segment.end): slink
            for slink in alignment.sentences
            for segment in slink.src
        }
        self._sentences: dict[tuple[int, int], list[Segment]] = {}
        self.prose = ProseEditor(self)
        edits = list(diff_blocks(self.old, self.new))
        # Translated blocks that stay where they are, and those paired or reused already
        # (see amts.update.reuse): an inserted block looks for its translation before both.
        leaving = {e.old for e in edits if e.kind in (ChangeKind.DELETED, ChangeKind.MOVED)}
        self.leaving = leaving
        loose = {
            j
            for link in alignment.blocks
            for j in loosely_held(self.old, self.target, link.src, link.tgt)
        }
        self.staying_targets = {
            j
            for link in alignment.blocks
            if not set(link.src) <= leaving
            for j in link.tgt
            if j not in loose
        }
        self.taken_targets = {j for link in alignment.blocks for j in link.tgt} - loose
        for edit in edits:
            self._plan(edit)
        self._place_removals()

    # -- planning -----------------------------------------------------------------------

    def _plan(self, edit: Edit) -> None:
        kind = edit.kind
        old_block = self.old.blocks[edit.old] if edit.old is not None else None
        new_block = self.new.blocks[edit.new] if edit.new is not None else None
        if (old_block or new_block).kind in _SKIPPED_KINDS:
            return
        link = self.block_link.get(edit.old) if edit.old is not None else None
        has_target = link is not None and bool(link.tgt)
        if kind is ChangeKind.UNCHANGED:
            if has_target:
                self.cursor = self._target_span(link)[1]
            else:
                self.untranslated_blocks.append(edit.new)
        elif kind is ChangeKind.DELETED:
            if has_target:
                self._delete(edit.old, link)
        elif kind is ChangeKind.MOVED and has_target and link.src == (edit.old,):
            self._move(edit, link)
        elif kind in (ChangeKind.INSERTED, ChangeKind.MOVED) or not has_target:
            self._insert(edit.new, ChangeKind.INSERTED if kind is ChangeKind.MOVED else kind)
        else:
            if new_block.is_prose and not self._left_in_source(edit.old, link):
                self.prose.modify(edit.old, edit.new, link)
            else:
                self._modify_verbatim(edit.old, edit.new, link)
            self.cursor = max(self.cursor, self._target_span(link)[1])

    def sentences(self, document: Document, block: int) -> list[Segment]:
        """The sentences of one block of ``old`` or ``new``, split once: the prose editor
        and the report's character count ask for the same blocks. Read, never change."""
        key = (id(document), block)
        found = self._sentences.get(key)
        if found is None:
            found = self._sentences[key] = sentence_segments(document, [block], self.src_lang)
        return found

    def new_block_plan(self, kind: ChangeKind, old: int | None, new: int | None, link):
        old_block = self.old.blocks[old] if old is not None else None
        new_block = self.new.blocks[new] if new is not None else None
        target_blocks = link.tgt if link is not None else ()
        change = BlockChange(
            kind=kind,
            block_kind=(new_block or old_block).kind.value,
            old_source=old_block.text if old_block else None,
            new_source=new_block.text if new_block else None,
            old_target="".join(self.target.blocks[j].text for j in target_blocks) or None,
            new_target=None,
            confidence=link.confidence if link is not None else None,
        )
        plan = BlockPlan(change, target_blocks=target_blocks)
        self.blocks.append(plan)
        return plan

    def edit(self, plan: BlockPlan, start: int, end: int, parts: list) -> None:
        self.order += 1
        plan.edits.append(TextEdit(start, end, parts, self.order))

    def _delete(self, old: int, link: Link) -> None:
        plan = self.new_block_plan(ChangeKind.DELETED, old, None, link)
        split = self.prose.merged_heading(link)
        if split is not None:
            # A translated heading that held its paragraph: the other part stays, a heading
            # or a paragraph of its own.
            target = self.target.blocks[link.tgt[0]]
            if set(link.src) <= self.leaving:  # both go: the whole line, once
                if old == link.src[0]:
                    self._remove_block(plan, link.tgt[0])
            elif old == link.src[0]:
                self.edit(plan, target.start, split[1], [])
            else:
                self.edit(plan, split[0], target.start + target.content_span()[1], [])
            return
        if len(link.src) > 1:
            # The translation also covers English that stays: remove only this block's sentences.
            for segment in self.sentences(self.old, old):
                slink = self.sentence_link.get((segment.start, segment.end))
                if slink is not None and all(s.block == old for s in slink.src):
                    self.prose.remove_sentence(plan, slink)
            return
        for index in link.tgt:
            self._remove_block(plan, index)

    def _move(self, edit: Edit, link: Link) -> None:
        plan = self.new_block_plan(ChangeKind.MOVED, edit.old, edit.new, link)
        for index in link.tgt:
            self._remove_block(plan, index)
        text = "".join(self.target.blocks[j].text for j in link.tgt)
        for segment in self.sentences(self.new, edit.new):
            plan.change.sentences.append(
                SentenceResult(segment.of(self.new), "", Origin.KEPT, note="moved with its block")
            )
        self._insert_text(plan, edit.new, [text])

    def _insert(self, new: int, kind: ChangeKind) -> None:
        block = self.new.blocks[new]
        index = translated_already(
            block, self.target, self.cursor, stop=self.staying_targets, taken=self.taken_targets
        )
        if index is not None:
            self._reuse(new, index, kind)
            return
        plan = self.new_block_plan(kind, None, new, None)
        if block.is_prose:
            parts = self._translate_block(plan, new)
        else:
            parts = [block.text]
            plan.change.sentences.append(SentenceResult(block.text, block.text, Origin.VERBATIM))
        self._insert_text(plan, new, parts)

    def _reuse(self, new: int, index: int, kind: ChangeKind) -> None:
        """The old translation already has the inserted block (written from a newer English):
        it is kept where it is, not inserted again."""
        self.taken_targets.add(index)
        for old, link in self.block_link.items():
            if index in link.tgt:  # a loosely held block leaves the link it was attached to
                tgt = tuple(j for j in link.tgt if j != index)
                self.block_link[old] = Link(link.src, tgt, link.confidence)
        plan = self.new_block_plan(kind, None, new, Link((), (index,), 1.0))
        block = self.target.blocks[index]
        plan.change.new_target = block.text.strip("\n")
        plan.change.sentences.append(
            SentenceResult(
                self.new.blocks[new].text,
                block.text,
                Origin.KEPT,
                note="the old translation already had this block; kept, not inserted again",
            )
        )
        self.cursor = max(self.cursor, block.end)

    def _insert_text(self, plan: BlockPlan, new: int, parts: list) -> None:
        """Insert a block's text after the translation of the block before it, with the
        blank lines the new English has around it."""
        before, after = _blank_around(self.new, new)
        position, text = self.cursor, self.target.text
        if position == 0:
            parts = [*parts, after or ("\n" if text else "")]
        else:
            lead = "" if text[position - 1] == "\n" else "\n"
            parts = [lead + (before or ""), *parts]
            if not self.new.blocks[new].text.endswith("\n"):
                parts.append("\n")
        self.edit(plan, position, position, parts)

    def _left_in_source(self, old: int, link: Link) -> bool:
        """Translators leave some prose in English (d2l-zh: many figure captions); such text
        follows the English like code does."""
        if link.src != (old,) or len(link.tgt) != 1:
            return False
        target = self.target.blocks[link.tgt[0]].text
        return normalize(target) == normalize(self.old.blocks[old].text)

    def _modify_verbatim(self, old: int, new: int, link: Link) -> None:
        plan = self.new_block_plan(ChangeKind.MODIFIED, old, new, link)
        new_block = self.new.blocks[new]
        start, end = self._target_span(link)
        if new_block.kind is Kind.CODE and len(link.tgt) == 1:
            text = merge_code(
                new_block.text, self.target.text[start:end], self.old.blocks[old].text
            )
        else:
            text = new_block.text
        plan.change.sentences.append(SentenceResult(new_block.text, text, Origin.VERBATIM))
        self.edit(plan, start, end, [text])

    # -- translation --------------------------------------------------------------------

    def _translate_block(self, plan: BlockPlan, new: int) -> list:
        """A new prose block: its markup from the English, its sentences translated."""
        block = self.new.blocks[new]
        content_start, content_end = block.content_span()
        parts: list = [block.text[:content_start]]
        previous = None
        if block.kind is Kind.TABLE:
            return [*parts, *table_parts(self, plan, block.content), block.text[content_end:]]
        for segment in self.sentences(self.new, new):
            result = self.translate(plan, segment.of(self.new))
            if previous is not None:
                gap = self.new.text[previous[0].end : segment.start]
                parts.append("\n" if "\n" in gap else Gap(previous[1], result, self.separator))
            parts.append(result)
            previous = (segment, result)
        parts.append(block.text[content_end:])
        return parts

    def translate(self, plan: BlockPlan, sentence: str) -> SentenceResult:
        """The translation memory's answer now, or a place held for the engine's."""
        source = unit_text(sentence)
        self.report.changed_chars += len(source)
        match = next(filter(None, (m.lookup(source) for m in self.memories)), None)
        if match is not None:
            target = tidy(match.target, self.tgt_lang)
            result = SentenceResult(source, target, Origin.MEMORY, match.kind, match.score)
        else:
            result = SentenceResult(source, source, Origin.ENGINE)
            self.pending.append(result)
        plan.change.sentences.append(result)
        return result

    def receive(self, result: SentenceResult, translation: Translation) -> None:
        """The engine's answer for a pending sentence; none: left in English and flagged."""
        if translation.ok:
            result.target = tidy(translation.text, self.tgt_lang)
            result.detail, result.score = translation.origin, translation.score
        else:
            result.origin, result.target = Origin.UNTRANSLATED, result.source
            result.note = translation.note or "no translation"

    # -- removal spans ------------------------------------------------------------------

    def _target_span(self, link: Link) -> tuple[int, int]:
        return self._span_of(link.tgt)

    def _span_of(self, blocks: tuple[int, ...]) -> tuple[int, int]:
        return self.target.blocks[blocks[0]].start, self.target.blocks[blocks[-1]].end

    def _remove_block(self, plan: BlockPlan, index: int) -> None:
        """Remove target block ``index``; its span is set by :meth:`_place_removals`."""
        self.order += 1
        edit = TextEdit(-1, -1, [], self.order)
        plan.edits.append(edit)
        self.removals.append((edit, index))

    def _place_removals(self) -> None:
        """Spans of the removed blocks, decided once all are known: blocks removed at the end
        of the file take the blank lines before them, which must not be claimed twice."""
        removed = {index for _, index in self.removals}
        blocks = self.target.blocks
        kept = [j for j, b in enumerate(blocks) if b.kind is not Kind.BLANK and j not in removed]
        last_kept = kept[-1] if kept else -1
        for edit, index in self.removals:
            edit.start, edit.end = self._removal_span(index, index > last_kept, removed)

    def _removal_span(self, index: int, at_end: bool, removed: set[int]) -> tuple[int, int]:
        """A block and the blank lines after it (not under a kept block it sits right under);
        at the end of the file (only removed blocks after it), the blank lines before it
        unless the removed block before it took them."""
        blocks = self.target.blocks
        block = blocks[index]
        end = index + 1
        while end < len(blocks) and blocks[end].kind is Kind.BLANK:
            end += 1
        if not at_end:
            # Under a block that stays (a list item, a heading), the blank lines stay too:
            # without them the next paragraph would join that block.
            previous = index - 1
            under_kept = previous >= 0 and blocks[previous].kind is not Kind.BLANK
            if under_kept and previous not in removed and end > index + 1:
                return block.start, block.end
            return block.start, blocks[end].start
        start = index
        while start > 0 and blocks[start - 1].kind is Kind.BLANK:
            start -= 1
        if start > 0 and start - 1 in removed:
            start = index
        return blocks[start].start, blocks[end].start if end < len(blocks) else block.end

    # -- the new text and its report ------------------------------------------------------

    def apply(self) -> tuple[str, UpdateReport]:
        edits = [e for plan in self.blocks for e in plan.edits]
        text, refused = apply_edits(
            self.target.text, edits, render=render, joiner=joiner_for(self.tgt_lang)
        )
        old_lines = LineNumbers(self.target.text)
        for edit in refused:
            line = old_lines(edit.start)
            self.report.notes.append(
                f"line {line}: two changes touched the same translated text; the second was "
                "not applied, please check this place by hand"
            )
        refused_ids = {id(e) for e in refused}
        offsets = OffsetMap([e for e in edits if id(e) not in refused_ids])
        lines = LineNumbers(text)
        for plan in self.blocks:
            self._report_block(plan, text, offsets, refused_ids, lines)
        self._report_notes()
        return text, self.report

    def _report_block(
        self, plan: BlockPlan, text: str, offsets: OffsetMap, refused, lines: LineNumbers
    ) -> None:
        change = plan.change
        applied = [e for e in plan.edits if id(e) not in refused]
        if plan.target_blocks and change.kind is ChangeKind.MODIFIED:
            start, end = self._span_of(plan.target_blocks)
            # The block's own edits are in it; a block inserted right after it is not.
            new_start = min([offsets(start), *(e.new_start for e in applied)])
            new_end = max([offsets(end, before_insertions=True), *(e.new_end for e in applied)])
        elif applied and (
            change.kind in (ChangeKind.INSERTED, ChangeKind.MOVED) or not plan.target_blocks
        ):
            new_start, new_end = applied[-1].new_start, applied[-1].new_end
        else:
            new_start = new_end = -1
        if new_start >= 0:
            new_text = text[new_start:new_end]
            # The block's first line, not the blank line inserted before it.
            new_start += len(new_text) - len(new_text.lstrip("\n"))
            change.new_target = new_text.strip("\n")
            change.line = lines(new_start)
        self.report.changes.append(change)

    def _report_notes(self) -> None:
        report = self.report
        if all(block.kind is Kind.BLANK for block in self.target.blocks):
            report.notes.append(
                "the old translation is empty: only the English that changed was translated; "
                "the rest of the file needs a full translation"
            )
        elif self.untranslated_blocks:
            count, first = len(self.untranslated_blocks), self.untranslated_blocks[0]
            report.notes.append(
                f"{count} unchanged English block(s) have no counterpart in the old translation "
                f"and stay untranslated (first at line {self.new.blocks[first].line} of the new "
                "English); the translation may not follow its English, please check"
            )
        for change in report.changes:
            for sentence in change.sentences:
                if sentence.origin is Origin.UNTRANSLATED:
                    report.notes.append(f"untranslated (left in English): {sentence.source[:80]}")
        report.file_chars = sum(
            len(unit_text(s.of(self.new)))
            for index, block in enumerate(self.new.blocks)
            if block.is_prose
            for s in self.sentences(self.new, index)
        )
        # Two reports compare only when made the same way (sacrebleu's signatures, for AMTS).
        report.signature = (
            f"amts:{__version__}|update:{UPDATE_VERSION}|aligner:{ALIGNER_VERSION}"
            f"|engine:{report.engine}|langs:{self.src_lang}-{self.tgt_lang}"
            f"|memory:{sum(len(m) for m in self.memories)}"
        )


def _blank_around(document: Document, index: int) -> tuple[str, str]:
    """The blank lines before and after a block, as the new English has them."""
    blocks = document.blocks
    before = blocks[index - 1].text if index > 0 and blocks[index - 1].kind is Kind.BLANK else ""
    after = (
        blocks[index + 1].text
        if index + 1 < len(blocks) and blocks[index + 1].kind is Kind.BLANK
        else ""
    )
    return before, after
