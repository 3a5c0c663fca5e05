"""Errors as the App tells them on GitHub: what failed, what to do, and an error id.

A raw error can carry an AWS account id and role, a server path or an internal detail,
and a pull request or check run is read by anyone who can see the repository. So the
App posts a generic sentence per kind of failure, with an id, and logs the details under
that id (``error.details id=…``), where the operator finds them. Only an invalid
``.github/amts.yml`` (the maintainers' own file: the key and problem are what they need)
and a :class:`~bot.errors.RepositoryError` (a branch AMTS will not push to, say) are
told in full.
"""

from __future__ import annotations

import logging
import re
import secrets

from amts.errors import AlignmentError, EngineError, InputError
from bot.errors import BotError, ConfigError, GitHubError, PushRejected, RepositoryError
from bot.github.client import mask
from bot.work.timelimit import JobTimeout

logger = logging.getLogger(__name__)

RETRY = "It is retried with the next English push, or comment `/amts sync` on the sync PR."
#: (kind of error, what failed, what to do), first match wins.
KINDS: tuple[tuple[type[BaseException], str, str], ...] = (
    (PushRejected, "the sync branch moved while AMTS pushed to it", RETRY),
    (GitHubError, "a GitHub API call failed", RETRY),
    (
        EngineError,
        "the translation engine failed",
        "The App's operator checks its engine account and settings. " + RETRY,
    ),
    (
        AlignmentError,
        "the translation does not follow its English closely enough to update",
        "Check the files named in the pull request.",
    ),
    (
        InputError,
        "a file of the book could not be read or written",
        "Check the files named in the pull request. " + RETRY,
    ),
    (JobTimeout, "the job ran over the App's time limit and was stopped", RETRY),
    (BotError, "a git operation on the repositories failed", RETRY),
)


def new_error_id() -> str:
    return secrets.token_hex(6)


def error_id_of(text: str) -> str | None:
    """The error id in a text :func:`public_error` made, for the status views."""
    found = re.search(r"error id `([0-9a-f]+)`", text)
    return found[1] if found else None


def public_error(
    exc: BaseException, doing: str, *, log: logging.Logger | logging.LoggerAdapter = logger
) -> str:
    """The text to post about ``exc``, which happened while ``doing``; the details are
    logged under the error id the text gives."""
    error_id = new_error_id()
    log.error(
        "error.details id=%s doing=%s type=%s details=%s",
        error_id,
        doing,
        type(exc).__name__,
        mask(exc),
    )
    if isinstance(exc, ConfigError):
        return f"{doing}: {exc} Fix the file and push again. (error id `{error_id}`)"
    if isinstance(exc, RepositoryError):
        return f"{doing}: {exc} (error id `{error_id}`)"
    what, todo = "an internal error", "Please tell the App's operator. " + RETRY
    for kind, failed, action in KINDS:
        if isinstance(exc, kind):
            what, todo = failed, action
            break
    return (
        f"{doing}: {what}. {todo} (error id `{error_id}`: the App's operator finds the "
        "details in its log under this id)"
    )
