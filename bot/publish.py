"""The sync's last step, publishing, derived from the branch's own records so it can be
finished later.

A sync pushes its commit, which carries ``.amts/state.json`` and ``.amts/report.json``,
and then writes the pull request's title and body and the status record. A job killed
between the two leaves the branch at the English head: reconcile sees nothing behind, and
the pull request would describe an older revision until the next push. The title and body
are a function of the branch's ``report.json`` (:func:`pr_text`), so reconcile compares
them with the open pull request and finishes the step (:func:`finish_publish`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from github import GithubException

from amts.errors import AmtsError
from bot.github import github_error
from bot.jobs import Tenant
from bot.pulls import RETRY_COMMAND, open_sync_pr, update_pr
from bot.syncpr import source_repository

if TYPE_CHECKING:
    from bot.config import BookConfig, Target
    from bot.services import Services

logger = logging.getLogger(__name__)


def pr_text(report: bytes | None, src_lang: str) -> tuple[str, str]:
    """The sync pull request's title and body for a branch whose ``.amts/report.json``
    is ``report``: what every sync on the branch carried."""
    from amts.sync.history import SyncHistory

    history = SyncHistory.from_bytes(report)
    return history.title(src_lang), history.render(src_lang=src_lang, retry_command=RETRY_COMMAND)


def finish_publish(
    services: Services,
    gh: Any,
    source_repo: str,
    config: BookConfig,
    target: Target,
    english: str,
    installation_id: int = 0,
) -> bool:
    """Bring ``target``'s open sync pull request and status record in line with its
    branch, which carries the English revision ``english``; whether anything was stale."""
    from amts.sync.history import HISTORY_PATH

    if services.settings.is_paused(source_repo, target.repo):
        return False
    repo = source_repository(services, gh, target.repo)
    pull = open_sync_pr(repo, config.branch)
    if pull is None:
        return False
    try:
        report = repo.get_contents(HISTORY_PATH, ref=pull.head.sha).decoded_content
    except GithubException as exc:
        if exc.status != 404:
            raise github_error(exc, f"reading {HISTORY_PATH} of {repo.full_name}") from exc
        return False  # not a branch with records: nothing to publish from
    try:
        title, body = pr_text(report, config.source_lang)
    except AmtsError as exc:  # a damaged report: the next sync says so on the PR
        logger.warning("reconcile.report_unreadable target=%s error=%s", target.repo, exc)
        return False
    stale = (pull.title, _text(pull.body)) != (title, _text(body))
    if stale:
        update_pr(pull, title=title, body=body)
        logger.info(
            "reconcile.pr_published target=%s pr=%s english=%s",
            target.repo,
            pull.number,
            english[:8],
        )
    key = Tenant(installation_id, source_repo, target.repo).key
    record = services.status.get(target.repo, key=key) or {}
    if (record.get("synced_revision"), record.get("pr_url")) != (english, pull.html_url):
        services.status.update(
            target.repo,
            key=key,
            installation_id=installation_id,
            source_repo=source_repo,
            lang=target.lang,
            synced_revision=english,
            pr_url=pull.html_url,
        )
        stale = True
    return stale


def _text(body: str | None) -> str:
    """A body as GitHub may hand it back: CRLF line ends, trailing blanks trimmed."""
    return (body or "").replace("\r\n", "\n").strip()
