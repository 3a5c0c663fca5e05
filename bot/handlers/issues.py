"""The status issue: a writer's ticked box asks for a catch-up; closing it pauses updates.

Only edits of AMTS's own status issue matter, and only boxes ticked by that edit (GitHub
sends the previous body in ``changes.body.from``). The *editor's* permission is checked:
GitHub lets triagers edit issue bodies, and anyone may edit an issue they opened. A bot's
edit (AMTS's own included) is ignored; an edit by someone without write access changes
nothing: AMTS puts its body back. Closed by a person: AMTS stops editing it until it is
reopened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from github import GithubException

from bot.dashboard.issue import is_dashboard, ticked
from bot.event import Event
from bot.github.client import github_error
from bot.handlers.comments import WRITERS, is_bot
from bot.logs import for_delivery
from bot.router import Router
from bot.work.jobs import CatchUpRequest

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)
router = Router()
MAX_PATHS = 20  # boxes ticked in one edit that are acted on


def status_record(services: Services, event: Event) -> dict[str, Any] | None:
    """The target's status record when the event's issue is its status issue."""
    issue = event.data.get("issue") or {}
    target = event.repo_full_name or ""
    record = services.status.find(target, None)  # a translation follows one book
    if record is None or issue.get("pull_request"):
        return None
    number = (record.get("dashboard") or {}).get("number")
    if number == issue.get("number") or (
        number is None and is_dashboard(issue.get("body"), target)
    ):
        return record
    return None


@router.register("issues", action="edited")
def on_edited(event: Event, gh: Any, *, services: Services) -> None:
    """Queue a catch-up of the boxes a writer ticked; undo anyone else's ticks."""
    log = for_delivery(logger, event.delivery_id)
    record = status_record(services, event)
    sender = event.data.get("sender") or {}
    if record is None or is_bot(sender):
        return
    issue = event.data["issue"]
    before = ((event.data.get("changes") or {}).get("body") or {}).get("from")
    paths = ticked(issue.get("body") or "", before)[:MAX_PATHS]
    if not paths:
        return
    target, login = record["target_repo"], str(sender.get("login", ""))
    try:
        repo = gh.get_repo(target)
        permission = repo.get_collaborator_permission(login)
    except GithubException as exc:
        raise github_error(exc, f"checking who edited the status issue of {target}") from exc
    if permission not in WRITERS:
        log.info("dashboard.refused repo=%s user=%s permission=%s", target, login, permission)
        from bot.dashboard.views import publish

        publish(services, repo, record, force=True)  # the boxes come back unticked
        return
    services.queue.enqueue_catch_up(
        CatchUpRequest(
            target_repo=target,
            issue_number=int(issue["number"]),
            user=login,
            paths=tuple(paths),
            installation_id=int(record.get("installation_id") or event.installation_id or 0),
            delivery_id=event.delivery_id,
            source_repo=record.get("source_repo") or "",
        )
    )
    log.info("dashboard.catch_up_queued repo=%s user=%s paths=%d", target, login, len(paths))


@router.register("issues", action="closed")
@router.register("issues", action="reopened")
def on_closed_or_reopened(event: Event, gh: Any, *, services: Services) -> None:
    """Closed by a person: stop editing the status issue. Reopened: bring it up to date."""
    record = status_record(services, event)
    if record is None or is_bot(event.data.get("sender") or {}):
        return
    target, number = record["target_repo"], int(event.data["issue"]["number"])
    closed = event.action == "closed"
    url = event.data["issue"].get("html_url")
    record = services.status.update(
        target,
        key=record.get("key"),
        dashboard={"number": number, "closed": closed, "url": url},
    )
    for_delivery(logger, event.delivery_id).info(
        "dashboard.%s repo=%s issue=%s", event.action, target, number
    )
    if not closed:
        from bot.dashboard.views import publish

        publish(services, gh.get_repo(target), record)
