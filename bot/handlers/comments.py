"""``/amts`` comments on a sync pull request: checked here, run by the command job.

Only comments that start with ``/amts`` on one of AMTS's own sync pull requests are
commands, and ``/amts catch-up`` on any issue or pull request of a target repository.
Bots are never obeyed (AMTS's own replies included, so it cannot talk to itself);
people without write access get a short reply and nothing runs. An accepted command
gets 👀 at once, so the maintainer knows it was heard, and its reply with the outcome
comes from the worker (:func:`bot.commands.run_command`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from github import GithubException

from bot.commands import CatchUp, is_command, parse
from bot.event import Event
from bot.github import github_error
from bot.jobs import CommandJob
from bot.logs import for_delivery
from bot.router import Router
from bot.syncpr import find_sync_pr

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)
router = Router()

#: Permissions that may run commands (GitHub's ``permission`` or ``role_name``).
WRITERS = frozenset({"admin", "maintain", "write"})
ACCEPTED_REACTION = "eyes"


def is_bot(user: dict[str, Any]) -> bool:
    """A GitHub App or other bot account: its type, or the ``[bot]`` suffix Apps' logins have."""
    return user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]")


@router.register("issue_comment", action="created")
def on_comment(event: Event, gh: Any, *, services: Services) -> None:
    """Accept or refuse an ``/amts`` command on a sync pull request."""
    log = for_delivery(logger, event.delivery_id)
    data = event.data
    comment, issue = data.get("comment") or {}, data.get("issue") or {}
    user = comment.get("user") or {}
    target = event.repo_full_name or ""
    body = comment.get("body") or ""
    anywhere = isinstance(parse(body), CatchUp)  # on any issue; the job finds the book
    if not is_command(body) or not (issue.get("pull_request") or anywhere):
        return
    if is_bot(user):
        log.info("comment.ignored repo=%s reason=bot user=%s", target, user.get("login"))
        return
    try:
        repo = gh.get_repo(target)
        if not anywhere:
            pull = repo.get_pull(int(issue["number"]))
            if find_sync_pr(services, gh, target, pull.raw_data) is None:
                log.info("comment.ignored repo=%s reason=not a sync PR", target)
                return
        login = user.get("login", "")
        permission = repo.get_collaborator_permission(login)
        thread = repo.get_issue(int(issue["number"]))
        if permission not in WRITERS:
            log.info("comment.refused repo=%s user=%s permission=%s", target, login, permission)
            thread.create_comment(refusal(login, target, permission))
            return
        thread.get_comment(int(comment["id"])).create_reaction(ACCEPTED_REACTION)
    except GithubException as exc:
        raise github_error(exc, f"answering an /amts comment on {target}") from exc
    services.queue.enqueue_command(
        CommandJob(
            target_repo=target,
            pr_number=int(issue["number"]),
            comment_id=int(comment["id"]),
            user=login,
            body=body,
            installation_id=event.installation_id or 0,
            delivery_id=event.delivery_id,
        )
    )
    log.info("comment.accepted repo=%s user=%s", target, login)


def refusal(login: str, repo: str, permission: str) -> str:
    return (
        f"@{login} AMTS commands can be run by people with write access to {repo} "
        f"(yours: {permission}); nothing was run. A maintainer can run it for you."
    )
