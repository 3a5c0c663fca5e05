"""The worker side: the huey consumers that run the queue's tasks (:mod:`bot.work.tasks`).

The reconcile job runs in the background lane (``queue.background``), on a thread of its
own beside the consumer's: however long it takes, a sync or command never waits behind it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from huey.consumer import Consumer

from bot.settings import Settings
from bot.status import BEAT_SECONDS

if TYPE_CHECKING:
    from bot.work.queue import Queue

logger = logging.getLogger(__name__)

# Poll an idle SQLite queue at most every second (huey's default backs off to 10 s);
# Redis blocks on its list instead of polling.
CONSUMER_OPTIONS: dict[str, Any] = {
    "worker_type": "thread",
    "initial_delay": 0.1,
    "backoff": 1.15,
    "max_delay": 1.0,
}
# The background lane: one thread. A stop waits this long for a running reconcile, then
# leaves it: it only reads GitHub and queues syncs, and the next one does it again.
LANE_OPTIONS: dict[str, Any] = {
    **CONSUMER_OPTIONS,
    "worker_type": "thread",
    "shutdown_timeout": 5.0,
}


class _SignallessConsumer(Consumer):
    """huey's consumer without its signal handlers: whoever started it stops it (in
    ``amts serve`` the web server's main thread owns SIGINT and SIGTERM)."""

    def _set_signal_handlers(self) -> None:
        pass


class _AppConsumer(Consumer):
    """huey's consumer of ``queue``'s jobs, starting and stopping the background lane's
    consumer with it."""

    def __init__(self, queue: Queue, workers: int, *, periodic: bool = True) -> None:
        super().__init__(queue.huey, workers=workers, periodic=periodic, **CONSUMER_OPTIONS)
        self.lane = _SignallessConsumer(
            queue.background, workers=1, periodic=periodic, **LANE_OPTIONS
        )

    def start(self) -> None:
        self.lane.start()
        super().start()
        self._stop_beating = threading.Event()
        name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:4]}"
        threading.Thread(
            target=self._beat, args=(name,), name="amts-heartbeat", daemon=True
        ).start()

    def stop(self, graceful: bool = False) -> None:
        stop = getattr(self, "_stop_beating", None)
        if stop is not None:
            stop.set()
        self.lane.stop(graceful)
        super().stop(graceful)

    def _beat(self, name: str) -> None:
        """Say in the status store that this worker is alive, until stopped: the page
        shows which workers are."""
        from bot.status import StatusStore

        status = StatusStore(self.huey.storage)
        while True:
            try:
                status.beat(name, threads=self.workers)
            except Exception as exc:  # storage down: the page shows the worker as silent
                logger.warning("worker.heartbeat_failed error=%s", type(exc).__name__)
            if self._stop_beating.wait(BEAT_SECONDS):
                return


class _EmbeddedConsumer(_AppConsumer, _SignallessConsumer):
    """The App's consumer without signal handlers, as in ``amts serve``."""


def start_consumer(queue: Queue, workers: int) -> Consumer:
    """``workers`` consumer threads, the background lane's thread and their schedulers,
    in this process, started."""
    consumer = _EmbeddedConsumer(queue, workers)
    consumer.start()
    return consumer


def run_worker(
    settings: Settings,
    workers: int = 2,
    *,
    periodic: bool = True,
    jobs: Mapping[str, Callable[..., None] | str] | None = None,
) -> None:
    """``amts worker``: run jobs from the shared queue until SIGINT (graceful) or SIGTERM.

    ``periodic`` also schedules the reconcile job (one of ``amts serve``'s worker processes
    does); ``jobs`` as for :func:`register_tasks`."""
    from amts.book import document
    from bot.work.queue import Queue

    settings.require_app()
    document.load_parser()  # now, so that the first job parses as fast as later ones
    queue = Queue.from_settings(settings, jobs=jobs)
    try:
        wait_for_queue(queue)
        _AnnouncingConsumer(queue, workers, periodic=periodic).run()
    finally:
        queue.close()


def wait_for_queue(queue: Queue, interval: float = 1.0) -> None:
    """Return once the queue's storage answers. A worker started before Redis (compose
    starts them together) says so in one line and waits, instead of a traceback a try."""
    if queue.ping(quiet=True):
        return
    logger.warning(
        "worker.waiting_for_queue queue=%s retry_every=%ss (is Redis up?)", queue, interval
    )
    started = time.monotonic()
    while not queue.ping(quiet=True):
        time.sleep(interval)
    logger.info("worker.queue_reachable waited=%.1fs", time.monotonic() - started)


class _AnnouncingConsumer(_AppConsumer):
    """The App's consumer, saying when it is ready: its signal handlers are in place."""

    def start(self) -> None:
        super().start()
        logger.info(
            "worker.ready threads=%s background=%s queue=%s",
            self.workers,
            self.lane.workers,
            type(self.huey).__name__,
        )
