"""An invalid ``.github/amts.yml`` told where maintainers look, not only on the English
commit's checks: a note at the top of every open sync pull request of the book, and the
error on each of its targets' status records.

The book's targets are those whose status record names the source (an open sync pull
request always has one: the sync that opened it wrote it), since the invalid file cannot
be trusted to list them. The note sits between markers, so a later invalid push replaces
it, and the first push with a valid file takes it out and clears the error.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from github import GithubException

from bot.books.config import CONFIG_PATH
from bot.github.client import github_error
from bot.sync.pr import source_repository

if TYPE_CHECKING:
    from bot.errors import ConfigError
    from bot.services import Services

logger = logging.getLogger(__name__)

START = "<!-- amts:invalid-config -->"
END = "<!-- /amts:invalid-config -->"
_NOTE = re.compile(re.escape(START) + r".*?" + re.escape(END) + r"\n*", re.DOTALL)


def error_text(sha: str, error: ConfigError) -> str:
    """The status record's ``last_error``: what is invalid, where."""
    return f"{CONFIG_PATH} at {sha[:8]} is invalid, nothing syncs: {error.key}: {error.problem}"


def note(source: str, sha: str, error: ConfigError) -> str:
    """The block put at the top of a sync pull request's body."""
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", error.problem))])
    return (
        f"{START}\n> [!WARNING]\n> **This pull request is not being kept up to date:** "
        f"`{CONFIG_PATH}` in {source} at `{sha[:8]}` is invalid, at the key `{error.key}`:\n"
        f">\n> {fence}\n> {error.problem}\n> {fence}\n>\n"
        "> Fix the file on the English default branch; the next push removes this note "
        f"and syncs again.\n{END}\n\n"
    )


def with_note(body: str | None, text: str) -> str:
    """``body`` with ``text`` (a :func:`note`) at its top, replacing an older note."""
    return text + without_note(body)


def without_note(body: str | None) -> str:
    return _NOTE.sub("", body or "")


def report_invalid(services: Services, gh: Any, source: str, sha: str, error: ConfigError) -> int:
    """Note ``error`` on every open sync PR of ``source`` and on its targets' status
    records; how many pull requests carry the note."""
    text = note(source, sha, error)
    noted = 0
    for record in _records_of(services, source):
        services.status.update(
            record["target_repo"],
            key=record.get("key"),
            last_error=error_text(sha, error),
            config_error=sha[:8],
        )
        pull = _open_pull(services, gh, record)
        if pull is not None:
            _edit_body(pull, with_note(pull.body, text))
            noted += 1
    logger.info("push.invalid_config_noted repo=%s prs=%d", source, noted)
    return noted


def clear_invalid(services: Services, gh: Any, source: str, targets: list[str]) -> None:
    """After a push with a valid file: the notes out of the PRs, the errors cleared."""
    listed = {target.lower() for target in targets}
    for record in _records_of(services, source):  # this book's records (one per tenant)
        target = record["target_repo"]
        if target.lower() not in listed or not record.get("config_error"):
            continue  # nothing noted: no API call at all
        pull = _open_pull(services, gh, record)
        if pull is not None and START in (pull.body or ""):
            _edit_body(pull, without_note(pull.body))
        services.status.update(target, key=record.get("key"), last_error=None, config_error=None)
        logger.info("push.invalid_config_cleared repo=%s target=%s", source, target)


def _records_of(services: Services, source: str) -> list[dict[str, Any]]:
    return [
        record
        for record in services.status.all()
        if (record.get("source_repo") or "").lower() == source.lower()
    ]


def _open_pull(services: Services, gh: Any, record: dict[str, Any]) -> Any:
    """The record's pull request (``pr_url``) if it is still open."""
    number = (record.get("pr_url") or "").rstrip("/").rpartition("/")[2]
    if not number.isdigit():
        return None
    repo = source_repository(services, gh, record["target_repo"])
    try:
        pull = repo.get_pull(int(number))
    except GithubException as exc:
        raise github_error(exc, f"reading pull request #{number} of {repo.full_name}") from exc
    return pull if pull.state == "open" else None


def _edit_body(pull: Any, body: str) -> None:
    try:
        pull.edit(body=body)
    except GithubException as exc:
        raise github_error(exc, f"updating pull request #{pull.number}") from exc
