"""The worker side: the queue's tasks, and the huey consumers that run them.

The web process enqueues ids and revisions; a task turns them into work by calling the
module that owns it (``bot.sync``, ``bot.commands``, ``bot.reconcile``, ``bot.refresh``,
``bot.handlers``), imported when the task runs, so the web process never loads git or
GitHub code. Syncs and commands hold their target's lease: a second job for a busy target
waits in the schedule and runs when the first is done, instead of failing. The reconcile
job runs in the background lane (``queue.background``), on a thread of its own beside the
consumer's: however long it takes, a sync or command never waits behind it.
"""

from __future__ import annotations

import calendar
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

from huey.api import TaskWrapper
from huey.consumer import Consumer
from huey.exceptions import RetryTask

from bot.event import Event
from bot.jobs import CatchUpRequest, CommandJob, RefreshJob, SyncJob
from bot.logs import delivery_context
from bot.premine import PRIORITY as PREMINE_PRIORITY
from bot.premine import PremineJob
from bot.settings import DEFAULT_JOB_SECONDS, DEFAULT_RECONCILE_MINUTES, Settings
from bot.status import BEAT_SECONDS, now_iso
from bot.timelimit import JobTimeout, run_within

if TYPE_CHECKING:
    from bot.queue import Queue
    from bot.services import Services
    from bot.tenancy import Tenant

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
MAX_ERROR_CHARS = 500

# What each task runs, as "module:function", imported when a task first runs it: the web
# process, which only enqueues, never loads git or GitHub code.
JOBS: dict[str, str] = {
    "event": "bot.worker:dispatch_event",  # (services, event)
    "sync": "bot.sync:run_sync",  # (services, SyncJob)
    "command": "bot.commands:run_command",  # (services, CommandJob)
    "refresh": "bot.refresh:refresh_memory",  # (services, RefreshJob)
    "reconcile": "bot.reconcile:reconcile",  # (services[, installation_id])
    "catch_up": "bot.catchupbox:run_request",  # (services, CatchUpRequest)
    "premine": "bot.premine:premine_memory",  # (services, PremineJob)
}


@dataclass(frozen=True)
class Tasks:
    """The huey tasks of one queue; calling one enqueues it with a JSON-able payload."""

    handle_event: TaskWrapper
    sync: TaskWrapper
    command: TaskWrapper
    refresh: TaskWrapper
    reconcile: TaskWrapper
    catch_up: TaskWrapper
    premine: TaskWrapper | None = None


def register_tasks(
    queue: Queue,
    services: Callable[[], Services] | None = None,
    jobs: Mapping[str, Callable[..., None] | str] | None = None,
) -> Tasks:
    """Define the tasks on ``queue.huey``.

    ``services`` builds what the jobs run with (once per process, on first use); ``jobs``
    replaces entries of :data:`JOBS` (tests run the queue machinery with their own).
    """
    huey = queue.huey
    settings = queue.settings
    get_services = _once(services or (lambda: _build_services(queue)))
    job = _JobTable(jobs or {})
    minutes = settings.reconcile_minutes if settings else DEFAULT_RECONCILE_MINUTES

    @huey.task(name="handle_event")
    def handle_event(payload: dict[str, Any]) -> None:
        event = Event.from_dict(payload)
        if _paused(settings, "event", event.delivery_id, event.repo_full_name or ""):
            return
        with delivery_context(event.delivery_id):
            _logged(
                queue,
                _JobRecord(
                    "event",
                    f"{event.kind} {event.repo_full_name or ''}".strip(),
                    event.delivery_id,
                    event.installation_id,
                ),
                lambda: job("event")(get_services(), event),
                target=None,
            )

    def target_task(kind: str, job_type: Any, priority: int | None = None) -> TaskWrapper:
        """A task of one target repository, run under that target's lease."""

        @huey.task(name=kind, priority=priority)
        def run(payload: dict[str, Any]) -> None:
            target_job = job_type.from_dict(payload)
            source = getattr(target_job, "source_repo", target_job.target_repo)
            if _paused(settings, kind, target_job.delivery_id, source, target_job.target_repo):
                return
            _run_locked(
                queue,
                _JobRecord(
                    kind,
                    _what(target_job) or kind,
                    target_job.delivery_id,
                    target_job.installation_id,
                ),
                target_job.tenant,
                lambda: job(kind)(get_services(), target_job),
            )

        return run

    sync = target_task("sync", SyncJob)
    command = target_task("command", CommandJob)
    refresh = target_task("refresh", RefreshJob)
    catch_up = target_task("catch_up", CatchUpRequest)
    premine = target_task("premine", PremineJob, priority=PREMINE_PRIORITY)

    @queue.background.periodic_task(every_minutes(minutes), name="reconcile")
    def reconcile(installation_id: int | None = None) -> None:
        """Every installation (the schedule), or one (its installation event)."""
        if _paused(settings, "reconcile", "", "*"):
            return
        if installation_id is not None:
            _logged(
                queue,
                _JobRecord("reconcile", "installation", "", installation_id),
                lambda: job("reconcile")(get_services(), installation_id),
                target=None,
            )
            return
        lease = queue.lease("reconcile")
        if not lease.acquire():
            logger.info("reconcile.skipped reason=another reconcile is running")
            return
        with lease:
            run = lambda: job("reconcile")(get_services())  # noqa: E731
            _logged(
                queue,
                _JobRecord("reconcile", "schedule", "", None),
                lambda: _limited(queue, "reconcile", "", run),
                target=None,
            )
            queue.prune_deliveries()

    return Tasks(handle_event, sync, command, refresh, reconcile, catch_up, premine=premine)


def _paused(settings: Settings | None, kind: str, delivery_id: str, *repos: str) -> bool:
    """Whether ``AMTS_PAUSED`` covers the job (a queued job is dropped: reconcile catches
    up on pushes once the pause is lifted)."""
    if settings is None or not settings.is_paused(*repos):
        return False
    logger.info("%s.paused repos=%s delivery=%s", kind, ",".join(repos), delivery_id or "-")
    return True


class _JobTable:
    """:data:`JOBS` with overrides, each imported when first used."""

    def __init__(self, overrides: Mapping[str, Callable[..., None] | str]) -> None:
        unknown = set(overrides) - set(JOBS)
        if unknown:
            raise ValueError(f"unknown jobs {sorted(unknown)}; known: {sorted(JOBS)}")
        self._overrides = overrides

    def __call__(self, name: str) -> Callable[..., None]:
        job = self._overrides.get(name, JOBS[name])
        if callable(job):
            return job
        module, function = job.split(":")
        return getattr(import_module(module), function)


def dispatch_event(services: Services, event: Event) -> None:
    """Hand ``event`` to every handler registered for it, with a client for its installation."""
    from bot.handlers import router

    gh = services.github.client(event.installation_id) if event.installation_id else None
    router.dispatch(event, gh, services=services)


def every_minutes(minutes: int) -> Callable[[datetime], bool]:
    """huey's periodic test for "every ``minutes`` minutes", any interval (not only 60's
    divisors as with ``crontab(minute='*/n')``); huey passes naive UTC datetimes."""

    def due(timestamp: datetime) -> bool:
        return (calendar.timegm(timestamp.timetuple()) // 60) % minutes == 0

    return due


def _what(job: Any) -> str:
    """What asked for a job, for the jobs table: a sync's reason, a command's first line."""
    if isinstance(job, CatchUpRequest):
        return f"status issue #{job.issue_number}: catch-up by @{job.user}"
    if isinstance(job, CommandJob):
        return (job.body.strip().splitlines() or [""])[0][:80]
    return getattr(job, "reason", "")


@dataclass(frozen=True)
class _JobRecord:
    """What the jobs table shows of a job besides its outcome."""

    kind: str
    event: str  # the event or reason that queued it
    delivery_id: str
    installation_id: int | None


def _run_locked(queue: Queue, record: _JobRecord, tenant: Tenant, run: Callable[[], Any]) -> None:
    """``run`` while holding the tenant's lease; a busy target retries after a delay."""
    target = tenant.target_repo
    lease = queue.lease(f"target:{tenant.key}")
    if not lease.acquire():
        logger.info(
            "%s.waiting target=%s delivery=%s retry_in=%ss",
            record.kind,
            target,
            record.delivery_id or "-",
            queue.retry_delay,
        )
        raise RetryTask(delay=queue.retry_delay)
    with lease, delivery_context(record.delivery_id):
        if record.kind == "sync":
            queue.clear_queued(tenant.key)
        failure = _logged(
            queue, record, lambda: _limited(queue, record.kind, target, run), target=target
        )
        if failure is not None and tenant.source_repo:
            queue.status.update(
                target, key=tenant.key, last_error=failure["error"], failure=failure
            )


def _limited(queue: Queue, kind: str, target: str, run: Callable[[], Any]) -> Any:
    """``run`` within the job time limit, its result; past it the job is abandoned (see
    bot.timelimit) and its JobTimeout is reported like any failure, then the lease is
    released."""
    seconds = queue.settings.job_seconds if queue.settings else DEFAULT_JOB_SECONDS
    result: list[Any] = []
    if not run_within(seconds, lambda: result.append(run()), f"{kind} {target}"):
        logger.error("%s.timed_out target=%s after=%ss", kind, target or "-", seconds)
        raise JobTimeout(
            f"{target or 'all targets'}: the {kind} job ran over its time limit of {seconds} s "
            "(AMTS_JOB_SECONDS) and was abandoned; the next push, /amts sync or the "
            "reconcile job retries it"
        )
    return result[0] if result else None


def _logged(
    queue: Queue, record: _JobRecord, run: Callable[[], Any], *, target: str | None
) -> dict[str, Any] | None:
    """Run, log the outcome with the delivery id, record it for the status page; the
    failure (error text, error id, time) if it failed.

    A failed job is not retried by huey: the job reports its own failure on GitHub, and
    the reconcile job brings any target that stayed behind up to date.
    """
    kind, delivery_id = record.kind, record.delivery_id or "-"
    subject = target or record.event
    logger.info("%s.started subject=%s delivery=%s", kind, subject, delivery_id)
    started = time.monotonic()
    error = error_id = None
    result: Any = None
    try:
        result = run()
    except Exception as exc:
        logger.exception("%s.failed subject=%s delivery=%s", kind, subject, delivery_id)
        error = _public(exc, f"The {kind} job")[:MAX_ERROR_CHARS]
        error_id = error_id_of(error)
    else:
        logger.info("%s.done subject=%s delivery=%s", kind, subject, delivery_id)
    outcome = getattr(result, "status", None) or ("failed" if error else "done")
    try:
        queue.status.record_job(
            target,
            kind=kind,
            event=record.event,
            delivery_id=record.delivery_id,
            installation_id=record.installation_id,
            outcome=outcome,
            seconds=round(time.monotonic() - started, 2),
            error_id=error_id or getattr(result, "error_id", None),
            url=getattr(result, "commit_url", None) or getattr(result, "pr_url", None),
        )
    except Exception:  # the status page must never fail a job
        logger.exception("%s.not_recorded subject=%s", kind, subject)
    return None if error is None else {"error": error, "error_id": error_id, "at": now_iso()}


def error_id_of(text: str) -> str | None:
    from bot.incidents import error_id_of

    return error_id_of(text)


def _public(exc: Exception, doing: str) -> str:
    """What the status page says about ``exc``: generic, with the error id of the log's
    details (imported here: the web process never loads the GitHub code)."""
    from bot.incidents import public_error

    return public_error(exc, doing)


def _once(factory: Callable[[], Services]) -> Callable[[], Services]:
    """``factory``'s result, built on first use by whichever worker thread comes first."""
    lock = threading.Lock()
    built: list[Services] = []

    def get() -> Services:
        with lock:
            if not built:
                built.append(factory())
            return built[0]

    return get


def _build_services(queue: Queue) -> Services:
    from bot.services import Services

    if queue.settings is None:
        raise RuntimeError("a Queue without settings cannot run jobs; use Queue.from_settings")
    return Services.build(queue.settings, queue)


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
    from bot.queue import Queue

    settings.require_app()
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
