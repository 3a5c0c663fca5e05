"""Carrying an edit of one English paragraph into its translation, sentence by sentence.

The old and new English sentences are diffed; an unchanged sentence keeps its human
translation (gaining highlight markers if the English did), a deleted one loses it,
a changed or new one is translated and put exactly where its translation belongs,
with the translation's own line layout. Translations shared by several English
sentences (a translator merged them) are redone whole when one of them changed.
"""

from __future__ import annotations

from amts.align.aligner import Link, Segment, SentenceLink
from amts.book.document import Block, Kind
from amts.update.blockplan import BlockPlan, PlanEditing
from amts.update.changes import ChangeKind, Origin, SentenceResult
from amts.update.diff import Edit, diff_sequences, normalize
from amts.update.keep import sentence_key, still_current
from amts.update.markers import place_markers
from amts.update.spacing import Gap
from amts.update.table import table_parts


def span(segments: tuple[Segment, ...]) -> tuple[int, int]:
    return segments[0].start, segments[-1].end


class ProseEditor:
    """Sentence-level edits of a file plan's translation."""

    def __init__(self, file: PlanEditing) -> None:
        self.file = file
        self.text = file.target.text
        # Translated headings that held their paragraph, split again: where each paragraph
        # now starts (see _split_heading).
        self.split_at: set[int] = set()

    def _slink(self, segment: Segment | None) -> SentenceLink | None:
        if segment is None:
            return None
        return self.file.sentence_link.get((segment.start, segment.end))

    def _target(self, slink: SentenceLink) -> str:
        return "".join(t.of(self.file.target) for t in slink.tgt)

    def modify(self, old: int, new: int, link: Link) -> None:
        file = self.file
        plan = file.new_block_plan(ChangeKind.MODIFIED, old, new, link)
        self._reconcile_markup(plan, file.old.blocks[old], file.new.blocks[new], link)
        split = self.merged_heading(link)
        if split is not None and split[1] not in self.split_at and not set(link.src) & file.leaving:
            # The English around it changed: the heading and its paragraph part again.
            self.split_at.add(split[1])
            file.edit(plan, split[0], split[1], ["\n\n"])
        old_sentences = file.sentences(file.old, old)
        new_sentences = file.sentences(file.new, new)
        edits = diff_sequences(
            [sentence_key(s.of(file.old)) for s in old_sentences],
            [sentence_key(s.of(file.new)) for s in new_sentences],
        )
        cursor = self._cursor(old, link)
        # A translation shared by several sentences is redone whole when one of them changed
        # (known before the loop: its unchanged members must not be reported as kept).
        dirty: dict[int, SentenceLink] = {}
        for edit in edits:
            slink = self._slink(old_sentences[edit.old]) if edit.old is not None else None
            if edit.kind is not ChangeKind.UNCHANGED and slink and len(slink.src) > 1:
                dirty[id(slink)] = slink
        for edit in edits:
            old_seg = old_sentences[edit.old] if edit.old is not None else None
            new_seg = new_sentences[edit.new] if edit.new is not None else None
            cursor = self._carry(plan, edit, old_seg, new_seg, cursor, dirty)
        for slink in dirty.values():
            self._rewrite_group(plan, slink, edits, old_sentences, new_sentences)

    def _carry(self, plan, edit: Edit, old_seg, new_seg, cursor: int, dirty) -> int:
        """One sentence edit; returns where the next inserted sentence goes."""
        file = self.file
        slink = self._slink(old_seg)
        single = slink is not None and len(slink.src) == 1
        if edit.kind is ChangeKind.UNCHANGED:
            if slink is not None:
                if id(slink) not in dirty:
                    self._keep(plan, old_seg.of(file.old), new_seg.of(file.new), slink)
                return max(cursor, span(slink.tgt)[1])
            return cursor
        if edit.kind is ChangeKind.DELETED:
            if single:
                self.remove_sentence(plan, slink)
            return cursor
        if edit.kind is ChangeKind.MODIFIED and single:
            return self._modify_sentence(plan, old_seg, new_seg, slink, cursor)
        if edit.kind is ChangeKind.MOVED and single:
            # Moved inside the paragraph: its human translation moves with it.
            self.remove_sentence(plan, slink)
            start, end = span(slink.tgt)
            result = SentenceResult(
                new_seg.of(file.new),
                self.text[start:end],
                Origin.KEPT,
                note="moved within its paragraph",
            )
            plan.change.sentences.append(result)
            self._insert_sentence(plan, cursor, result)
            return cursor
        if slink is not None and len(slink.src) > 1:
            return cursor  # rewritten with its group
        self._insert_sentence(plan, cursor, file.translate(plan, new_seg.of(file.new)))
        return cursor

    def _modify_sentence(self, plan, old_seg, new_seg, slink, cursor: int) -> int:
        file = self.file
        old, new = old_seg.of(file.old), new_seg.of(file.new)
        target = self._target(slink)
        start, end = span(slink.tgt)
        if normalize(target) == normalize(old):
            # Left in English by the translators: it follows the English.
            file.edit(plan, start, end, [new])
            plan.change.sentences.append(
                SentenceResult(
                    new, new, Origin.VERBATIM, note="left in English by the translators; follows it"
                )
            )
            return max(cursor, end)
        if file.new.blocks[new_seg.block].kind is Kind.TABLE:
            file.edit(plan, start, end, table_parts(file, plan, new, old, target))
            return max(cursor, end)
        reason = still_current(
            old,
            new,
            target,
            file.tgt_lang,
            lambda: file.follows_glossary(new, target),
            file.old.text,
            file.new.text,
        )
        if reason:
            self._keep(plan, old, new, slink)
            plan.change.sentences[-1].note = reason
        else:
            file.edit(plan, start, end, [file.translate(plan, new)])
        return max(cursor, end)

    def _rewrite_group(self, plan, slink, edits, old_sentences, new_sentences) -> None:
        """The group's new sentences, translated again as a whole."""
        file = self.file
        members = {(s.start, s.end) for s in slink.src}
        new_members = [
            new_sentences[edit.new].of(file.new)
            for edit in edits
            if edit.old is not None
            and edit.new is not None
            and (old_sentences[edit.old].start, old_sentences[edit.old].end) in members
        ]
        start, end = span(slink.tgt)
        parts: list = []
        for sentence in new_members:
            result = file.translate(plan, sentence)
            if parts:
                parts.append(Gap(parts[-1], result, file.separator))
            parts.append(result)
        file.edit(plan, start, end, parts)

    def _reconcile_markup(self, plan, old_block: Block, new_block: Block, link: Link) -> None:
        """Heading level, list marker or figure target changed: the translation follows."""
        if len(link.tgt) != 1 or len(link.src) != 1:
            return
        target = self.file.target.blocks[link.tgt[0]]
        old_start, old_end = old_block.content_span()
        new_start, new_end = new_block.content_span()
        tgt_start, tgt_end = target.content_span()
        old_prefix, new_prefix = old_block.text[:old_start], new_block.text[:new_start]
        if old_prefix != new_prefix and target.text[:tgt_start] == old_prefix:
            self.file.edit(plan, target.start, target.start + tgt_start, [new_prefix])
        old_suffix, new_suffix = old_block.text[old_end:], new_block.text[new_end:]
        if old_suffix != new_suffix and target.text[tgt_end:] == old_suffix:
            self.file.edit(plan, target.start + tgt_end, target.end, [new_suffix])

    def _keep(self, plan, old: str, new: str, slink: SentenceLink) -> None:
        """An unchanged sentence keeps its translation; if the English only gained or lost
        d2l's highlight markers, the translation follows (see :mod:`amts.update.markers`)."""
        target = self._target(slink)
        result = SentenceResult(new, target, Origin.KEPT)
        plan.change.sentences.append(result)
        if normalize(old) == normalize(new):
            return
        start, end = span(slink.tgt)
        if len(slink.src) > 1 or len({segment.block for segment in slink.tgt}) > 1:
            result.note = "the English changed its highlight markers; add them by hand"
            return
        projected, exact = place_markers(new, self.text[start:end])
        if projected != self.text[start:end]:
            self.file.edit(plan, start, end, [projected])
            result.target = projected
            result.note = (
                "highlight markers placed at the nearest clause boundary; please check"
                if exact
                else "highlight markers placed around the whole clause or sentence (they did "
                "not fit at clause boundaries); please check"
            )

    def remove_sentence(self, plan: BlockPlan, slink: SentenceLink) -> None:
        """Remove a sentence's translation, and its line when it had one to itself."""
        start, end = span(slink.tgt)
        text = self.text
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
            # The space before it goes too, but never the one after a heading's ``##`` or a
            # list item's ``1.``: a sentence put in its place must land after the prefix.
            block = self.file.target.blocks[slink.tgt[0].block]
            content_start = block.start + block.content_span()[0]
            while start > content_start and start not in self.split_at and text[start - 1] in " \t":
                start -= 1
        self.file.edit(plan, start, end, [])

    def _insert_sentence(self, plan: BlockPlan, cursor: int, result: SentenceResult) -> None:
        text, separator = self.text, self.file.separator
        if cursor < len(text) and text[cursor] == "\n":
            parts = ["\n", result]
        elif cursor > 0 and text[cursor - 1] not in "\n":
            parts = [Gap(text[cursor - 1], result, separator), result]
        elif _paragraph_goes_on(text, cursor):
            parts = [result, "\n"]  # a paragraph written line by line: a line of its own
        else:
            parts = [result, Gap(result, text[cursor : cursor + 1], separator)]
        self.file.edit(plan, cursor, cursor, parts)

    def merged_heading(self, link: Link) -> tuple[int, int] | None:
        """A translated heading that also holds the paragraph below it (paired with both by
        :meth:`amts.align.aligner._FilePair.merged_heading`): the end of the heading's
        translation and the start of the paragraph's, or ``None``."""
        file = self.file
        if len(link.src) != 2 or len(link.tgt) != 1:
            return None
        target = file.target.blocks[link.tgt[0]]
        if file.old.blocks[link.src[0]].kind is not Kind.HEADING or target.kind is not Kind.HEADING:
            return None
        [heading] = file.sentences(file.old, link.src[0]) or [None]
        slink = self._slink(heading)
        if slink is None or len(slink.src) != 1:
            return None
        end = span(slink.tgt)[1]
        start, content_end = end, target.start + target.content_span()[1]
        while start < content_end and self.text[start] in " \t":
            start += 1
        return (end, start) if end < start < content_end else None

    def _cursor(self, old: int, link: Link) -> int:
        """Where a sentence inserted at the start of ``old`` goes in the translation."""
        file = self.file
        split = self.merged_heading(link)
        if split is not None and old == link.src[1]:
            return split[1]  # the paragraph's part of a translated heading that held it
        cursor = None
        for earlier in link.src:
            if earlier >= old:
                break
            for segment in file.sentences(file.old, earlier):
                slink = self._slink(segment)
                if slink is not None:
                    cursor = max(cursor or 0, span(slink.tgt)[1])
        if cursor is not None:
            return cursor
        first = file.target.blocks[link.tgt[0]]
        return first.start + first.content_span()[0]


def _paragraph_goes_on(text: str, line_start: int) -> bool:
    """A non-blank line follows the one starting at ``line_start`` (a paragraph written over
    several lines, or the block after it with no blank line between)."""
    end = text.find("\n", line_start)
    if end == -1:
        return False
    following = text.find("\n", end + 1)
    return bool(text[end + 1 : following if following != -1 else len(text)].strip())
