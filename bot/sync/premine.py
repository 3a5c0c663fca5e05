"""A target's translation memory, mined before its first sync.

The first sync of a target had to mine the memory from the whole translated book (~7 s
of a d2l first PR's 8 s) while the push waited for its pull request. Now, when the App
first sees a configured target (the reconcile job, which also runs right after an
installation) and has no memory cached for it, a low-priority ``premine`` job mines it
as that sync would (same aligner, same glossary: the alignments land in the alignment
cache too) and caches it where :mod:`bot.sync.run` and :mod:`bot.sync.refresh` keep it. The first
sync then costs what a later one does. A sync that comes first mines the memory itself,
as before, and the premine job finds it cached and stops.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.work.jobs import PremineJob

if TYPE_CHECKING:
    from bot.books.config import BookConfig
    from bot.services import Services

logger = logging.getLogger(__name__)

#: Beside the cached memory: when a premine was last queued (one try per target a day).
MARKER_SUFFIX = ".premine"
RETRY_SECONDS = 24 * 3600


def enqueue_premines(
    services: Services, source_repo: str, config: BookConfig, installation_id: int
) -> list[str]:
    """Queue a premine job for each target of the book with no memory cached yet (and
    none queued in the last day); the targets queued."""
    import time

    from bot.sync.refresh import MemoryCache

    queued = []
    from bot.work.jobs import Tenant

    for target in config.targets:
        tenant = Tenant(installation_id, source_repo, target.repo)
        cache = MemoryCache.of(services.settings.data_dir, tenant, target.lang)
        marker = cache.meta.with_suffix(MARKER_SUFFIX)
        if cache.path() is not None or _fresh(marker, RETRY_SECONDS, time.time()):
            continue
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{time.time():.0f}\n", encoding="utf-8")
        job = PremineJob(source_repo, target.repo, target.lang, installation_id)
        services.queue.enqueue_premine(job)
        logger.info("premine.queued target=%s lang=%s", target.repo, target.lang)
        queued.append(target.repo)
    return queued


def _fresh(marker: Path, seconds: float, now: float) -> bool:
    try:
        return now - marker.stat().st_mtime < seconds
    except OSError:
        return False


def _followed(tgt: Path, head: str, branch: str) -> str | None:
    """The English revision the target follows: recorded on its default branch, else the
    starting point reconcile recorded on the sync ``branch`` (:mod:`bot.sync.startpoint`)."""
    from amts.errors import AmtsError
    from amts.sync.state import STATE_PATH, SyncState
    from bot.github.mirrors import read_blob

    for rev in (head, f"refs/remotes/origin/{branch}"):
        data = read_blob(tgt, rev, STATE_PATH)
        if data is None:
            continue
        try:
            revision = SyncState.from_bytes(data, STATE_PATH).source_revision
        except AmtsError as exc:  # a damaged state: the first sync reports it
            logger.info("premine.state_unread rev=%s reason=%s", rev, exc)
            return None
        return revision if re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", revision) else None
    return None


def premine_memory(services: Services, job: PremineJob) -> Path | None:
    """Mine the target at its default branch's head into its memory cache; the cached TSV
    (``None`` when there was nothing to do or nothing could be mined)."""
    from amts.sync.git import GitRepo
    from amts.sync.mining import mine_memory
    from bot.books.config import load_config
    from bot.books.tenancy import check_claims, check_target
    from bot.github.mirrors import rev_parse
    from bot.sync.refresh import MemoryCache
    from bot.sync.run import make_target_updater, target_glossary

    data_dir = services.settings.data_dir
    cache = MemoryCache.of(data_dir, job.tenant, job.lang)
    if cache.path() is not None:
        logger.info("premine.skipped target=%s reason=memory already cached", job.target_repo)
        return None
    gh = services.github.client(job.installation_id)
    source_repo: Any = gh.get_repo(job.source_repo)
    config = load_config(source_repo, source_repo.default_branch)
    target = config.target(job.target_repo) if config else None
    if config is None or target is None:
        logger.info("premine.skipped target=%s reason=not a configured target", job.target_repo)
        return None
    # The same checks and credentials as the target's sync (bot.sync.run).
    target_installation = check_target(services, job.tenant)
    check_claims(services, job.tenant)
    target_repo: Any = services.github.client(target_installation).get_repo(job.target_repo)
    source_token = services.github.token(job.installation_id)
    token = services.github.token(target_installation)
    mirrors = services.mirrors.of(job.installation_id)
    with mirrors.locked(target_repo.full_name), tempfile.TemporaryDirectory() as tmp:
        tgt = mirrors.fetch(target_repo.full_name, target_repo.clone_url, token)
        head = rev_parse(tgt, f"refs/remotes/origin/{target_repo.default_branch}")
        if head is None:
            return None
        glossary = target_glossary(tgt, head, target, Path(tmp))
        updater = make_target_updater(config, target, glossary, data_dir, job)
        base = _followed(tgt, head, config.branch)
        src = None
        if base is not None:  # translations without origin files pair with this English
            src = mirrors.fetch(source_repo.full_name, source_repo.clone_url, source_token)
            if rev_parse(src, base) is None:
                src, base = None, None  # an English revision gone from the source
        with GitRepo(tgt, "target") as repo:
            source = GitRepo(src, "source") if src is not None else None
            try:
                memory = mine_memory(updater, repo, head, source, base)
            finally:
                if source is not None:
                    source.close()
    if not len(memory):
        logger.info("premine.nothing target=%s reason=no sentence pair found", job.target_repo)
        return None
    cache.write(list(memory.pairs()), config.source_lang, target.lang, head)
    logger.info("premine.done target=%s pairs=%d", job.target_repo, len(memory))
    return cache.tsv
