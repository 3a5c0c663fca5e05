"""``amts serve``'s job side: worker processes, kept running.

Syncs are CPU-bound Python. Run as threads of the web process they hold the GIL, and
webhook acknowledgements wait behind them (p99 ~400 ms while one sync runs, against
~30 ms idle); a second thread uses no second core. So the web process only verifies,
records and enqueues, and ``workers`` child processes, each an ``amts worker`` with one
job thread at a lower CPU priority (``nice`` 10: the web process answers first), take jobs
from the same queue (SQLite under ``AMTS_DATA_DIR`` by default, whose transactions keep
two processes from taking one job). A child that dies is started
again; the lease of the target it was syncing expires after ``AMTS_LOCK_SECONDS`` as
with any dead worker, and the reconcile job heals the target.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Mapping
from multiprocessing.process import BaseProcess

from bot.settings import Settings

logger = logging.getLogger(__name__)

#: How often the supervisor looks for dead children.
POLL_SECONDS = 0.5
#: A child restarting faster than this after a crash waits, so a broken set-up cannot spin.
MIN_UPTIME_SECONDS = 5.0
#: Workers yield the CPU to the web process: an acknowledgement must not wait for a sync.
WORKER_NICENESS = 10
#: How long a graceful stop may take (running jobs finish) before children are killed.
STOP_SECONDS = 60.0


def default_workers() -> int:
    """One worker process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    """``size`` child processes running the queue's jobs; the first also runs the periodic
    reconcile. ``jobs`` (``name`` → ``"module:function"``) replaces job functions, as
    :func:`bot.tasks.register_tasks` allows (tests)."""

    def __init__(
        self,
        settings: Settings,
        size: int,
        *,
        jobs: Mapping[str, str] | None = None,
        log_level: int = logging.INFO,
    ) -> None:
        self.settings = settings
        self.size = size
        self.jobs = dict(jobs or {})
        self.log_level = log_level
        self.restarts = 0
        self._context = multiprocessing.get_context("spawn")  # no inherited threads or sockets
        self._children: list[BaseProcess | None] = [None] * size
        self._started: list[float] = [0.0] * size
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="amts-supervisor", daemon=True)

    @property
    def pids(self) -> list[int]:
        return [child.pid for child in self._children if child is not None and child.pid]

    def start(self) -> WorkerPool:
        for index in range(self.size):
            self._spawn(index)
        self._watcher.start()
        logger.info("supervisor.started workers=%d pids=%s", self.size, self.pids)
        return self

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Ask every child to finish its running job and exit (SIGINT, huey's graceful
        stop); kill those still running after ``timeout``."""
        self._stopping.set()
        if self._watcher.is_alive():
            self._watcher.join()
        children = [child for child in self._children if child is not None]
        for child in children:
            if child.is_alive() and child.pid:
                os.kill(child.pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        for child in children:
            child.join(max(0.0, deadline - time.monotonic()))
            if child.is_alive():
                logger.warning("supervisor.killed pid=%s reason=did not stop in time", child.pid)
                child.kill()
                child.join()
        logger.info("supervisor.stopped workers=%d restarts=%d", self.size, self.restarts)

    def _spawn(self, index: int) -> None:
        child = self._context.Process(
            target=worker_main,
            args=(self.settings, index == 0, self.jobs, self.log_level, os.getpid()),
            name=f"amts-worker-{index}",
        )
        child.start()
        self._children[index] = child
        self._started[index] = time.monotonic()

    def _watch(self) -> None:
        """Restart a child that died; one that exited cleanly (a Ctrl-C reached the whole
        process group) is stopping with the server, not dead."""
        while not self._stopping.wait(POLL_SECONDS):
            for index, child in enumerate(self._children):
                if child is None or child.is_alive() or child.exitcode == 0:
                    continue
                uptime = time.monotonic() - self._started[index]
                logger.error(
                    "supervisor.worker_died pid=%s exitcode=%s uptime=%.1fs: restarting it",
                    child.pid,
                    child.exitcode,
                    uptime,
                )
                if uptime < MIN_UPTIME_SECONDS and self._stopping.wait(MIN_UPTIME_SECONDS):
                    return
                self.restarts += 1
                self._spawn(index)


def _die_with_parent(parent: int) -> None:
    """Have Linux stop this worker when ``amts serve`` dies without stopping it (SIGKILL,
    an OOM kill): orphans would go on taking jobs from the queue."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        logger.debug("supervisor.no_parent_death_signal")
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os.kill(os.getpid(), signal.SIGTERM)


def worker_main(
    settings: Settings, periodic: bool, jobs: Mapping[str, str], log_level: int, parent: int
) -> None:
    """A child's life: ``amts worker`` with one job thread."""
    from bot.logs import configure
    from bot.worker import run_worker

    _die_with_parent(parent)
    os.nice(WORKER_NICENESS)
    logging.basicConfig(level=logging.WARNING)
    configure(log_level)
    run_worker(settings, 1, periodic=periodic, jobs=jobs)
