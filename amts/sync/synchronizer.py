"""Carry every English change between two revisions into a translation repository.

The markdown files changed in the source (``git diff -M`` from ``base`` to ``to``) are
carried one by one with :class:`~amts.update.updater.Updater`, and the result becomes ONE commit
on a new branch of the target (see :mod:`amts.sync.git`), ready for a pull request. A file
that cannot be carried is skipped with a note and recorded as *pending* in the target's
state file, so that the next sync retries it from the English its translation follows.
Many files carried with the offline engine are shared with a forked process per spare
core (:mod:`amts.spread`): each file's outcome is the same wherever it was made.

Translation repositories come in two layouts. d2l-zh keeps ``X_origin.md``, the English
that ``X.md`` was translated from: that is the old English of an update, and it is
refreshed to the new English. d2l-pt keeps translations only: the old English is the
source at ``base``. Either way a translation has the English file's path.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path

from amts import cores, spread
from amts.align.cache import MIN_PARALLEL_PAIRS
from amts.book import document
from amts.book.document import Document
from amts.corpus import formats
from amts.corpus.parallel import ORIGIN_SUFFIX
from amts.errors import AmtsError, InputError
from amts.files import MAX_FILE_BYTES, atomic_output
from amts.memory import TranslationMemory
from amts.report import file_section
from amts.sync.filejob import FileJob, origin_path
from amts.sync.git import Change, GitRepo, StoredBlob
from amts.sync.history import HISTORY_PATH, SyncEntry, SyncHistory
from amts.sync.mining import mine_memory
from amts.sync.report import FileResult, SyncResult, commit_message, pr_title
from amts.sync.state import STATE_PATH, Pending, SyncState
from amts.sync.work import Work as _Work
from amts.sync.written import WRITTEN_PATH, WrittenRecord, WrittenSpool, written_by
from amts.update.behind import aligned_lag, origin_lag, untranslated
from amts.update.englishmerge import merge_english
from amts.update.updater import Updater

log = logging.getLogger(__name__)


#: Files planned (and sent to the engine) together: what a sync holds in memory at once.
#: A batch engine job per batch; d2l's whole book (~200 files) is one.
FILES_PER_BATCH = 500

#: Files per process when a sync spreads them over cores: a warm file costs ~30 ms, so
#: fewer are done before another process is worth starting; fewer than twice this many
#: stay in this process (see ``_carry_batch``).
FILES_PER_PROCESS = 8

#: The repository's own pages, not the book: each language repo keeps its own.
DEFAULT_EXCLUDE = ("README.md", "CONTRIBUTING.md", "STYLE_GUIDE.md", ".github/*")


def _is_markdown(path: str | None) -> bool:
    return path is not None and path.endswith(".md")


class Synchronizer:
    """One sync from a source repository into a target repository with one updater.

    Without a translation memory, the updater gets one mined from the target itself
    (about 4 s for the whole d2l-zh book), only when there is something to carry.
    """

    def __init__(
        self,
        source: GitRepo,
        target: GitRepo,
        updater: Updater,
        exclude: Sequence[str] = DEFAULT_EXCLUDE,
        *,
        max_file_bytes: int = MAX_FILE_BYTES,
        checkpoint: Callable[[], None] | None = None,
        files_per_batch: int = FILES_PER_BATCH,
        keep_reports: bool = True,
    ) -> None:
        self.source, self.target, self.updater = source, target, updater
        # Each file's whole report stays on its FileResult (for a JSON report of the run);
        # without, only the result's digest and the sentences written are kept, so that
        # the memory a push takes does not grow with its files.
        self.keep_reports = keep_reports
        self.exclude = tuple(exclude)
        self.max_file_bytes = max_file_bytes
        self.files_per_batch = files_per_batch
        # Called between files and before the commit: it raises to stop the sync there (the
        # App's job time limit); what it raises is not a file's failure and propagates.
        self.checkpoint = checkpoint or (lambda: None)

    def excluded(self, path: str | None) -> bool:
        return path is not None and any(fnmatch(path, pattern) for pattern in self.exclude)

    def run(
        self,
        base: str | None = None,
        to: str | None = None,
        branch: str | None = None,
        *,
        parent: str | None = None,
        update_branch: bool = False,
        history: bool = False,
        note: str = "",
    ) -> SyncResult:
        """Carry the changes and commit them; see :class:`SyncResult` for the outcome.

        ``parent`` is the target revision the commit goes on top of, and where the state
        file is read (default: the target's ``HEAD``; the App gives the sync branch's or
        the default branch's head in a bare mirror). ``update_branch`` lets ``branch``
        exist, provided it is at ``parent``: it is then moved from ``parent`` to the new
        commit and nothing else (never a rewrite). ``history`` also keeps this sync's
        report in ``.amts/report.json`` for a pull request body that covers every sync,
        with ``note`` (e.g. that the English history was rewritten).
        """
        self._cleanup: list = []
        self.update_branch, self.history, self.note = update_branch, history, note
        try:
            return self._run(base, to, branch, parent)
        finally:
            for cleanup in self._cleanup:
                cleanup()

    def _run(
        self, base: str | None, to: str | None, branch: str | None, parent: str | None
    ) -> SyncResult:
        self.to = self.source.resolve(to or "HEAD", "--to")
        self.head = self.target.resolve(parent, "parent") if parent else self.target.head()
        self.given_parent = parent is not None
        state = self._state(given_base=base is not None)
        if base is None and state is None:
            raise InputError(
                f"{self.target.path}: no base revision: give the English revision the "
                f"translation was last synced with (--from REV), or let a sync write it to "
                f"{STATE_PATH} in the target repository"
            )
        option = "--from" if base is not None else f"(source_revision in {STATE_PATH})"
        self.base = self.source.resolve(base or state.source_revision, option)
        result = SyncResult(self.base, self.to)
        pending = state.pending if state else []
        works = self._plan(result, pending) if self.base != self.to else []
        if not works:
            result.nothing = "already synced" if self.base == self.to else "no markdown changed"
            if pending:  # retried with the next English change, under a new branch name
                result.nothing += f"; {len(pending)} skipped files wait for the next change"
            log.info("sync.nothing_to_do: %s", result.nothing)
            return result
        branch = self.target.check_branch_name(branch or f"amts/sync-{self.to[:8]}")
        self._open_target()
        return self._carry_and_commit(result, works, branch, state=True)

    def _open_target(self) -> None:
        self.target_files = set(self.target.files(self.head))
        self.origins = any(p.endswith(ORIGIN_SUFFIX) for p in self.target_files)

    def _carry_and_commit(
        self, result: SyncResult, works: list[_Work], branch: str, *, state: bool
    ) -> SyncResult:
        """Plan every file, translate once, finish and commit; ``state``: record ``to`` as
        the English the target now follows (a catch-up does not: other files still lag)."""
        move_from = self._refuse_unsafe(branch)
        # A commit that continues a branch adds to its records; a new branch starts anew.
        continuing = move_from is not None
        self._spool_written(continuing)
        if self.updater.memory is None:
            self.updater.memory = self._mine()
            if self.updater.paid:
                self._share_corpus()
        files: dict[str, bytes | None] = {}
        modes: dict[str, str] = {}
        pending = []
        self._prefill(works)
        # Only a batch's plans are held at a time, whatever the size of the push.
        for first in range(0, len(works), self.files_per_batch):
            batch = works[first : first + self.files_per_batch]
            outcomes = self._carry_batch(batch)
            for work, outcome in zip(batch, outcomes, strict=True):
                self._fold(result, outcome)
                if outcome.status != "skipped":
                    files.update(outcome.files)
                    modes.update(outcome.modes)
                result.files.append(outcome)
                if outcome.status == "skipped":
                    pending.append(Pending(work.path or "", work.old_path, work.base, outcome.note))
                    result.failed |= not work.retry  # still failing is no news; a new one is
            self._store(files, outcomes)
        if not result.carried:
            result.nothing = (
                "no file could be carried"
                if result.failed
                else "the files skipped before still fail"
                if pending
                else "no translation changed"
            )
            return result
        if state:
            new_state = SyncState(
                self.to, self.source.remote_url(), datetime.now(UTC).isoformat(timespec="seconds")
            )
            new_state.pending = [p for p in pending if p.path]
            files[STATE_PATH] = new_state.to_bytes()
        result.title = pr_title(result, self.updater.src_lang, catch_up=not state)
        files.update(self._records(result, continuing))
        message = commit_message(result, self.source.remote_url() or str(self.source.path))
        self.checkpoint()
        result.commit = self.target.commit(
            self.head, files, message, branch, modes=modes, move_from=move_from
        )
        result.branch = branch
        log.info("sync.committed: %s on %s", result.commit, branch)
        return result

    def _store(self, files: dict[str, bytes | None], outcomes: list[FileResult]) -> None:
        """A batch's new files into the target's object database: what the commit holds
        is their SHAs, so the text of a push's files is not all in memory at once."""
        paths = [path for path, data in files.items() if isinstance(data, bytes)]
        stored = self.target.store_blobs([files[path] for path in paths])
        files.update(zip(paths, stored, strict=True))
        for outcome in outcomes:
            outcome.files = {path: files.get(path, data) for path, data in outcome.files.items()}

    def _fold(self, result: SyncResult, outcome: FileResult) -> None:
        """A finished file's report into the result's digest and its written sentences
        into the record's; the report itself only if it is kept."""
        if outcome.report is None:
            return
        result.digest.add(outcome.report, outcome.section)
        outcome.section = None
        self.written.add(written_by([outcome]))
        if not self.keep_reports:
            outcome.report = None

    def _spool_written(self, continuing: bool) -> None:
        """``.amts/written.json`` of the commit, written to a file as the sentences come:
        the branch's record first when the commit continues it."""
        folder = Path(tempfile.mkdtemp(prefix="amts-written-"))
        self._cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        self.written_path = folder / "written.json"
        self.written = WrittenSpool(self.written_path.open("wb"))
        self._cleanup.append(self.written.out.close)
        if continuing:
            where = f"{self.target.path}: {WRITTEN_PATH} at {self.head[:8]}"
            old = WrittenRecord.from_bytes(self.target.read(self.head, WRITTEN_PATH), where)
            self.written.add(old.sentences)

    def _records(self, result: SyncResult, continuing: bool) -> dict[str, bytes | StoredBlob]:
        """``.amts/written.json`` (and with ``history``, ``.amts/report.json``) of the commit."""
        where = f"{self.target.path}: {{}} at {self.head[:8]}"
        read = (lambda path: self.target.read(self.head, path)) if continuing else (lambda _: None)
        self.written.finish()
        self.written.out.close()
        records: dict[str, bytes | StoredBlob] = {
            WRITTEN_PATH: self.target.store_file(self.written_path)
        }
        if self.history:
            history = SyncHistory.from_bytes(read(HISTORY_PATH), where.format(HISTORY_PATH))
            history.syncs.append(SyncEntry.of(result, self.updater.src_lang, self.note))
            records[HISTORY_PATH] = history.to_bytes()
        return records

    def _state(self, *, given_base: bool) -> SyncState | None:
        data = self.target.read(self.head, STATE_PATH)
        if data is None:
            return None
        try:
            return SyncState.from_bytes(data, f"{self.target.path}: {STATE_PATH} at HEAD")
        except InputError as exc:
            if not given_base:
                raise
            log.warning("sync.state_ignored: %s", exc)  # --from given; the commit replaces it
            return None

    def _refuse_unsafe(self, branch: str) -> str | None:
        """Refuse what would lose work; return the commit the branch is moved from, if any."""
        dirty = [] if self.given_parent else self.target.dirty_paths()  # [] in a bare repo
        if dirty:
            raise InputError(
                f"{self.target.path}: the target repository has uncommitted changes "
                f"({len(dirty)} files, e.g. {dirty[0]}); commit or stash them first: the sync "
                "branches from HEAD and would leave them out"
            )
        current = self.target.branch_head(branch)
        if current is None:
            return None
        if not self.update_branch:
            raise InputError(self.target.branch_exists_message(branch))
        if current != self.head:
            raise InputError(
                f"{self.target.path}: branch {branch!r} is at {current[:8]}, not at the parent "
                f"{self.head[:8]} the sync builds on; the sync only moves a branch forward "
                "from its parent"
            )
        return current

    def catch_up(
        self,
        paths: Sequence[str],
        to: str | None = None,
        branch: str | None = None,
        *,
        parent: str | None = None,
        update_branch: bool = False,
        history: bool = False,
    ) -> SyncResult:
        """Carry all the lag of ``paths`` (``PATH``, a directory, or ``PATH#LABEL`` for one
        section by ``:label:`` or heading) as one commit, on a maintainer's request.

        The English to catch up with is ``to``, by default the one the target follows (its
        state file's revision, or the source's ``HEAD`` without one), so that the next
        sync's edits apply on top. A translation whose English was renamed is moved with
        its origin file first; an English file with no translation is translated whole.
        The state file is left as it is: the other files still lag. ``parent``,
        ``update_branch`` and ``history`` are as for :meth:`run`.
        """
        from amts.sync.catchup import catch_up_works

        self._cleanup = []
        self.update_branch, self.history, self.note = update_branch, history, ""
        try:
            self.head = self.target.resolve(parent, "parent") if parent else self.target.head()
            self.given_parent = parent is not None
            state = self._state(given_base=False)
            default = state.source_revision if state else "HEAD"
            self.to = self.base = self.source.resolve(to or default, "--to")
            self._open_target()
            works = catch_up_works(self, paths)
            branch = self.target.check_branch_name(branch or f"amts/catch-up-{self.to[:8]}")
            result = SyncResult(self.to, self.to)
            return self._carry_and_commit(result, works, branch, state=False)
        finally:
            for cleanup in self._cleanup:
                cleanup()

    # -- the plan -------------------------------------------------------------------------

    def _plan(self, result: SyncResult, pending: list[Pending]) -> list[_Work]:
        changes = self.source.changes(self.base, self.to)
        earlier = {p.path: p for p in pending}
        works = []
        for change in changes:
            if not (_is_markdown(change.old_path) or _is_markdown(change.new_path)):
                result.ignored.append(change.path)
                continue
            if self.excluded(change.new_path or change.old_path):
                result.ignored.append(change.path)
                log.info("sync.excluded: %s", change.path)
                continue
            work = _work(change, self.base)
            if work.old_path in earlier:  # skipped before: its translation is still older
                skipped = earlier.pop(work.old_path)
                work.old_path, work.base, work.retry = skipped.old_path, skipped.base, True
            works.append(work)
        for skipped in earlier.values():
            kind = "modified" if skipped.old_path == skipped.path else "renamed"
            kind = "added" if skipped.old_path is None else kind
            works.append(_Work(kind, skipped.path, skipped.old_path, skipped.base, retry=True))
        if result.ignored:
            log.info(
                "sync.ignored_files: %d changed files are not markdown (.md), e.g. %s",
                len(result.ignored),
                result.ignored[0],
            )
        log.info("sync.plan: %d markdown files to carry", len(works))
        return works

    def _mine(self) -> TranslationMemory:
        """The sentence pairs of the target's translations (with their origin files, or with
        the source at ``base``)."""
        return mine_memory(self.updater, self.target, self.head, self.source, self.base)

    def _share_corpus(self) -> None:
        """Give the mined pairs to an engine that learns from examples (Amazon's parallel
        data): the sentence pairs of this very translation repository."""
        folder = Path(tempfile.mkdtemp(prefix="amts-corpus-"))
        self._cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        corpus = folder / f"{self.updater.src_lang}-{self.updater.tgt_lang}.tsv"
        with atomic_output(corpus) as out:
            formats.write_tsv(
                out, self.updater.memory.pairs(), self.updater.src_lang, self.updater.tgt_lang
            )
        self.updater.engine.use_parallel_data(corpus)

    # -- one file -------------------------------------------------------------------------

    def _check_size(self, repo: GitRepo, rev: str, path: str) -> None:
        """An :class:`InputError` if ``path`` is larger than the limit: the file is skipped
        with a note, and the next sync retries it."""
        size = repo.size(rev, path)
        if size is not None and size > self.max_file_bytes:
            raise InputError(
                f"{path} in the {repo.role} is {_size(size)}, over the "
                f"{_size(self.max_file_bytes)} limit for one file; split it into smaller "
                "files, or translate it by hand"
            )

    def _read(self, repo: GitRepo, rev: str, path: str) -> bytes | None:
        self._check_size(repo, rev, path)
        return repo.read(rev, path)

    def parse(self, text: str, path: str | None = None) -> Document:
        """``document.parse``, once per content when there is an alignment cache (a warm
        sync then parses nothing: not even the English it merges)."""
        cache = self.updater.aligner.cache
        return (cache.document if cache is not None else document.parse)(text, path)

    def _doc(self, repo: GitRepo, rev: str, path: str) -> Document | None:
        self._check_size(repo, rev, path)
        return repo.document(rev, path, self.parse)

    def _carry_batch(self, works: list[_Work]) -> list[FileResult]:
        """Each file's outcome. Many files with the offline engine are shared with
        processes on spare cores (:mod:`amts.spread`); a paid engine gets one call for the
        whole batch (for Amazon Translate, one batch job), so its files stay here."""
        others = min(cores.available_cores(), len(works) // FILES_PER_PROCESS) - 1
        if (
            others > 0
            and not self.updater.paid
            and spread.start_method() == "fork"  # a child inherits this sync as it is
        ):
            with cores.claim(others) as spare:  # cores no other job is using
                if spare:
                    return self._spread(works, 1 + spare)
        return self._carry_together(works)

    def _carry_together(self, works: list[_Work]) -> list[FileResult]:
        """Plan every file first, so that the engine is called once for all of them."""
        carried = []
        for work in works:
            self.checkpoint()
            carried.append(self._carry_safely(work))
        self._translate([job for _, job in carried if job is not None])
        for _, job in carried:
            self.checkpoint()
            if job is not None:
                self._complete_safely(job)
                job.plan = None
        return [outcome for outcome, _ in carried]

    def _spread(self, works: list[_Work], processes: int) -> list[FileResult]:
        """:meth:`_carry_together`, a file at a time, in this process and forked ones,
        largest English first; the outcomes come back in order (a file's outcome holds its
        new text and report, nothing of the process that made it)."""
        sizes = [(work.path and self.source.size(self.to, work.path)) or 0 for work in works]
        order = sorted(range(len(works)), key=sizes.__getitem__, reverse=True)
        here: list[_Work] = []  # what this process carried, for the log

        def carry_here(work: _Work) -> FileResult:
            here.append(work)
            return self._carry_alone(work)

        done = spread.spread(
            [works[i] for i in order],
            carry_here,
            _carry_in_child,
            processes,
            method="fork",
            initializer=_start_child,
            initargs=(self,),
        )
        # A file the other processes left undone (one died) is carried here after all.
        found = dict(zip(order, done, strict=True))
        outcomes = [found[i] or carry_here(work) for i, work in enumerate(works)]
        log.info(
            "sync.spread: %d files, %d by %d other processes",
            len(works),
            len(works) - len(here),
            processes - 1,
        )
        return outcomes

    def _carry_alone(self, work: _Work) -> FileResult:
        """One file carried with its own engine call, and its section of the pull-request
        body made: the digest's share of the work done in the process that carries it."""
        outcome = self._carry_together([work])[0]
        if outcome.report is not None:
            outcome.section = file_section(outcome.report)
        return outcome

    def _carry_safely(self, work: _Work) -> tuple[FileResult, FileJob | None]:
        """Plan one change; a failure skips the file and writes none of it."""
        outcome = FileResult(work.path or work.old_path or "", work.kind, "skipped")
        if work.old_path != work.path and work.path and work.old_path:
            outcome.old_path = work.old_path
        job = None
        with self._failure(work, outcome):
            job = self._carry(work, outcome)
        return outcome, job

    def _complete_safely(self, job: FileJob) -> None:
        with self._failure(job.work, job.outcome):
            job.complete()
        if job.outcome.status == "skipped":
            job.outcome.files, job.outcome.modes = {}, {}

    @contextmanager
    def _failure(self, work: _Work, outcome: FileResult):
        """Errors skip the file with a note; other files go on."""
        try:
            yield
        except AmtsError as exc:
            outcome.status, outcome.note = "skipped", str(exc)
        except Exception as exc:  # a bug must not lose the other files' work
            log.exception("sync.file_failed: %s", outcome.path)
            outcome.status = "skipped"
            outcome.note = (
                f"AMTS internal error ({type(exc).__name__}, in the log); please report it"
            )
        if work.retry and outcome.status == "skipped" and "retried from" not in outcome.note:
            outcome.note = "; ".join(filter(None, [f"retried from {work.base[:8]}", outcome.note]))
        log.info(
            "sync.file_%s: %s%s",
            outcome.status,
            outcome.path,
            f" ({outcome.note})" * bool(outcome.note),
        )

    def _translate(self, jobs: list[FileJob]) -> None:
        """One engine call for every file; if the engine fails, the files that needed it are
        skipped (and retried by the next sync), the others go ahead."""
        plans = [job.plan for job in jobs]
        try:
            self.updater.translate(plans)
        except AmtsError as exc:
            log.error("sync.engine_failed: %s", exc)
            # The note is published (report, pull request): the service's error code, not
            # its message, which can name accounts and roles; the log has the message.
            code = getattr(exc, "code", "") or type(exc).__name__
            for job in jobs:
                if job.plan.pending or job.plan.held_out:
                    job.failed = f"the translation engine failed ({code}; details in the log)"

    def _carry(self, work: _Work, outcome: FileResult) -> FileJob | None:
        """The files a change writes (in ``outcome``), or a job waiting for the engine."""
        out, modes = outcome.files, outcome.modes
        olds = self._with_origin(work.old_path)
        if work.path is None:
            out.update({path: None for path in olds if path in self.target_files})
            outcome.status = "deleted" if out else "unchanged"
            outcome.note = "" if out else "there was no translation to delete"
            return None
        new_bytes = self._read(self.source, self.to, work.path)
        if new_bytes is None:  # a retry of a file the English no longer has
            outcome.status, outcome.note = "unchanged", f"{work.path} is gone from the source"
            return None
        new_english = self._doc(self.source, self.to, work.path)
        if work.new_english is not None:  # a section caught up: the rest as it was
            new_english, new_bytes = work.new_english, work.new_english.text.encode("utf-8")
        moved = work.old_path is not None and work.old_path != work.path
        if moved:
            if work.path in self.target_files:
                raise InputError(
                    f"{work.path}: the target already has a file where {work.old_path} moves "
                    "to; merge the two translations by hand"
                )
            for old, new in zip(olds, self._with_origin(work.path), strict=True):
                if old in self.target_files:
                    out[old] = None
                    modes[new] = self.target.mode(self.head, old) or ""
        current = work.old_path or work.path
        job = FileJob(self, work, outcome, new_english, new_bytes, moved, current)
        job.translation = self._read(self.target, self.head, current)
        if job.translation is None:
            if self._existed(work) and not work.catch_up:  # lag, not this push's change
                outcome.status, outcome.lag = "unchanged", untranslated(new_english).lag
                outcome.note = "no translation yet: the push's edit creates none"
                out.clear()
                modes.clear()
                return None
            empty = document.parse("", work.path)
            job.plan = self.updater.plan(empty, new_english, empty, path=work.path)
            return job
        old_english = work.old_english or self._old_english(work, current)
        if work.catch_up and work.new_english is not None:
            head = self._doc(self.source, self.to, work.path)
            outcome.lag = origin_lag(new_english, head).lag
        elif self.origins and old_english is not None and work.old_path and not work.catch_up:
            new_english = self._merged(work, old_english, new_english, job)
        if old_english is None:
            outcome.status = "unchanged"
            outcome.note = (
                "a translation exists but the English it was made from is unknown (no "
                f"{origin_path(work.path)}); left as it is, please check it by hand"
            )
            out.clear()
            modes.clear()
            return None
        if old_english.text != new_english.text:
            old_target = self._doc(self.target, self.head, current)
            job.plan = self.updater.plan(old_english, new_english, old_target, path=work.path)
            return job
        job.complete()
        return None

    def _existed(self, work: _Work) -> bool:
        """Whether the English file was there at ``base`` (so a missing translation lags)."""
        return work.old_path is not None and self.source.read(work.base, work.old_path) is not None

    def _merged(self, work: _Work, origin: Document, head: Document, job: FileJob) -> Document:
        """The origin with only this push's English edits: the new English of the update."""
        base = self._doc(self.source, work.base, work.old_path)
        if base is None:
            return head
        merge = merge_english(origin, base, head)
        job.outcome.not_carried = len(merge.lagging)
        merged = self.parse(merge.text, origin.path)
        job.outcome.lag = origin_lag(merged, head).lag
        job.new_english, job.new_bytes = merged, merge.text.encode("utf-8")
        return merged

    def translation_lag(self, english: Document, translation: bytes) -> int:
        """Blocks of ``english`` without a confident counterpart in ``translation``."""
        label = f"{self.target.role}:{english.path}"
        target = self.parse(document.decode(translation, label), label)
        return aligned_lag(self.updater.aligner.align(english, target, sentences=False)).lag

    def _with_origin(self, path: str | None) -> list[str]:
        if path is None:
            return []
        return [path, origin_path(path)] if self.origins else [path]

    def _prefill(self, works: list[_Work]) -> None:
        """Many files to plan whose alignments are not cached (a memory was given, so
        mining aligned nothing): the cache aligns them across processes first."""
        cache = self.updater.aligner.cache
        if cache is None or len(works) < MIN_PARALLEL_PAIRS:
            return
        pairs = []
        for work in works:
            current = work.old_path or work.path
            if work.path is None or current is None:
                continue
            english = self.target.read(self.head, origin_path(current)) if self.origins else None
            if english is None and work.old_path:
                english = self.source.read(work.base, work.old_path)
            translation = self.target.read(self.head, current)
            if english and translation:
                with suppress(UnicodeDecodeError):
                    pairs.append((english.decode("utf-8"), translation.decode("utf-8")))
        cache.prefill(self.updater.aligner, pairs)

    def _old_english(self, work: _Work, current: str) -> Document | None:
        if self.origins and (origin := self._doc(self.target, self.head, origin_path(current))):
            return origin
        return self._doc(self.source, work.base, work.old_path) if work.old_path else None


#: The sync a forked child carries files of (see :meth:`Synchronizer._spread`).
_child: Synchronizer | None = None


def _start_child(sync: Synchronizer) -> None:
    global _child
    _child = sync
    sync.source.reopen_after_fork()
    sync.target.reopen_after_fork()


def _carry_in_child(work: _Work) -> FileResult:
    assert _child is not None
    return _child._carry_alone(work)


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1_000_000 else f"{count / 1e3:.0f} KB"


def _work(change: Change, base: str) -> _Work:
    """A change of markdown files; a rename to or from another extension is a delete or add."""
    old = change.old_path if _is_markdown(change.old_path) else None
    new = change.new_path if _is_markdown(change.new_path) else None
    kind = change.kind if old and new else ("added" if new else "deleted")
    return _Work(kind, new, old, base)
