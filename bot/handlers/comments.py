"""``/amts`` comments on a sync pull request: checked here, run by the command job.

Only comments that start with ``/amts`` on one of AMTS's own sync pull requests are
commands, and ``/amts catch-up`` on any issue or pull request of a target repository
(the book is found from the target's own state file). Bots are never obeyed (AMTS's own
replies included, so it cannot talk to itself). On a public repository anyone can
comment, so what an outsider's comment costs is bounded before any API call, from the
payload alone: a pull request a person opened is no sync PR, and an author whose
``author_association`` is not owner, member or collaborator cannot have write access.
People without write access get one short reply per pull request, mentioning nobody, and
nothing runs. A comment runs once, whatever the number of deliveries (GitHub's
redeliveries have new ids). An accepted command gets 👀 at once, so the maintainer knows
it was heard, and its reply with the outcome comes from the worker
(:func:`bot.commands.run.run_command`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from github import GithubException

from bot.commands.catchup import find_book
from bot.commands.run import CatchUp, is_command, parse
from bot.event import Event
from bot.github.client import github_error
from bot.logs import for_delivery
from bot.router import Router
from bot.sync.pr import find_sync_pr
from bot.work.jobs import CommandJob

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)
router = Router()

#: Permissions that may run commands (GitHub's ``permission`` or ``role_name``).
WRITERS = frozenset({"admin", "maintain", "write"})
#: ``author_association`` values that may come with write access (then the API says).
MAYBE_WRITERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
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
    anywhere = isinstance(parse(body), CatchUp)  # on any issue or pull request
    if not is_command(body) or not (issue.get("pull_request") or anywhere):
        return
    if is_bot(user):
        log.info("comment.ignored repo=%s reason=bot user=%s", target, user.get("login"))
        return
    if not anywhere and not is_bot(issue.get("user") or {}):
        log.info("comment.ignored repo=%s reason=a pull request a person opened", target)
        return
    installation, number = event.installation_id or 0, int(issue["number"])
    login = user.get("login", "")
    if comment.get("author_association") not in MAYBE_WRITERS:
        log.info("comment.refused repo=%s user=%s reason=no write access", target, login)
        _refuse_once(services, gh, target, number)
        return
    once = f"comment:{installation}:{target.lower()}:{comment['id']}"
    if not services.queue.record_once(once):
        log.info("comment.ignored repo=%s reason=ran already comment=%s", target, comment["id"])
        return
    try:
        source = _check_and_react(services, gh, log, target, number, comment, login, anywhere)
    except BaseException:
        services.queue.forget_once(once)  # nothing ran: a redelivery may try again
        raise
    if source is None:
        return
    services.queue.enqueue_command(
        CommandJob(
            target_repo=target,
            pr_number=number,
            comment_id=int(comment["id"]),
            user=login,
            body=body,
            installation_id=installation,
            delivery_id=event.delivery_id,
            source_repo=source,
        )
    )
    log.info("comment.accepted repo=%s user=%s", target, login)


def _check_and_react(
    services: Services,
    gh: Any,
    log: Any,
    target: str,
    number: int,
    comment: dict[str, Any],
    login: str,
    anywhere: bool = False,
) -> str | None:
    """The book (source repository) of the sync PR when the comment is a command to run:
    by someone with write access (👀 on the comment); else a refusal once per PR.
    ``anywhere`` (``/amts catch-up``): any thread, the book from the target's state."""
    try:
        repo = gh.get_repo(target)
        if anywhere:
            source = ""
        else:
            pull = repo.get_pull(number)
            sync_pr = find_sync_pr(services, gh, target, pull.raw_data)
            if sync_pr is None:
                log.info("comment.ignored repo=%s reason=not a sync PR", target)
                return None
            source = sync_pr.source_repo
        permission = repo.get_collaborator_permission(login)
        if permission not in WRITERS:
            log.info("comment.refused repo=%s user=%s permission=%s", target, login, permission)
            _refuse_once(services, gh, target, number)
            return None
        repo.get_issue(number).get_comment(int(comment["id"])).create_reaction(ACCEPTED_REACTION)
        if anywhere:  # the job's lease is the book's: the same as its syncs'
            book = find_book(services, gh, repo)
            source = book[0] if book else ""  # none: the job says it is no target
    except GithubException as exc:
        raise github_error(exc, f"answering an /amts comment on {target}") from exc
    return source


def _refuse_once(services: Services, gh: Any, target: str, number: int) -> None:
    """One reply per pull request to the people who may not run commands."""
    if not services.queue.record_once(f"refused:{target.lower()}#{number}"):
        return
    try:
        gh.requester.requestJsonAndCheck(  # one call: no read of the repository or issue
            "POST", f"/repos/{target}/issues/{number}/comments", input={"body": refusal(target)}
        )
    except GithubException as exc:
        raise github_error(exc, f"answering an /amts comment on {target}") from exc


def refusal(repo: str) -> str:
    return (
        f"AMTS commands can be run by people with write access to {repo}; nothing was run. "
        "A maintainer can run it for you. (AMTS says this once per pull request.)"
    )
