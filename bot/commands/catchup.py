"""``/amts catch-up PATH[#LABEL] ...``: a translation's lag, carried when a maintainer asks.

A push's sync carries only that push's English change; what a translation lagged behind
before stays as it is, measured by ``amts lag`` and named in the sync pull request's
body. This command carries all the lag of the files, directories or sections it names
into the sync pull request as one new commit, with the same report as a sync, opening
the pull request if there is none (:func:`bot.sync.run.run_sync` with ``catch_up``). It is
accepted on the sync pull request and on any issue of the target repository, so the book
is found from the target itself: the ``.amts/state.json`` of its default branch, of an
open sync pull request, or of its starting point (:mod:`bot.sync.startpoint`) names the
English repository, whose ``.github/amts.yml`` must list the target.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from github import GithubException

from amts.errors import InputError
from bot.books.config import DEFAULT_BRANCH, load_config
from bot.github.client import github_error
from bot.sync.pr import SyncPR, find_sync_pr, read_state, repo_name, source_repository
from bot.work.jobs import CommandJob, SyncJob

if TYPE_CHECKING:
    from bot.services import Services
    from bot.sync.run import SyncOutcome

logger = logging.getLogger(__name__)

MAX_PULLS = 20  # open pull requests looked at for the sync PR: bounded whatever the repo


def catch_up(services: Services, gh: Any, repo: Any, paths: Sequence[str], job: CommandJob) -> str:
    """``/amts catch-up PATH ...``: carry the lag of ``paths``; the reply."""
    outcome = catch_up_paths(
        services,
        target_repo=repo.full_name,
        paths=list(paths),
        user=job.user,
        installation_id=job.installation_id,
        delivery_id=job.delivery_id,
    )
    return describe(outcome, list(paths))


def catch_up_paths(
    services: Services,
    *,
    target_repo: str,
    paths: Sequence[str],
    user: str,
    installation_id: int,
    delivery_id: str = "",
) -> SyncOutcome:
    """Carry the lag of ``paths`` (``PATH`` or ``PATH#LABEL``) of ``target_repo`` into its
    sync PR: the outcome of :func:`bot.sync.run.run_sync`. Raises :class:`InputError` when the
    repository is no configured target or a path is not one the core can catch up."""
    from bot.sync.run import run_sync

    gh = services.github.client(installation_id)
    repo = source_repository(services, gh, target_repo)  # an opted-in target: its own
    book = find_book(services, gh, repo)
    if book is None:
        raise InputError(
            f"{target_repo} is not a translation AMTS keeps (no English book's "
            "`.github/amts.yml` lists it, or AMTS has not started following it yet)"
        )
    source, target = book
    outcome = run_sync(
        services,
        SyncJob(
            source_repo=source,
            target_repo=target.repo,
            lang=target.lang,
            # the book's tenant, whichever side asked: the sync checks the target's opt-in
            installation_id=services.github.installation_for(source),
            reason=f"/amts catch-up by @{user}",
            delivery_id=delivery_id,
        ),
        catch_up=tuple(paths),
    )
    logger.info(
        "catchup.done repo=%s status=%s commit=%s", target_repo, outcome.status, outcome.commit
    )
    return outcome


def describe(outcome: SyncOutcome, paths: Sequence[str]) -> str:
    """The reply: the commit and the pull request, or why there is none."""
    asked = ", ".join(f"`{path}`" for path in paths)
    retry = f"`/amts catch-up {' '.join(paths)}`"
    if outcome.status == "failed" or (outcome.error and not outcome.commit):
        return f"the catch-up of {asked} failed: {outcome.error}\n\nTo try again, comment {retry}."
    if not outcome.commit:
        return f"nothing to catch up in {asked}: {outcome.message or 'no lag'}."
    verb = "opened" if outcome.status == "opened" else "added to"
    text = (
        f"caught up {asked}: commit {outcome.commit[:12]}, {verb} the sync pull request "
        f"{outcome.pr_url}; its description lists what was carried."
    )
    if outcome.error:
        text += f"\n\nSome files could not be carried:\n{outcome.error}"
    return text


def find_book(services: Services, gh: Any, repo: Any) -> tuple[str, Any] | None:
    """The English repository and the :class:`~bot.books.config.Target` of ``repo``, from the
    state file of its default branch, an open sync PR or its starting point."""
    for ref in (repo.default_branch, DEFAULT_BRANCH):
        book = _book_of(services, gh, repo, read_state(repo, ref))
        if book is not None:
            return book
    sync_pr = _open_sync_pr(services, gh, repo)
    return (sync_pr.source_repo, sync_pr.target) if sync_pr else None


def _book_of(
    services: Services, gh: Any, repo: Any, state: dict[str, Any] | None
) -> tuple[str, Any] | None:
    source = repo_name(str((state or {}).get("source_repo") or ""))
    if source is None:
        return None
    source_repo = source_repository(services, gh, source)
    config = load_config(source_repo, source_repo.default_branch)
    target = config.target(repo.full_name) if config else None
    return (source, target) if target is not None else None


def _open_sync_pr(services: Services, gh: Any, repo: Any) -> SyncPR | None:
    """An open pull request of ``repo`` that is a sync PR (a custom sync branch name)."""
    try:
        pulls = repo.get_pulls(state="open", sort="created", direction="asc")
        for index, pull in enumerate(pulls):
            if index >= MAX_PULLS:
                return None
            if pull.head.repo is None or pull.head.repo.full_name != repo.full_name:
                continue
            found = find_sync_pr(services, gh, repo.full_name, pull.raw_data)
            if found is not None:
                return found
    except GithubException as exc:
        raise github_error(exc, f"listing the open pull requests of {repo.full_name}") from exc
    return None
