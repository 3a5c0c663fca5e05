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


class RepositoryError(BotError):
    """A state of the repositories their maintainers resolve (a branch AMTS will not push
    to, say): told on GitHub in full, so its message names no server detail."""


class ConfigError(RepositoryError):
    """An invalid ``.github/amts.yml``: the key and what is wrong with it."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f".github/amts.yml: {key}: {problem}")


class GitHubError(BotError):
    """A GitHub API call that failed after its retries."""


class PushRejected(BotError):
    """A push that was not a fast-forward: someone else moved the branch meanwhile."""
