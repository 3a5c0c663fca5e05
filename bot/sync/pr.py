"""Which pull requests are AMTS's sync pull requests, and which book each belongs to.

A comment or a merge arrives on the *target* repository, but the book's configuration
(engine, sync branch, targets) lives in the *source* repository. The link is the sync
branch's ``.amts/state.json``, whose ``source_repo`` names the English repository; the
pull request counts as a sync PR only if that repository's ``.github/amts.yml`` lists the
target and the pull request's head is its sync branch (or a fresh ``<branch>-<sha>`` one).
A pull request from a fork, or one whose branch has no state file, is a translator's.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from github import GithubException

from bot.books.config import BookConfig, Target, load_config
from bot.github.client import github_error
from bot.github.pulls import is_sync_branch

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

STATE_PATH = ".amts/state.json"
_FULL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class SyncPR:
    """A sync pull request of ``target.repo``: its book, branch and head commit."""

    source_repo: str
    config: BookConfig
    target: Target
    number: int
    branch: str
    head_sha: str


def repo_name(source: str) -> str | None:
    """``owner/name`` from what a state file records: a clone URL, a path or the name."""
    text = source.strip().removesuffix("/").removesuffix(".git")
    if _FULL_NAME.match(text):
        return text
    path = urlsplit(text).path if "://" in text else text.rpartition(":")[2]
    parts = [part for part in path.split("/") if part]
    return "/".join(parts[-2:]) if len(parts) >= 2 else None


def read_state(gh_repo: Any, ref: str) -> dict[str, Any] | None:
    """The ``.amts/state.json`` of ``gh_repo`` at ``ref`` as a dict; ``None`` when absent
    or unreadable (then the branch is not one AMTS keeps)."""
    try:
        content = gh_repo.get_contents(STATE_PATH, ref=ref)
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise github_error(exc, f"reading {STATE_PATH} of {gh_repo.full_name} at {ref}") from exc
    if isinstance(content, list):
        return None
    try:
        state = json.loads(content.decoded_content)
    except ValueError:
        log.warning("syncpr.bad_state repo=%s ref=%s", gh_repo.full_name, ref)
        return None
    return state if isinstance(state, dict) else None


def source_repository(services: Services, gh: Any, source: str) -> Any:
    """The PyGithub repository ``source``, through ``gh`` when the same installation covers
    it, else through the installation on ``source`` (another organisation's book)."""
    try:
        return gh.get_repo(source)
    except GithubException as exc:
        if exc.status not in (403, 404):
            raise github_error(exc, f"reading {source}") from exc
    client = services.github.client(services.github.installation_for(source))
    try:
        return client.get_repo(source)
    except GithubException as exc:
        raise github_error(exc, f"reading {source}") from exc


def find_sync_pr(
    services: Services, gh: Any, target_repo: str, pull: dict[str, Any]
) -> SyncPR | None:
    """The :class:`SyncPR` that ``pull`` (a pull request as the API or a webhook gives
    it) is, or ``None`` when it is not AMTS's."""
    head = pull.get("head") or {}
    head_repo = (head.get("repo") or {}).get("full_name", "")
    branch, head_sha = head.get("ref", ""), head.get("sha", "")
    if head_repo.lower() != target_repo.lower() or not branch or not head_sha:
        return None  # a fork's pull request: AMTS only pushes to the target itself
    state = read_state(gh.get_repo(target_repo), head_sha)
    source = repo_name(str((state or {}).get("source_repo") or ""))
    if source is None:
        log.info("syncpr.not_ours repo=%s branch=%s reason=no state file", target_repo, branch)
        return None
    source_repo = source_repository(services, gh, source)
    config = load_config(source_repo, source_repo.default_branch)
    target = config.target(target_repo) if config else None
    if config is None or target is None or not is_sync_branch(branch, config.branch):
        log.info("syncpr.not_ours repo=%s branch=%s source=%s", target_repo, branch, source)
        return None
    return SyncPR(source, config, target, int(pull["number"]), branch, head_sha)
