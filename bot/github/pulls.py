"""The sync pull request on GitHub: find it, open it, describe it, report a failure on it.

Every call goes through PyGithub with the App's retrying client (:mod:`bot.github.client`);
its exceptions become :class:`~bot.errors.GitHubError` here. Opening a pull request is
the one call that must not happen twice: it is preceded by a look for an open one, and
GitHub's "A pull request already exists" (a retried POST whose first try went through)
is answered by taking that pull request.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from github import GithubException
from github.PullRequest import PullRequest
from github.Repository import Repository

from bot.github.client import github_error, mask
from bot.github.mentions import neutralise

log = logging.getLogger(__name__)

RETRY_COMMAND = "/amts sync"
CHECK_NAME = "amts"
MAX_ERROR_CHARS = 3000


def is_sync_branch(ref: str, branch: str) -> bool:
    """Whether ``ref`` is the sync ``branch`` (``amts/sync``) or one of the fresh names
    ``amts/sync-<sha>`` a sync uses after a closed pull request."""
    return ref == branch or re.fullmatch(re.escape(branch) + r"-[0-9a-f]{8}", ref) is not None


def open_sync_pr(repo: Repository, branch: str) -> PullRequest | None:
    """The open sync pull request of ``repo`` from its own ``branch`` family, if any
    (the oldest, should there be several)."""
    try:
        pulls = [
            pull
            for pull in repo.get_pulls(state="open", sort="created", direction="asc")
            if is_sync_branch(pull.head.ref, branch)
            and pull.head.repo is not None
            and pull.head.repo.full_name.lower() == repo.full_name.lower()
        ]
    except GithubException as exc:
        raise github_error(exc, f"listing the open pull requests of {repo.full_name}") from exc
    return pulls[0] if pulls else None


def had_pr(repo: Repository, branch: str) -> bool:
    """Whether any pull request (open, closed or merged) ever came from ``branch``."""
    try:
        pulls = repo.get_pulls(state="all", head=f"{repo.owner.login}:{branch}")
        return any(pull.head.ref == branch for pull in pulls)
    except GithubException as exc:
        raise github_error(exc, f"listing the pull requests of {repo.full_name}") from exc


def open_pr(
    repo: Repository,
    *,
    branch: str,
    title: str,
    body: str,
    labels: tuple[str, ...] = (),
    reviewers: tuple[str, ...] = (),
) -> PullRequest:
    """Open the pull request from ``branch`` into the default branch, with labels and
    reviewers; an open one of that branch (a retried POST that went through) is reused.
    The title and body mention nobody (:mod:`bot.github.mentions`)."""
    title, body = neutralise(title), neutralise(body)
    try:
        pull = repo.create_pull(
            title=title,
            body=body,
            head=branch,
            base=repo.default_branch,
            maintainer_can_modify=False,
        )
    except GithubException as exc:
        if exc.status != 422 or "already exists" not in str(exc.data):
            raise github_error(exc, f"opening the pull request from {branch}") from exc
        pull = next(
            (p for p in repo.get_pulls(state="open") if p.head.ref == branch),
            None,
        )
        if pull is None:
            raise github_error(exc, f"opening the pull request from {branch}") from exc
        update_pr(pull, title=title, body=body)
    if labels:
        try:
            pull.add_to_labels(*labels)
        except GithubException as exc:
            raise github_error(exc, f"labelling pull request #{pull.number}") from exc
    if reviewers:
        try:
            pull.create_review_request(reviewers=list(reviewers))
        except GithubException as exc:  # a reviewer without access: the PR is still good
            log.warning(
                "sync.reviewers_refused: %s",
                github_error(exc, f"requesting reviewers on #{pull.number}"),
            )
    return pull


def update_pr(pull: PullRequest, *, title: str, body: str) -> None:
    try:
        pull.edit(title=neutralise(title), body=neutralise(body))
    except GithubException as exc:
        raise github_error(exc, f"updating pull request #{pull.number}") from exc


def failure_text(error: str) -> str:
    """What a failed sync tells the humans: what failed (:mod:`bot.incidents`) and how to
    retry."""
    error = mask(error)
    if len(error) > MAX_ERROR_CHARS:
        error = error[:MAX_ERROR_CHARS] + " …"
    return neutralise(
        "AMTS could not bring this translation up to date with the English source.\n\n"
        f"{error}\n\n"
        f"Once the cause is fixed, comment `{RETRY_COMMAND}` on the sync pull request to "
        "retry (the next push to the English default branch retries too)."
    )


def comment_failure(pull: PullRequest, error: str) -> None:
    try:
        pull.create_issue_comment(failure_text(error))
    except GithubException as exc:
        raise github_error(exc, f"commenting on pull request #{pull.number}") from exc


def fail_check(repo: Repository, sha: str, title: str, error: str) -> Any:
    """A failed ``amts`` check run on the English commit ``sha`` (when there is no PR)."""
    try:
        return repo.create_check_run(
            name=CHECK_NAME,
            head_sha=sha,
            status="completed",
            conclusion="failure",
            output={"title": neutralise(title)[:250], "summary": failure_text(error)},
        )
    except GithubException as exc:
        raise github_error(exc, f"reporting the failure on {repo.full_name}@{sha[:8]}") from exc
