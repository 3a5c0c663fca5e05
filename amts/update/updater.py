"""Carry a change of the English source into its translation, touching only what changed.

The old English is aligned with the old translation (:mod:`amts.align.aligner`), the old
English is diffed against the new (:mod:`amts.update.diff`), and each English edit becomes an
edit of exact spans of the old translation (:mod:`amts.update.fileplan`, :mod:`amts.update.prose`):
whatever the English did not touch stays byte for byte as the translators wrote it.

An update runs in three steps so that many files share one engine call, which for
Amazon Translate means one batch job per sync rather than one per file:
:meth:`Updater.plan` (memory lookups included), :meth:`Updater.translate` (the engine,
once for every plan), :meth:`Updater.finish`. :meth:`Updater.update` does all three.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from amts.align.aligner import Aligner, Alignment
from amts.align.cache import AlignmentCache
from amts.align.glossary import Glossary
from amts.book.document import Document, parse
from amts.book.sentences import normalize_language
from amts.collector import without_collection
from amts.corpus.parallel import unit_text
from amts.engines.base import Engine
from amts.errors import AlignmentError
from amts.memory import TranslationMemory
from amts.quality import held_out, score_sample
from amts.update import slides
from amts.update.changes import UpdateReport
from amts.update.fileplan import FilePlan

log = logging.getLogger(__name__)

#: A translation that covers less than this share of its English prose (weighted by
#: alignment confidence) and fits it worse than ``MIN_FIT`` where it does is not taken to
#: follow its English at all: updating it in place would edit the wrong text. (Measured on
#: d2l-zh: real pairs ≥ 0.30 coverage and ≥ 0.36 fit; pairs of unrelated files mostly below.)
MIN_COVERAGE = 0.28
MIN_FIT = 0.35
#: Below this fit, the update goes ahead but the report asks for a check of the whole file.
LOW_FIT = 0.5


class Updater:
    """Updates translations of one language pair with one engine and translation memory.

    ``evaluate`` held-out sentences of each file are translated too when a paid engine is
    used, for the BLEU and chrF reviewers see (0: no evaluation).
    """

    def __init__(
        self,
        src_lang: str,
        tgt_lang: str,
        engine: Engine,
        memory: TranslationMemory | None = None,
        glossary: Glossary | None = None,
        *,
        evaluate: int = 20,
        cache: AlignmentCache | None = None,
    ) -> None:
        self.evaluate = evaluate
        self.src_lang = normalize_language(src_lang)
        self.tgt_lang = normalize_language(tgt_lang)
        self.engine = engine
        self.memory = memory
        self.aligner = Aligner(self.src_lang, self.tgt_lang, glossary, cache=cache)

    @property
    def paid(self) -> bool:
        return self.engine.name != "memory"

    def update(
        self, old_source: Document, new_source: Document, old_target: Document, path: str = ""
    ) -> tuple[str, UpdateReport]:
        """The new translation's text and the report of what was done."""
        plan = self.plan(old_source, new_source, old_target, path)
        self.translate([plan])
        return self.finish(plan)

    @without_collection
    def plan(
        self, old_source: Document, new_source: Document, old_target: Document, path: str = ""
    ) -> FilePlan:
        """Align, diff and plan the edits; the translation memory answers what it can."""
        slide_note = None
        if slides.superseded(old_source, new_source, old_target):
            text, slide_only, lines = slides.remove_slides(old_target)
            old_target = parse(text, old_target.path)
            slide_note = (
                f"the English now marks its slides with highlight markers: the translation's "
                f"own slide markup went ({lines} :begin_slide:/:end_slide: lines, "
                f"{slide_only} slide-only block(s)); please check"
            )
        alignment = self.aligner.align(old_source, old_target)
        coverage, fit = alignment.coverage(), alignment.fit()
        has_translation = any(block.is_prose for block in old_target.blocks)
        if has_translation and coverage < MIN_COVERAGE and fit < MIN_FIT:
            raise AlignmentError(
                f"{path or old_target.path}: the translation does not follow its English "
                f"(only {coverage:.0%} of the English prose aligns with it); it was not "
                "updated: check that it is the translation of this file, or re-sync it by hand"
            )
        # The file's own pairs first: a sentence moved within the file keeps its translation.
        memories = [TranslationMemory.from_alignment(alignment)]
        if self.memory is not None:
            memories.append(self.memory)
        plan = FilePlan(
            alignment,
            new_source,
            memories,
            engine=self.engine.name,
            glossary_check=self.follows_glossary,
            path=path,
        )
        if slide_note:
            plan.report.notes.append(slide_note)
        if has_translation and fit < LOW_FIT:
            plan.report.notes.append(
                f"the old translation follows its English poorly (alignment confidence "
                f"{fit:.0%}): please check the whole file"
            )
        if self.paid and self.evaluate and plan.pending:
            plan.held_out = held_out(_human_pairs(alignment), size=self.evaluate)
        return plan

    def translate(self, plans: Sequence[FilePlan]) -> None:
        """One engine call for the pending sentences and held-out samples of every plan."""
        requests = [(plan, result) for plan in plans for result in plan.pending]
        samples = [(plan, pair) for plan in plans for pair in plan.held_out]
        if not requests and not samples:
            return
        sources = [result.source for _, result in requests] + [src for _, (src, _) in samples]
        before, noted = self.engine.chars_sent, len(self.engine.notes)
        translations = self.engine.translate(
            sources, src_lang=self.src_lang, tgt_lang=self.tgt_lang
        )
        spent = self.engine.chars_sent - before
        for note in self.engine.notes[noted:]:  # e.g. parallel-data records the service refused
            for plan in plans:
                plan.report.notes.append(note)
        for (plan, result), translation in zip(requests, translations, strict=False):
            plan.receive(result, translation)
        self._account(plans, spent)
        self._score(plans, samples, translations[len(requests) :])

    def _account(self, plans: Sequence[FilePlan], spent: int) -> None:
        """Each file's cost: for a paid engine, its share of what was really sent (the engine
        skips repeats); for the memory engine, what a paid one would have been sent."""
        handed = {id(p): sum(len(r.source) for r in p.pending) for p in plans}
        evaluation = {id(p): sum(len(s) for s, _ in p.held_out) for p in plans}
        total = sum(handed.values()) + sum(evaluation.values())
        for plan in plans:
            if not self.paid:
                plan.report.chars_sent += handed[id(plan)]
                continue
            share = spent / total if total else 0.0
            plan.report.chars_sent += round(handed[id(plan)] * share)
            if evaluation[id(plan)]:
                plan.report.notes.append(
                    f"quality check: {round(evaluation[id(plan)] * share)} characters of "
                    "held-out sentences were sent to the engine (not counted in the cost)"
                )

    def _score(self, plans, samples, translations) -> None:
        """BLEU and chrF of the engine on sentences humans already translated in the same
        file: the AMTS write-up's way of telling reviewers how far to trust the engine."""
        by_plan: dict[int, tuple[list, list]] = {}
        for (plan, pair), translation in zip(samples, translations, strict=True):
            pairs, answers = by_plan.setdefault(id(plan), ([], []))
            pairs.append(pair)
            answers.append(translation)
        for plan in plans:
            if id(plan) in by_plan:
                plan.report.quality = score_sample(*by_plan[id(plan)], self.tgt_lang)

    @without_collection
    def finish(self, plan: FilePlan) -> tuple[str, UpdateReport]:
        """Write the planned edits: the new translation and its report."""
        return plan.apply()

    def follows_glossary(self, source: str, target: str) -> bool:
        """Every glossary term of ``source`` has the team's translation in ``target``."""
        source_terms = self.aligner.source_features(source).anchors
        target_terms = self.aligner.target_features(target).anchors
        return {key for key in source_terms if key.startswith("g:")} <= set(target_terms)


def _human_pairs(alignment: Alignment) -> list[tuple[str, str]]:
    """One-to-one sentence pairs of a file: the held-out set for the quality check."""
    return [
        (unit_text(link.src[0].of(alignment.source)), unit_text(link.tgt[0].of(alignment.target)))
        for link in alignment.sentences
        if len(link.src) == 1 and len(link.tgt) == 1
    ]
