"""A push to the English book's default branch: one sync job per translation.

Only the default branch carries the book; tags, other branches and branch deletions are
not the book changing. The configuration is read at the pushed commit, so a commit that
breaks ``.github/amts.yml`` is told so right there, as a failed ``amts`` check run and
on the book's open sync pull requests (:mod:`bot.books.invalid`), and nothing is synced
until it is fixed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from github import GithubException

from bot.books.config import CONFIG_PATH, load_config
from bot.books.invalid import clear_invalid, report_invalid
from bot.books.spending import check_engine
from bot.books.tenancy import check_target
from bot.errors import BotError, ConfigError
from bot.event import Event
from bot.github.client import github_error
from bot.github.mentions import neutralise
from bot.github.pulls import fail_check
from bot.logs import for_delivery
from bot.router import Router
from bot.work.jobs import SyncJob

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)
router = Router()

CHECK_NAME = "amts"


def pushed_to_default_branch(data: dict[str, Any]) -> str | None:
    """Why the push is ignored, or ``None`` when it is a new commit on the default branch."""
    default = (data.get("repository") or {}).get("default_branch")
    if data.get("deleted"):
        return "branch deleted"
    ref = data.get("ref", "")
    if not ref.startswith("refs/heads/"):
        return f"not a branch ({ref})"
    if ref != f"refs/heads/{default}":
        return f"not the default branch ({ref.removeprefix('refs/heads/')})"
    return None


@router.register("push")
def on_push(event: Event, gh: Any, *, services: Services) -> None:
    """Queue a sync of every configured target, or report an invalid configuration."""
    log = for_delivery(logger, event.delivery_id)
    data = event.data
    source = event.repo_full_name or ""
    ignored = pushed_to_default_branch(data)
    if ignored is not None:
        log.info("push.ignored repo=%s reason=%s", source, ignored)
        return
    after, before = data["after"], data.get("before", "")
    repo = gh.get_repo(source)
    try:
        config = load_config(repo, after)
        if config is not None:
            check_engine(services.settings, config, event.installation_id or 0, source)
    except ConfigError as exc:
        log.warning("push.invalid_config repo=%s sha=%s %s", source, after[:8], exc)
        services.status.update_source(
            source, event.installation_id or 0, config_error=str(exc), revision=after
        )
        report_invalid_config(repo, after, exc)
        report_invalid(services, gh, source, after, exc)
        return
    services.status.update_source(source, event.installation_id or 0, config_error=None)
    if config is None:
        log.info("push.ignored repo=%s reason=no %s", source, CONFIG_PATH)
        return
    clear_invalid(services, gh, source, [target.repo for target in config.targets])
    for target in config.targets:
        job = SyncJob(
            source_repo=source,
            target_repo=target.repo,
            lang=target.lang,
            installation_id=event.installation_id or 0,
            reason=f"push {before[:8]}..{after[:8]} to {source}",
            delivery_id=event.delivery_id,
            before=before,
            after=after,
        )
        if not allowed(services, repo, after, job):
            continue
        queued = services.queue.enqueue_sync(job)
        log.info("push.sync_%s target=%s", "queued" if queued else "coalesced", target.repo)


def allowed(services: Services, repo: Any, sha: str, job: SyncJob) -> bool:
    """Whether ``job``'s target is the book's installation's or opted in to the book; a
    refusal is a failed ``amts`` check run on ``sha``, and nothing is queued for it. The
    sync checks again when it runs (a target may opt out meanwhile); an error other than
    a refusal leaves the decision to it."""
    log = for_delivery(logger, job.delivery_id)
    try:
        check_target(services, job.tenant)
    except ConfigError as exc:
        log.warning("push.target_refused target=%s %s", job.target_repo, exc)
        try:
            fail_check(repo, sha, f"AMTS does not sync {job.target_repo}", exc.problem)
        except BotError as error:  # the log has it; the other targets still sync
            log.error("push.refusal_not_reported target=%s error=%s", job.target_repo, error)
        return False
    except Exception as exc:
        log.warning("push.target_unchecked target=%s error=%s", job.target_repo, exc)
    return True


def report_invalid_config(repo: Any, sha: str, error: ConfigError) -> None:
    """A failed ``amts`` check run on ``sha`` naming the key and the problem."""
    text = (
        f"`{CONFIG_PATH}` at {sha[:8]} is invalid, so nothing was synced.\n\n"
        f"- key: `{error.key}`\n- problem: {error.problem}\n\n"
        "Fix the file and push again; the next push to the default branch syncs every "
        "translation."
    )
    try:
        repo.create_check_run(
            name=CHECK_NAME,
            head_sha=sha,
            status="completed",
            conclusion="failure",
            output={
                "title": neutralise(f"Invalid {CONFIG_PATH}: {error.key}"),
                "summary": neutralise(f"`{error.key}`: {error.problem}"),
                "text": neutralise(text),
            },
        )
    except GithubException as exc:
        raise github_error(exc, f"reporting the invalid {CONFIG_PATH} of {repo.full_name}") from exc
