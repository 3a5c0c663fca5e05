"""The periodic safety net: every configured target compared with its English head.

Webhooks get lost and workers die. Every few minutes (and right after an installation)
this job lists every repository the App can see, and for each book with a
``.github/amts.yml`` compares each target's recorded English revision (on its open sync
pull request's branch, else on its default branch, in ``.amts/state.json``) with the
English head. A target with none gets its starting point recorded, the English head
(:mod:`bot.sync.startpoint`), so a push whose webhook is lost is healed from the first one.
A target that is behind gets a sync job, which coalesces with any already
waiting, so healing costs a few API reads when nothing is wrong. Only the API is read:
no git fetch for a book that is up to date.

It runs in the background lane, so it never holds up a sync; still, its calls are bounded:
each try by :data:`TRY_SECONDS`, each target's calls (and a book's, a listing's) by a
:func:`~bot.github.client.deadline` of :data:`TARGET_SECONDS`. A GitHub that hangs costs a
target seconds, and the next reconcile tries it again. The whole job, of every installation
or of one, has the job time limit (``AMTS_JOB_SECONDS``, :mod:`bot.work.timelimit`): an
installation of thousands of books cannot hold the lane, and an abandoned reconcile stops
before its next book or target.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from github.PaginatedList import PaginatedList
from github.Repository import Repository

from bot.books.config import BookConfig, Target, load_config
from bot.books.tenancy import check_target
from bot.errors import ConfigError
from bot.github.client import deadline
from bot.sync import startpoint
from bot.sync.pr import source_repository
from bot.sync.premine import enqueue_premines
from bot.sync.publish import finish_publish
from bot.work.jobs import SyncJob, Tenant
from bot.work.timelimit import JobTimeout, checkpoint

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)

TARGET_SECONDS = 10.0  # all of one target's GitHub calls, retries included
TRY_SECONDS = 5  # one try of one call
T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    """One target's comparison: ``recorded`` (None: never synced) against ``head``."""

    source_repo: str
    target_repo: str
    head: str
    recorded: str | None
    queued: bool
    started: bool = False  # ``head`` recorded now as the target's starting point


def reconcile(services: Services, installation_id: int | None = None) -> list[Verdict]:
    """Queue a sync for every target behind its English head (of one installation, if
    given); the verdicts, for logs and tests. A repository that fails, whatever the
    error, is reported on itself and the others are still reconciled."""
    verdicts: list[Verdict] = []
    if installation_id is not None:
        installations = [installation_id]
    else:
        installations = [i.id for i in _listed(services.github.integration().get_installations())]
    try:
        for installation in installations:
            checkpoint()
            with deadline(TARGET_SECONDS):
                gh = services.github.client(installation, timeout=TRY_SECONDS)
            for repo in _listed(installation_repositories(gh)):
                checkpoint()
                try:
                    verdicts += reconcile_book(services, gh, repo, installation)
                except JobTimeout:
                    raise
                except Exception as exc:  # one tenant's book never stops the others
                    with deadline(TARGET_SECONDS):
                        report_broken_book(services, repo, exc)
    except JobTimeout:
        logger.warning(
            "reconcile.stopped installation=%s targets=%d (past its time limit, "
            "AMTS_JOB_SECONDS; the next reconcile goes on)",
            installation_id if installation_id is not None else "all",
            len(verdicts),
        )
        raise
    behind = sum(v.queued for v in verdicts)
    logger.info("reconcile.done targets=%d queued=%d", len(verdicts), behind)
    return verdicts


def _listed(items: Iterable[T]) -> list[T]:
    """All pages of a listing, fetched within one deadline."""
    with deadline(TARGET_SECONDS):
        return list(items)


def report_broken_book(services: Services, repo: Any, exc: Exception) -> None:
    """Tell the repository, once per English head, why reconcile cannot read its book: the
    invalid-config check run, or a generic failure with an error id (the log has more)."""
    from bot.github.pulls import fail_check
    from bot.handlers.push import report_invalid_config
    from bot.incidents import public_error

    logger.warning(
        "reconcile.book_failed repo=%s error=%s", repo.full_name, services.github.mask(exc)
    )
    try:
        head = repo.get_branch(repo.default_branch).commit.sha
        if not services.queue.record_once(f"reconcile-report:{repo.full_name.lower()}:{head}"):
            return
        if isinstance(exc, ConfigError):
            report_invalid_config(repo, head, exc)
        else:
            text = public_error(exc, f"Reading the AMTS configuration of {repo.full_name}")
            fail_check(repo, head, "AMTS could not read this book", text)
    except Exception as report_exc:  # logged, and go on
        logger.warning(
            "reconcile.report_failed repo=%s error=%s",
            repo.full_name,
            services.github.mask(report_exc),
        )


def installation_repositories(gh: Any) -> PaginatedList[Repository]:
    """The repositories the installation behind ``gh`` can see."""
    return PaginatedList(
        Repository, gh.requester, "/installation/repositories", None, list_item="repositories"
    )


def reconcile_book(services: Services, gh: Any, repo: Any, installation_id: int) -> list[Verdict]:
    """The verdicts for the targets of ``repo``, if it is a book's source."""
    branch = repo.default_branch
    with deadline(TARGET_SECONDS):
        config = load_config(repo, branch)
        if config is None:
            return []
        head = repo.get_branch(branch).commit.sha
    verdicts = []
    for target in config.targets:
        checkpoint()  # an installation of many books stops where its time limit passed
        with deadline(TARGET_SECONDS):  # the target's every call, publishing included
            try:  # as at push time: only a target that is the book's or opted in to it
                check_target(services, Tenant(installation_id, repo.full_name, target.repo))
            except ConfigError as exc:
                logger.info("reconcile.target_refused target=%s %s", target.repo, exc)
                continue
            recorded = recorded_revision(services, gh, config, target)
            queued = started = False
            if recorded is None:
                started = start_target(
                    services, gh, installation_id, repo.full_name, config, target, head
                )
                if started:  # a new translation: its status issue from the start
                    from bot.dashboard.views import refresh

                    refresh(
                        services,
                        gh,
                        source=repo.full_name,
                        target=target.repo,
                        lang=target.lang,
                        installation_id=installation_id,
                        event="the installation",
                        dashboard=config.dashboard,
                        src_lang=config.source_lang,
                        exclude=config.exclude,
                        glossary=target.glossary,
                    )
                logger.info(
                    "reconcile.never_synced source=%s target=%s %s",
                    repo.full_name,
                    target.repo,
                    f"started={head[:8]}" if started else "(the next push starts it)",
                )
            elif recorded != head:
                queued = services.queue.enqueue_sync(
                    SyncJob(
                        source_repo=repo.full_name,
                        target_repo=target.repo,
                        lang=target.lang,
                        installation_id=installation_id,
                        reason=f"reconcile: {target.repo} follows {recorded[:8]}, English is at "
                        f"{head[:8]}",
                        after=head,
                    )
                )
                logger.info(
                    "reconcile.behind target=%s recorded=%s head=%s",
                    target.repo,
                    recorded[:8],
                    head[:8],
                )
            else:  # carried already; a job killed before it published leaves the PR stale
                finish_publish(services, gh, repo.full_name, config, target, head, installation_id)
        verdicts.append(Verdict(repo.full_name, target.repo, head, recorded, queued, started))
    enqueue_premines(services, repo.full_name, config, installation_id)
    return verdicts


def recorded_revision(
    services: Services, gh: Any, config: BookConfig, target: Target
) -> str | None:
    """The English revision ``target`` follows: its open sync PR's, else its default
    branch's, else its starting point's; ``None`` when it has none."""
    return startpoint.recorded_revision(source_repository(services, gh, target.repo), config.branch)


def start_target(
    services: Services,
    gh: Any,
    installation_id: int,
    source: str,
    config: BookConfig,
    target: Target,
    head: str,
) -> bool:
    """Record ``head`` as the starting point of a target never synced (:mod:`bot.sync.startpoint`);
    not while ``AMTS_PAUSED`` covers it."""
    if services.settings.is_paused(source, target.repo):
        return False
    repo = source_repository(services, gh, target.repo)
    try:
        commit = startpoint.record_start(
            services, installation_id, repo, config.branch, source, head
        )
    except ConfigError as exc:  # not this book's to write: its syncs say so where it shows
        logger.info("reconcile.not_started source=%s target=%s (%s)", source, target.repo, exc)
        return False
    return commit is not None
