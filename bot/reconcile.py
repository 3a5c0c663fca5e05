"""The periodic safety net: every configured target compared with its English head.

Webhooks get lost and workers die. Every few minutes (and right after an installation)
this job lists every repository the App can see, and for each book with a
``.github/amts.yml`` compares each target's recorded English revision (on its open sync
pull request's branch, else on its default branch, in ``.amts/state.json``) with the
English head. A target that is behind gets a sync job, which coalesces with any already
waiting, so healing costs a few API reads when nothing is wrong. Only the API is read:
no git fetch for a book that is up to date.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from github import GithubException
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from bot.config import BookConfig, Target, load_config
from bot.errors import BotError
from bot.jobs import SyncJob
from bot.publish import finish_publish
from bot.pulls import open_sync_pr
from bot.syncpr import read_state, source_repository

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """One target's comparison: ``recorded`` (None: never synced) against ``head``."""

    source_repo: str
    target_repo: str
    head: str
    recorded: str | None
    queued: bool


def reconcile(services: Services) -> list[Verdict]:
    """Queue a sync for every target behind its English head; the verdicts, for logs and
    tests. One failing repository is logged and the others still reconciled."""
    verdicts: list[Verdict] = []
    for installation in services.github.integration().get_installations():
        gh = services.github.client(installation.id)
        for repo in installation_repositories(gh):
            try:
                verdicts += reconcile_book(services, gh, repo, installation.id)
            except (BotError, GithubException) as exc:
                logger.warning(
                    "reconcile.book_failed repo=%s error=%s",
                    repo.full_name,
                    services.github.mask(exc),
                )
    behind = sum(v.queued for v in verdicts)
    logger.info("reconcile.done targets=%d queued=%d", len(verdicts), behind)
    return verdicts


def installation_repositories(gh: Any) -> PaginatedList[Repository]:
    """The repositories the installation behind ``gh`` can see."""
    return PaginatedList(
        Repository, gh.requester, "/installation/repositories", None, list_item="repositories"
    )


def reconcile_book(services: Services, gh: Any, repo: Any, installation_id: int) -> list[Verdict]:
    """The verdicts for the targets of ``repo``, if it is a book's source."""
    branch = repo.default_branch
    config = load_config(repo, branch)
    if config is None:
        return []
    head = repo.get_branch(branch).commit.sha
    verdicts = []
    for target in config.targets:
        recorded = recorded_revision(services, gh, config, target)
        queued = False
        if recorded is None:
            logger.info(
                "reconcile.never_synced source=%s target=%s (the next push starts it)",
                repo.full_name,
                target.repo,
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
            finish_publish(services, gh, repo.full_name, config, target, head)
        verdicts.append(Verdict(repo.full_name, target.repo, head, recorded, queued))
    return verdicts


def recorded_revision(
    services: Services, gh: Any, config: BookConfig, target: Target
) -> str | None:
    """The English revision ``target`` follows: its open sync PR's, else its default
    branch's; ``None`` when it has never been synced."""
    repo = source_repository(services, gh, target.repo)
    pull = open_sync_pr(repo, config.branch)
    state = read_state(repo, pull.head.sha if pull is not None else repo.default_branch)
    return state.get("source_revision") if state else None
