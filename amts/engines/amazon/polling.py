"""How the engine waits for Amazon Translate: growing delays between polls, up to a deadline.

Batch jobs, parallel data imports and a busy account's job limit all take minutes
to hours, so every wait polls at ``poll_seconds``, grows the delay up to
``max_poll_seconds`` to stay far below the service's request quotas, and gives up
when the next poll would come after the deadline. The sleep is injected, so tests
wait no real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from amts.engines.amazon.settings import AmazonSettings


class Backoff:
    """The delays of one wait; ask :meth:`overdue` before each :meth:`sleep`."""

    def __init__(
        self,
        settings: AmazonSettings,
        sleep: Callable[[float], None],
        deadline: float,
        factor: float = 1.5,
    ) -> None:
        self.delay = settings.poll_seconds
        self._max_delay = settings.max_poll_seconds
        self._sleep = sleep
        self._deadline = deadline
        self._factor = factor

    def overdue(self) -> bool:
        """True when sleeping the next delay would pass the deadline: time to give up."""
        return time.monotonic() + self.delay > self._deadline

    def sleep(self) -> None:
        self._sleep(self.delay)
        self.delay = min(self.delay * self._factor, self._max_delay)
