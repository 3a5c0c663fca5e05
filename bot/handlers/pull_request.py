"""A merged sync pull request: the reviewed translations feed the next sync.

Once maintainers merge a sync PR, its sentences are the translators' word. The refresh
job (:mod:`bot.sync.refresh`) re-mines the target's translation memory from the merged files,
so the next sync reuses them, and with Amazon Translate updates the parallel data that
steers its batch jobs. A sync PR closed without merging is left closed: the next push
opens a new one from the default branch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.event import Event
from bot.logs import for_delivery
from bot.router import Router
from bot.sync.pr import find_sync_pr
from bot.work.jobs import RefreshJob

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)
router = Router()


@router.register("pull_request", action="closed")
def on_closed(event: Event, gh: Any, *, services: Services) -> None:
    """Queue a refresh of the target's translation memory when a sync PR is merged."""
    log = for_delivery(logger, event.delivery_id)
    pull = event.data.get("pull_request") or {}
    target = event.repo_full_name or ""
    if not pull.get("merged"):
        log.info("pull_request.closed_unmerged repo=%s number=%s", target, pull.get("number"))
        return
    sync_pr = find_sync_pr(services, gh, target, pull)
    if sync_pr is None:
        return
    merged_sha = pull.get("merge_commit_sha") or sync_pr.head_sha
    services.queue.enqueue_refresh(
        RefreshJob(
            target_repo=target,
            lang=sync_pr.target.lang,
            installation_id=event.installation_id or 0,
            merged_sha=merged_sha,
            delivery_id=event.delivery_id,
            source_repo=sync_pr.source_repo,
        )
    )
    log.info("pull_request.refresh_queued repo=%s merged=%s", target, merged_sha[:8])
