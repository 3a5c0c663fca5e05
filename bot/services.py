"""Everything a job or a handler needs, built once per worker process and passed in.

Handlers and jobs receive a :class:`Services` instead of building their own clients, so
tests hand them ones pointed at the emulator and nothing below reads the environment.
The GitHub and git parts are imported only when a worker builds them: the web process,
which only enqueues, never loads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.jobs import JobQueue
from bot.settings import Settings
from bot.status import StatusStore

if TYPE_CHECKING:
    from bot.github import GitHubApp
    from bot.mirrors import Mirrors


@dataclass
class Services:
    """The App's identity on GitHub, the git mirrors, the queue and the status records."""

    settings: Settings
    github: GitHubApp
    mirrors: Mirrors
    queue: JobQueue
    status: StatusStore

    @classmethod
    def build(cls, settings: Settings, queue: JobQueue) -> Services:
        """The services of a worker process (needs the App's ID and private key)."""
        from bot.github import GitHubApp
        from bot.mirrors import Mirrors

        settings.require_app()
        return cls(
            settings=settings,
            github=GitHubApp(settings),
            mirrors=Mirrors(settings.data_dir),
            queue=queue,
            status=queue.status,
        )
