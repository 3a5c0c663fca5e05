"""The translation memory of a target repository: the sentence pairs its translators wrote.

Every translated file is aligned with the English it was made from (its ``X_origin.md``
in d2l-zh's layout, else the English file of the same path at the revision the target
follows) and the aligned sentences are remembered. The Synchronizer does this when it
has no memory; the App does it ahead of a target's first sync (:mod:`bot.sync.premine`).
Alignments go through the aligner's cache, so the files a sync then plans are found
aligned, and many uncached pairs are aligned across processes
(:meth:`~amts.align.cache.AlignmentCache.prefill`).
"""

from __future__ import annotations

import logging
import time

from amts.align.cache import AlignmentCache
from amts.book import document
from amts.corpus.parallel import ORIGIN_SUFFIX
from amts.errors import AmtsError
from amts.memory import TranslationMemory
from amts.sync.filejob import origin_path
from amts.sync.git import GitRepo
from amts.update.updater import Updater

log = logging.getLogger(__name__)


def mine_memory(
    updater: Updater, target: GitRepo, head: str, source: GitRepo | None, base: str | None
) -> TranslationMemory:
    """The sentence pairs of ``target`` at ``head``, aligned by ``updater``'s aligner;
    without origin files, with the English of ``source`` at ``base``."""
    started = time.perf_counter()
    memory = TranslationMemory(updater.src_lang, updater.tgt_lang)
    target_files = set(target.files(head))
    if any(p.endswith(ORIGIN_SUFFIX) for p in target_files):
        pairs = [
            (target, head, origin_path(p), p)
            for p in sorted(target_files)
            if p.endswith(".md") and origin_path(p) in target_files
        ]
    elif source is not None and base is not None:
        english = set(source.files(base))
        pairs = [
            (source, base, p, p) for p in sorted(target_files) if p.endswith(".md") and p in english
        ]
    else:
        pairs = []
    texts = []
    for repo, rev, source_path, target_path in pairs:
        try:
            texts.append((_text(repo, rev, source_path), _text(target, head, target_path)))
        except AmtsError as exc:
            log.debug("sync.memory_file_skipped: %s", exc)
    cache = updater.aligner.cache
    if cache is None:  # this run's own cache: aligned across processes all the same
        cache = updater.aligner.cache = AlignmentCache()
    cache.prefill(
        updater.aligner, [(english, translation) for (english, _), (translation, _) in texts]
    )
    for (english, english_label), (translation, translation_label) in texts:
        try:
            alignment = cache.align_texts(
                updater.aligner, english, translation, english_label, translation_label
            )
        except AmtsError as exc:
            log.debug("sync.memory_file_skipped: %s", exc)
            continue
        memory.add_alignment(alignment)
    log.info(
        "sync.memory_built: %d sentences from %d file pairs in %.1f s",
        len(memory),
        len(pairs),
        time.perf_counter() - started,
    )
    return memory


def _text(repo: GitRepo, rev: str, path: str) -> tuple[str, str]:
    """A file's text and the label messages name it by (as the Synchronizer's)."""
    label = f"{repo.role}@{rev[:8]}:{path}"
    return document.decode(repo.read(rev, path) or b"", label), label
