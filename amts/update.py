"""Carry a change of the English source into its translation, touching only what changed.

The old English is aligned with the old translation; the old English is diffed
against the new. Each English edit then becomes an edit of exact spans of the
old translation:

- an unchanged block keeps its translation byte for byte (nothing is written);
- a modified prose block is diffed sentence by sentence: unchanged sentences keep
  their human translation, changed and new ones are translated (memory first,
  then the engine), deleted ones lose their translation;
- code, math and directives follow the new English (code keeps translated
  comments on untouched lines, see :mod:`amts.code`); figure captions are prose;
- a deleted block takes its translation with it; an inserted block is translated
  and placed after the translation of the block before it; a moved block moves
  its human translation.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from amts.align import Aligner, Alignment, Link, Segment, SentenceLink, sentence_segments
from amts.anchors import FeatureExtractor
from amts.changes import BlockChange, ChangeKind, Origin, SentenceResult, UpdateReport
from amts.code import merge_code
from amts.diff import Edit, diff_blocks, diff_sequences, normalize
from amts.document import Block, Document, Kind
from amts.engines.base import Engine
from amts.glossary import Glossary
from amts.markers import project_markers, strip_markers
from amts.memory import TranslationMemory
from amts.parallel import unit_text
from amts.quality import evaluate_engine
from amts.sentences import normalize_language
from amts.textedit import OffsetMap, TextEdit, apply_edits

log = logging.getLogger(__name__)

UPDATE_VERSION = "1"
_CJK = {"zh", "ja"}
_WIDE = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_WIDE}])[ \t]+(?=[{_WIDE}])")
#: Never written into a translation: the target's front matter is its own.
_SKIPPED_KINDS = {Kind.FRONT_MATTER}


@dataclass
class _BlockPlan:
    change: BlockChange
    edits: list[TextEdit] = field(default_factory=list)
    target_blocks: tuple[int, ...] = ()


class Updater:
    """Updates translations of one language pair with one engine and translation memory."""

    def __init__(
        self,
        src_lang: str,
        tgt_lang: str,
        engine: Engine,
        memory: TranslationMemory | None = None,
        glossary: Glossary | None = None,
        *,
        evaluate: int = 20,
    ) -> None:
        self.evaluate = evaluate  # held-out sentences to score a paid engine on (0: none)
        self.src_lang = normalize_language(src_lang)
        self.tgt_lang = normalize_language(tgt_lang)
        self.engine = engine
        self.memory = memory
        self.aligner = Aligner(self.src_lang, self.tgt_lang, glossary)

    def update(
        self, old_source: Document, new_source: Document, old_target: Document, path: str = ""
    ) -> tuple[str, UpdateReport]:
        """The new translation's text and the report of what was done."""
        alignment = self.aligner.align(old_source, old_target)
        # The file's own pairs first: a sentence moved within the file keeps its translation.
        memories = [TranslationMemory.from_alignment(alignment)]
        if self.memory is not None:
            memories.append(self.memory)
        run = _Run(self, alignment, new_source, memories, path)
        text, report = run.execute()
        if self.evaluate and self.engine.name != "memory" and report.chars_sent:
            self._evaluate(alignment, report)
        return text, report

    def _evaluate(self, alignment: Alignment, report: UpdateReport) -> None:
        """BLEU and chrF of the engine on already-translated sentences of the same file,
        the AMTS write-up's way of telling reviewers how far to trust the new sentences."""
        pairs = [
            (
                unit_text(" ".join(s.of(alignment.source) for s in link.src)),
                unit_text("".join(t.of(alignment.target) for t in link.tgt)),
            )
            for link in alignment.sentences
            if len(link.src) == 1 and len(link.tgt) == 1
        ]
        evaluation = evaluate_engine(
            self.engine, pairs, src_lang=self.src_lang, tgt_lang=self.tgt_lang, size=self.evaluate
        )
        report.quality = evaluation.quality
        if evaluation.chars_sent:
            report.notes.append(
                f"quality check: {evaluation.chars_sent} characters of held-out sentences "
                "were sent to the engine (not counted in the update's cost)"
            )


class _Run:
    """One file's update: plan the edits, translate what is missing, apply."""

    def __init__(
        self,
        updater: Updater,
        alignment: Alignment,
        new_source: Document,
        memories: list[TranslationMemory],
        path: str,
    ) -> None:
        self.updater = updater
        self.alignment = alignment
        self.old = alignment.source
        self.new = new_source
        self.target = alignment.target
        self.memories = memories
        self.report = UpdateReport(
            path=path,
            src_lang=updater.src_lang,
            tgt_lang=updater.tgt_lang,
            engine=updater.engine.name,
        )
        self.pending: list[SentenceResult] = []
        self.plans: list[_BlockPlan] = []
        self.order = 0
        # Where an inserted block goes in the old translation: never before its front matter.
        blocks = self.target.blocks
        front = blocks[0] if blocks and blocks[0].kind in _SKIPPED_KINDS else None
        self.cursor = front.end if front is not None else 0
        # Removed blocks get their spans once all are known (see _plan_removals).
        self.removals: list[tuple[TextEdit, int]] = []
        self.untranslated_blocks: list[int] = []  # new English blocks with no translation
        self.block_link: dict[int, Link] = {}
        for link in alignment.blocks:
            for index in link.src:
                self.block_link[index] = link
        self.sentence_link: dict[tuple[int, int], SentenceLink] = {}
        for slink in alignment.sentences:
            for segment in slink.src:
                self.sentence_link[(segment.start, segment.end)] = slink
        self.separator = "" if updater.tgt_lang in _CJK else " "
        self.anchors = FeatureExtractor(lowercase_terms=False)

    # -- the plan ---------------------------------------------------------------------

    def execute(self) -> tuple[str, UpdateReport]:
        for edit in diff_blocks(self.old, self.new):
            self._plan(edit)
        self._plan_removals()
        self._translate_pending()
        edits = [e for plan in self.plans for e in plan.edits]
        joiner = _latin_joiner if self.updater.tgt_lang in _CJK else None
        text, refused = apply_edits(self.target.text, edits, render=_render, joiner=joiner)
        for edit in refused:
            line = self.target.text.count("\n", 0, edit.start) + 1
            self.report.notes.append(
                f"line {line}: two changes touched the same translated text; the second was "
                "not applied, please check this place by hand"
            )
        self._finish_report(text, edits, refused)
        return text, self.report

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
                self.cursor = self._target_end(link)
            else:
                self.untranslated_blocks.append(edit.new)
            return
        if kind is ChangeKind.DELETED:
            if has_target:
                self._delete(edit.old, link)
            return
        if kind is ChangeKind.MOVED and has_target and link.src == (edit.old,):
            self._move(edit, link)
            return
        if kind in (ChangeKind.INSERTED, ChangeKind.MOVED) or not has_target:
            self._insert(edit.new, ChangeKind.INSERTED if kind is ChangeKind.MOVED else kind)
            return
        if new_block.is_prose and not self._left_in_source(edit.old, link):
            self._modify_prose(edit.old, edit.new, link)
        else:
            self._modify_verbatim(edit.old, edit.new, link)
        self.cursor = max(self.cursor, self._target_end(link))

    def _new_plan(self, kind: ChangeKind, old: int | None, new: int | None, link: Link | None):
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
        plan = _BlockPlan(change, target_blocks=target_blocks)
        self.plans.append(plan)
        return plan

    def _edit(self, plan: _BlockPlan, start: int, end: int, parts: list) -> None:
        self.order += 1
        plan.edits.append(TextEdit(start, end, parts, self.order))

    # -- block edits -----------------------------------------------------------------

    def _delete(self, old: int, link: Link) -> None:
        plan = self._new_plan(ChangeKind.DELETED, old, None, link)
        if len(link.src) > 1:
            # The translation also covers English that stays: remove only this block's sentences.
            for segment in sentence_segments(self.old, [old], self.updater.src_lang):
                slink = self.sentence_link.get((segment.start, segment.end))
                if slink is not None and all(s.block == old for s in slink.src):
                    self._remove_sentence(plan, slink)
            return
        for index in link.tgt:
            self._remove_block(plan, index)

    def _move(self, edit: Edit, link: Link) -> None:
        plan = self._new_plan(ChangeKind.MOVED, edit.old, edit.new, link)
        for index in link.tgt:
            self._remove_block(plan, index)
        text = "".join(self.target.blocks[j].text for j in link.tgt)
        for segment in sentence_segments(self.new, [edit.new], self.updater.src_lang):
            plan.change.sentences.append(
                SentenceResult(segment.of(self.new), "", Origin.KEPT, note="moved with its block")
            )
        self._insert_text(plan, edit.new, [text])

    def _insert(self, new: int, kind: ChangeKind) -> None:
        plan = self._new_plan(kind, None, new, None)
        block = self.new.blocks[new]
        if block.is_prose:
            parts = self._translate_block(plan, new)
        else:
            parts = [block.text]
            plan.change.sentences.append(SentenceResult(block.text, block.text, Origin.VERBATIM))
        self._insert_text(plan, new, parts)

    def _insert_text(self, plan: _BlockPlan, new: int, parts: list) -> None:
        """Insert a block's text after the translation of the block before it."""
        before, after = _blank_around(self.new, new)
        position = self.cursor
        text = self.target.text
        if position == 0:
            parts = [*parts, after or "\n"]
        else:
            lead = "" if text[position - 1] == "\n" else "\n"
            parts = [lead + (before or ""), *parts]
            if not self.new.blocks[new].text.endswith("\n"):
                parts.append("\n")
        self._edit(plan, position, position, parts)

    def _left_in_source(self, old: int, link: Link) -> bool:
        """Translators leave some prose in English (d2l-zh: many figure captions); such text
        follows the English like code does."""
        if link.src != (old,) or len(link.tgt) != 1:
            return False
        target = self.target.blocks[link.tgt[0]].text
        return normalize(target) == normalize(self.old.blocks[old].text)

    def _modify_verbatim(self, old: int, new: int, link: Link) -> None:
        plan = self._new_plan(ChangeKind.MODIFIED, old, new, link)
        new_block = self.new.blocks[new]
        start, end = self._target_span(link)
        current = self.target.text[start:end]
        if new_block.kind is Kind.CODE and len(link.tgt) == 1:
            text = merge_code(new_block.text, current)
        else:
            text = new_block.text
        plan.change.sentences.append(SentenceResult(new_block.text, text, Origin.VERBATIM))
        self._edit(plan, start, end, [text])

    def _modify_prose(self, old: int, new: int, link: Link) -> None:
        plan = self._new_plan(ChangeKind.MODIFIED, old, new, link)
        old_block, new_block = self.old.blocks[old], self.new.blocks[new]
        self._reconcile_markup(plan, old_block, new_block, link)
        old_sentences = sentence_segments(self.old, [old], self.updater.src_lang)
        new_sentences = sentence_segments(self.new, [new], self.updater.src_lang)
        edits = diff_sequences(
            [_sentence_key(s.of(self.old)) for s in old_sentences],
            [_sentence_key(s.of(self.new)) for s in new_sentences],
        )
        cursor = self._sentence_cursor(old, link)
        # A translation shared by several sentences is redone whole when one of them changed
        # (known before the loop: its unchanged members must not be reported as kept).
        dirty: dict[int, SentenceLink] = {}
        for edit in edits:
            if edit.kind is not ChangeKind.UNCHANGED and edit.old is not None:
                segment = old_sentences[edit.old]
                slink = self.sentence_link.get((segment.start, segment.end))
                if slink is not None and len(slink.src) > 1:
                    dirty[id(slink)] = slink
        handled: set[int] = set()
        for edit in edits:
            old_seg = old_sentences[edit.old] if edit.old is not None else None
            new_seg = new_sentences[edit.new] if edit.new is not None else None
            slink = self.sentence_link.get((old_seg.start, old_seg.end)) if old_seg else None
            if edit.kind is ChangeKind.UNCHANGED:
                if slink is not None:
                    cursor = max(cursor, _span(slink.tgt)[1])
                    if id(slink) not in dirty:
                        self._keep_sentence(plan, old_seg.of(self.old), new_seg.of(self.new), slink)
                continue
            if edit.kind is ChangeKind.DELETED:
                if slink is not None and len(slink.src) == 1:
                    self._remove_sentence(plan, slink)
                continue
            if edit.kind is ChangeKind.MODIFIED and slink is not None and len(slink.src) == 1:
                target = "".join(t.of(self.target) for t in slink.tgt)
                if normalize(target) == normalize(old_seg.of(self.old)):
                    start, end = _span(slink.tgt)
                    self._edit(plan, start, end, [new_seg.of(self.new)])
                    plan.change.sentences.append(
                        SentenceResult(
                            new_seg.of(self.new),
                            new_seg.of(self.new),
                            Origin.VERBATIM,
                            note="left in English by the translators; follows it",
                        )
                    )
                    cursor = max(cursor, end)
                    continue
                reason = self._still_current(old_seg.of(self.old), new_seg.of(self.new), slink)
                if reason:
                    self._keep_sentence(plan, old_seg.of(self.old), new_seg.of(self.new), slink)
                    plan.change.sentences[-1].note = reason
                    cursor = max(cursor, _span(slink.tgt)[1])
                    continue
                result = self._translate(plan, new_seg.of(self.new))
                start, end = _span(slink.tgt)
                self._edit(plan, start, end, [result])
                cursor = max(cursor, end)
                continue
            if edit.kind is ChangeKind.MOVED and slink is not None and len(slink.src) == 1:
                # Moved inside the paragraph: its human translation moves with it.
                self._remove_sentence(plan, slink)
                start, end = _span(slink.tgt)
                result = SentenceResult(
                    new_seg.of(self.new),
                    self.target.text[start:end],
                    Origin.KEPT,
                    note="moved within its paragraph",
                )
                plan.change.sentences.append(result)
                self._insert_sentence(plan, cursor, result)
                continue
            if slink is not None and len(slink.src) > 1:
                handled.add(edit.new)
                continue  # rewritten with its group below
            result = self._translate(plan, new_seg.of(self.new))
            self._insert_sentence(plan, cursor, result)
        for slink in dirty.values():
            self._rewrite_group(plan, slink, edits, old_sentences, new_sentences)

    def _rewrite_group(self, plan, slink, edits, old_sentences, new_sentences) -> None:
        """A translation shared by several English sentences, one of which changed: the
        group's new sentences are translated again as a whole."""
        members = {(s.start, s.end) for s in slink.src}
        new_members = []
        for edit in edits:
            if edit.old is None or edit.new is None:
                continue
            old_seg = old_sentences[edit.old]
            if (old_seg.start, old_seg.end) in members:
                new_members.append(new_sentences[edit.new].of(self.new))
        start, end = _span(slink.tgt)
        if not new_members:
            self._edit(plan, start, end, [])
            return
        parts: list = []
        for sentence in new_members:
            result = self._translate(plan, sentence)
            if parts:
                parts.append(_Gap(parts[-1], result, self.separator))
            parts.append(result)
        self._edit(plan, start, end, parts)

    def _reconcile_markup(self, plan, old_block: Block, new_block: Block, link: Link) -> None:
        """Heading level, list marker or figure target changed: the translation follows."""
        if len(link.tgt) != 1 or len(link.src) != 1:
            return
        target = self.target.blocks[link.tgt[0]]
        old_start, old_end = old_block.content_span()
        new_start, new_end = new_block.content_span()
        tgt_start, tgt_end = target.content_span()
        old_prefix, new_prefix = old_block.text[:old_start], new_block.text[:new_start]
        if old_prefix != new_prefix and target.text[:tgt_start] == old_prefix:
            self._edit(plan, target.start, target.start + tgt_start, [new_prefix])
        old_suffix, new_suffix = old_block.text[old_end:], new_block.text[new_end:]
        if old_suffix != new_suffix and target.text[tgt_end:] == old_suffix:
            self._edit(plan, target.start + tgt_end, target.end, [new_suffix])

    # -- sentence edits ----------------------------------------------------------------

    def _still_current(self, old: str, new: str, slink: SentenceLink) -> str:
        """Why the human translation of an edited sentence still holds, or ``""``."""
        target = "".join(t.of(self.target) for t in slink.tgt)
        number_only = _number_only_edit(old, new, self.updater.tgt_lang)
        if number_only and self._follows_glossary(new, target):
            return "the English only changed singular/plural, which the translation does not mark"
        anchors_of = self.anchors
        old_anchors, new_anchors = anchors_of(old).anchors, anchors_of(new).anchors
        target_anchors = anchors_of(target).anchors
        if new_anchors and new_anchors == target_anchors and old_anchors != target_anchors:
            return "the translation already follows the new English (numbers, code, math)"
        return ""

    def _follows_glossary(self, source: str, target: str) -> bool:
        """A translation kept through an edit must use the team's terms: one that does not
        is due for revision anyway."""
        source_terms = self.updater.aligner.source_features(source).anchors
        target_terms = self.updater.aligner.target_features(target).anchors
        wanted = {key for key in source_terms if key.startswith("g:")}
        return wanted <= set(target_terms)

    def _keep_sentence(self, plan, old: str, new: str, slink: SentenceLink) -> None:
        """An unchanged sentence keeps its translation; if the English only gained or lost
        d2l's highlight markers, the translation follows (see :mod:`amts.markers`)."""
        target = "".join(t.of(self.target) for t in slink.tgt)
        result = SentenceResult(new, target, Origin.KEPT)
        plan.change.sentences.append(result)
        if normalize(old) == normalize(new):
            return
        projected = project_markers(new, target) if len(slink.tgt) == 1 else None
        if projected is None or len(slink.src) > 1:
            result.note = "the English changed its highlight markers; add them by hand"
            return
        if projected != target:
            start, end = _span(slink.tgt)
            self._edit(plan, start, end, [projected])
            result.target = projected
            result.note = "highlight markers placed at the nearest clause boundary; please check"

    def _remove_sentence(self, plan: _BlockPlan, slink: SentenceLink) -> None:
        """Remove a sentence's translation, and its line when it had one to itself."""
        start, end = _span(slink.tgt)
        text = self.target.text
        while end < len(text) and text[end] in " \t":
            end += 1
        at_line_start = start == 0 or text[start - 1] == "\n"
        at_line_end = end == len(text) or text[end] == "\n"
        if at_line_start and at_line_end:
            if end + 1 < len(text) and text[end + 1] != "\n":
                end += 1  # the paragraph goes on: take this line's break with it
            elif start >= 2 and text[start - 2] != "\n":
                start -= 1  # the paragraph's last line: take the break before it
        elif at_line_end:
            while start > 0 and text[start - 1] in " \t":
                start -= 1
        self._edit(plan, start, end, [])

    def _insert_sentence(self, plan: _BlockPlan, cursor: int, result: SentenceResult) -> None:
        text = self.target.text
        if cursor < len(text) and text[cursor] == "\n":
            parts = ["\n", result]
        elif cursor > 0 and text[cursor - 1] not in "\n":
            parts = [_Gap(text[cursor - 1], result, self.separator), result]
        elif _paragraph_goes_on(text, cursor):
            parts = [result, "\n"]  # a paragraph written line by line: a line of its own
        else:
            parts = [result, _Gap(result, text[cursor : cursor + 1], self.separator)]
        self._edit(plan, cursor, cursor, parts)

    def _sentence_cursor(self, old: int, link: Link) -> int:
        """Where a sentence inserted at the start of ``old`` goes in the translation."""
        cursor = None
        for earlier in link.src:
            if earlier >= old:
                break
            for segment in sentence_segments(self.old, [earlier], self.updater.src_lang):
                slink = self.sentence_link.get((segment.start, segment.end))
                if slink is not None:
                    cursor = max(cursor or 0, _span(slink.tgt)[1])
        if cursor is not None:
            return cursor
        first = self.target.blocks[link.tgt[0]]
        return first.start + first.content_span()[0]

    # -- translation ------------------------------------------------------------------

    def _translate_block(self, plan: _BlockPlan, new: int) -> list:
        """A new prose block: its markup from the English, its sentences translated."""
        block = self.new.blocks[new]
        content_start, content_end = block.content_span()
        segments = sentence_segments(self.new, [new], self.updater.src_lang)
        parts: list = [block.text[:content_start]]
        previous = None
        for segment in segments:
            result = self._translate(plan, segment.of(self.new))
            if previous is not None:
                gap = self.new.text[previous[0].end : segment.start]
                parts.append("\n" if "\n" in gap else _Gap(previous[1], result, self.separator))
            parts.append(result)
            previous = (segment, result)
        parts.append(block.text[content_end:])
        return parts

    def _translate(self, plan: _BlockPlan, sentence: str) -> SentenceResult:
        source = unit_text(sentence)
        self.report.changed_chars += len(source)
        match = next(filter(None, (m.lookup(source) for m in self.memories)), None)
        if match is not None:
            target = self._tidy(match.target)
            result = SentenceResult(source, target, Origin.MEMORY, match.kind, match.score)
        else:
            result = SentenceResult(source, source, Origin.ENGINE)
            self.pending.append(result)
        plan.change.sentences.append(result)
        return result

    def _tidy(self, text: str) -> str:
        """Corpora keep a unit on one line (a line break became a space); Chinese and
        Japanese put no space between their characters."""
        return _CJK_SPACE.sub("", text) if self.updater.tgt_lang in _CJK else text

    def _translate_pending(self) -> None:
        if not self.pending:
            return
        engine = self.updater.engine
        before = engine.chars_sent
        translations = engine.translate(
            [r.source for r in self.pending],
            src_lang=self.updater.src_lang,
            tgt_lang=self.updater.tgt_lang,
        )
        # A paid engine counts what it really sent (it skips duplicates and code-only
        # segments); for the free memory engine, count what a paid one would be sent.
        spent = engine.chars_sent - before
        handed = sum(len(r.source) for r in self.pending)
        self.report.chars_sent += spent if engine.name != "memory" else handed
        for result, translation in zip(self.pending, translations, strict=True):
            if translation.ok:
                result.target = self._tidy(translation.text)
                result.detail = translation.origin
                result.score = translation.score
            else:
                result.origin = Origin.UNTRANSLATED
                result.target = result.source
                result.note = translation.note or "no translation"

    # -- spans ------------------------------------------------------------------------

    def _target_span(self, link: Link) -> tuple[int, int]:
        first, last = self.target.blocks[link.tgt[0]], self.target.blocks[link.tgt[-1]]
        return first.start, last.end

    def _target_end(self, link: Link) -> int:
        return self._target_span(link)[1]

    def _remove_block(self, plan: _BlockPlan, index: int) -> None:
        """Remove target block ``index``; its span is set by :meth:`_plan_removals`."""
        self.order += 1
        edit = TextEdit(-1, -1, [], self.order)
        plan.edits.append(edit)
        self.removals.append((edit, index))

    def _plan_removals(self) -> None:
        """Spans of the removed blocks, decided once all are known: blocks removed at the end
        of the file take the blank lines before them, which must not be claimed twice."""
        removed = {index for _, index in self.removals}
        blocks = self.target.blocks
        kept = [j for j, b in enumerate(blocks) if b.kind is not Kind.BLANK and j not in removed]
        last_kept = kept[-1] if kept else -1
        for edit, index in self.removals:
            edit.start, edit.end = self._block_removal_span(index, index > last_kept, removed)

    def _block_removal_span(self, index: int, at_end: bool, removed: set[int]) -> tuple[int, int]:
        """A block and the blank lines after it; at the end of the file (only removed blocks
        after it), the blank lines before it unless the removed block before it took them."""
        blocks = self.target.blocks
        block = blocks[index]
        end = index + 1
        while end < len(blocks) and blocks[end].kind is Kind.BLANK:
            end += 1
        if not at_end:
            return block.start, blocks[end].start
        start = index
        while start > 0 and blocks[start - 1].kind is Kind.BLANK:
            start -= 1
        if start > 0 and start - 1 in removed:
            start = index
        return blocks[start].start, blocks[end].start if end < len(blocks) else block.end

    # -- report -----------------------------------------------------------------------

    def _finish_report(self, text: str, edits: list[TextEdit], refused: list[TextEdit]) -> None:
        offsets = OffsetMap([e for e in edits if e not in refused])
        for plan in self.plans:
            change = plan.change
            applied = [e for e in plan.edits if e not in refused]
            if plan.target_blocks and change.kind is ChangeKind.MODIFIED:
                start, end = self._target_span_of(plan.target_blocks)
                # The block's own edits are in it; a block inserted right after it is not.
                new_start = min([offsets(start), *(e.new_start for e in applied)])
                new_end = max([offsets(end, before_insertions=True), *(e.new_end for e in applied)])
            elif applied and (
                change.kind in (ChangeKind.INSERTED, ChangeKind.MOVED) or not plan.target_blocks
            ):
                inserted = applied[-1]
                new_start, new_end = inserted.new_start, inserted.new_end
            else:
                new_start = new_end = -1
            if new_start >= 0:
                new_text = text[new_start:new_end]
                # The block's first line, not the blank line inserted before it.
                new_start += len(new_text) - len(new_text.lstrip("\n"))
                change.new_target = new_text.strip("\n")
                change.line = text.count("\n", 0, new_start) + 1
            self.report.changes.append(change)
        if all(block.kind is Kind.BLANK for block in self.target.blocks):
            self.report.notes.append(
                "the old translation is empty: only the English that changed was translated; "
                "the rest of the file needs a full translation"
            )
        elif self.untranslated_blocks:
            count, first = len(self.untranslated_blocks), self.untranslated_blocks[0]
            self.report.notes.append(
                f"{count} unchanged English block(s) have no counterpart in the old translation "
                f"and stay untranslated (first at line {self.new.blocks[first].line} of the new "
                "English); the translation may not follow its English, please check"
            )
        for change in self.report.changes:
            for sentence in change.sentences:
                if sentence.origin is Origin.UNTRANSLATED:
                    self.report.notes.append(
                        f"untranslated (left in English): {sentence.source[:80]}"
                    )
        self.report.file_chars = sum(
            len(unit_text(s.of(self.new)))
            for index, block in enumerate(self.new.blocks)
            if block.is_prose
            for s in sentence_segments(self.new, [index], self.updater.src_lang)
        )
        self.report.signature = (
            f"amts:update-{UPDATE_VERSION}|engine:{self.report.engine}"
            f"|align:{self.alignment.src_lang}-{self.alignment.tgt_lang}"
            f"|memory:{sum(len(m) for m in self.memories)}"
        )

    def _target_span_of(self, blocks: tuple[int, ...]) -> tuple[int, int]:
        return self.target.blocks[blocks[0]].start, self.target.blocks[blocks[-1]].end


_WORDS = re.compile(r"[^\W_]+")
_PLURAL = re.compile(r"(?<=[a-z]{3})(?:es|s)$")
#: Languages whose nouns do not mark number: "notebook" and "notebooks" translate alike.
_NO_NOUN_NUMBER = frozenset({"zh", "ja", "ko"})


def _number_only_edit(old: str, new: str, tgt_lang: str) -> bool:
    """The English only changed singular and plural nouns, which the target does not mark.

    Measured on the replay cases: following such edits costs kept human sentences and
    gains nothing; case, punctuation and article edits, in contrast, are followed
    (maintainers re-translate those), see ``bench/replay_bench.py``.
    """
    if tgt_lang not in _NO_NOUN_NUMBER:
        return False

    def words(text: str) -> list[str]:
        return [_PLURAL.sub("", w) for w in _WORDS.findall(strip_markers(text))]

    return words(old) == words(new) and normalize(old) != normalize(new)


def _sentence_key(sentence: str) -> str:
    """d2l's highlight markers (``[** … **]``) mark, they do not say: adding them is no edit."""
    return normalize(strip_markers(sentence))


class _Gap:
    """The space between two sentences, decided once both are known: none between Chinese
    sentences, one where English (left untranslated) meets English."""

    def __init__(self, left: object, right: object, default: str) -> None:
        self.left, self.right, self.default = left, right, default

    def render(self) -> str:
        left, right = _render(self.left), _render(self.right)
        if left and right and _is_narrow_text(left[-1]) and _is_narrow_text(right[0]):
            return " "
        return self.default


def _is_narrow_text(char: str) -> bool:
    return not char.isspace() and not _is_wide(char)


def _is_wide(char: str) -> bool:
    """CJK characters and full-width punctuation, which need no space around them."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _latin_joiner(left: str, right: str) -> str:
    """In Chinese text, an English sentence left untranslated still needs a space after its
    full stop when more English follows."""
    if left in ".!?;:" and not _is_wide(right) and (right.isalnum() or right in "`$[(*"):
        return " "
    return ""


def _render(part: object) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, SentenceResult):
        return part.target
    return part.render()


def _span(segments: tuple[Segment, ...]) -> tuple[int, int]:
    return segments[0].start, segments[-1].end


def _paragraph_goes_on(text: str, line_start: int) -> bool:
    """A non-blank line follows the one starting at ``line_start`` (a paragraph written over
    several lines, or the block after it with no blank line between)."""
    end = text.find("\n", line_start)
    if end == -1:
        return False
    following = text.find("\n", end + 1)
    return bool(text[end + 1 : following if following != -1 else len(text)].strip())


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
