"""Measure a translation repository's lag behind the English, file by file.

With origin files (d2l-zh) a file's blocks are compared English against English: the head
against ``X_origin.md``. Without them (d2l-pt), or for a file that has none, the English
head is aligned with the translation and the alignment's confidence decides. English files
with no translation, and translations whose English path is gone (with the new path when
the English was renamed), are listed too.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import ExitStack
from fnmatch import fnmatch
from pathlib import Path

from amts.align.aligner import Aligner
from amts.align.cache import AlignmentCache
from amts.book.document import Document, parse
from amts.corpus.parallel import ORIGIN_SUFFIX
from amts.errors import AmtsError
from amts.lag.report import FileLag, LagReport
from amts.sync.git import GitRepo
from amts.sync.renames import RenameFinder, fingerprint
from amts.sync.synchronizer import DEFAULT_EXCLUDE
from amts.update.behind import BlockLag, aligned_lag, origin_lag, untranslated

log = logging.getLogger(__name__)


def measure_lag(
    source: GitRepo | Path,
    target: GitRepo | Path,
    tgt_lang: str,
    *,
    rev: str | None = None,
    target_rev: str | None = None,
    src_lang: str = "en",
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    aligner: Aligner | None = None,
) -> LagReport:
    """Every file's lag: the English at ``rev`` (default ``HEAD``) against the target at
    ``target_rev`` (default its ``HEAD``)."""
    with ExitStack() as stack:
        if not isinstance(source, GitRepo):
            source = stack.enter_context(GitRepo(source, "source"))
        if not isinstance(target, GitRepo):
            target = stack.enter_context(GitRepo(target, "target"))
        book = _Book(source, target, rev, target_rev, exclude)
        aligner = aligner or Aligner(src_lang, tgt_lang, cache=AlignmentCache.from_env())
        return book.measure(tgt_lang, aligner)


class _Book:
    def __init__(self, source, target, rev, target_rev, exclude) -> None:
        self.source, self.target = source, target
        self.cache: AlignmentCache | None = None
        self.rev = source.resolve(rev or "HEAD", "--rev")
        self.target_rev = target.resolve(target_rev) if target_rev else target.head()

        def book_files(paths: list[str]) -> set[str]:
            return {
                p
                for p in paths
                if p.endswith(".md") and not any(fnmatch(p, pattern) for pattern in exclude)
            }

        self.english = book_files(source.files(self.rev))
        target_files = book_files(target.files(self.target_rev))
        self.origins = {p for p in target_files if p.endswith(ORIGIN_SUFFIX)}
        self.translations = target_files - self.origins

    def _doc(self, repo: GitRepo, rev: str, path: str) -> Document | None:
        cache = self.cache
        return repo.document(rev, path, cache.document if cache is not None else parse)

    def measure(self, lang: str, aligner: Aligner) -> LagReport:
        self.cache = aligner.cache  # documents parsed, alignments found, once per content
        report = LagReport(self.rev, lang)
        heads: dict[str, Document] = {}
        for path in sorted(self.english):
            try:
                heads[path] = head = self._doc(self.source, self.rev, path)
            except AmtsError as exc:  # an empty or unreadable English file has no blocks
                log.info("lag.english_skipped: %s", exc)
                continue
            if path in self.translations:
                counts = self._lag(path, head, aligner)
                status = "behind" if counts.lag else "up-to-date"
            else:
                counts, status = untranslated(head), "untranslated"
            report.files.append(_entry(path, status, counts))
        gone = sorted(self.translations - self.english)
        if gone:
            finder = RenameFinder({p: d for p, d in heads.items() if p not in self.translations})
            for path in gone:
                report.files.append(
                    FileLag(path, "english-gone", renamed_to=self._renamed(path, finder))
                )
        return report

    def _lag(self, path: str, head: Document, aligner: Aligner) -> BlockLag:
        origin = _origin(path)
        try:
            if origin in self.origins:
                return origin_lag(self._doc(self.target, self.target_rev, origin), head)
            translation = self._doc(self.target, self.target_rev, path)
            return aligned_lag(aligner.align(head, translation, sentences=False))
        except AmtsError as exc:  # a translation that cannot be read follows nothing
            log.info("lag.translation_unreadable: %s", exc)
            return untranslated(head)

    def _renamed(self, path: str, finder: RenameFinder) -> str | None:
        origin = _origin(path)
        try:
            if origin in self.origins:  # English: its prose counts too
                keys = fingerprint(self._doc(self.target, self.target_rev, origin), prose=True)
            else:
                keys = fingerprint(self._doc(self.target, self.target_rev, path), prose=False)
        except AmtsError:
            return None
        return finder.find(keys)


def _origin(path: str) -> str:
    return path[: -len(".md")] + ORIGIN_SUFFIX


def _entry(path: str, status: str, counts: BlockLag) -> FileLag:
    return FileLag(path, status, counts.blocks, counts.up_to_date, counts.behind, counts.missing)
