"""A job's time limit: past it the worker gives up on the job, reports it and frees the
target's lease, instead of holding both for as long as the job hangs.

Python cannot stop a thread, so the job runs in a thread of its own and the worker waits
for it at most the limit. A job still running then (waiting for GitHub or git, or busy
with a file) learns it was abandoned at its next :func:`checkpoint` (before each file,
before the push, before the pull request is published) and stops there with
:class:`JobTimeout`: nothing is pushed or published after the worker reported it.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable

from bot.errors import BotError

_ABANDONED: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "amts_job_abandoned", default=None
)


class JobTimeout(BotError):
    """The job ran over its time limit."""


def run_within(seconds: float, run: Callable[[], None], name: str) -> bool:
    """``run`` in a thread of its own, waited for at most ``seconds``: True when it ended
    (its exception, if any, is raised here), False when it was abandoned."""
    abandoned = threading.Event()
    context = contextvars.copy_context()
    context.run(_ABANDONED.set, abandoned)
    raised: list[BaseException] = []

    def job() -> None:
        try:
            context.run(run)
        except BaseException as exc:  # handed to the waiting worker thread
            raised.append(exc)

    thread = threading.Thread(target=job, name=f"job {name}", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        abandoned.set()
        return False
    if raised:
        raise raised[0]
    return True


def checkpoint() -> None:
    """Raise :class:`JobTimeout` if the job running here was abandoned."""
    abandoned = _ABANDONED.get()
    if abandoned is not None and abandoned.is_set():
        raise JobTimeout(
            "the job ran over its time limit (AMTS_JOB_SECONDS) and was stopped; the next "
            "push, /amts sync or the reconcile job retries it"
        )
