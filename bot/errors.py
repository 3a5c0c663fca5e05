"""The bot's exceptions: each message names the setting, key or request to fix.

Raised ``from`` their cause at one boundary each (settings, GitHub, git), so the code
above them handles a handful of kinds instead of every library's own.
"""

from __future__ import annotations


class BotError(Exception):
    """Base class: anything the App reports to a maintainer or an operator."""


class SettingsError(BotError):
    """A missing or malformed environment variable; the message starts with its name."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


class ConfigError(BotError):
    """An invalid ``.github/amts.yml``: the key and what is wrong with it."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f".github/amts.yml: {key}: {problem}")


class GitHubError(BotError):
    """A GitHub API call that failed after its retries."""


class PushRejected(BotError):
    """A push that was not a fast-forward: someone else moved the branch meanwhile."""


def new_error_id() -> str:
    """A short id joining what a human is told (page, issue) to the log line with details."""
    import uuid

    return uuid.uuid4().hex[:10]
