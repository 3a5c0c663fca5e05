"""The queue's tasks: what a job runs, under its target's lease and the job time limit.

Each task names the function it runs as ``"module:function"`` (:data:`JOBS`), imported
when a task first runs it, so the web process, which only enqueues, never loads git or
GitHub code, and the queue never imports the handlers and jobs that use it. Syncs and
commands hold their target's lease: a second job for a busy target waits in the schedule
and runs when the first is done, instead of failing. The reconcile job runs in the
background lane (``queue.background``): however long it takes, a sync or command never
waits behind it.
"""

from __future__ import annotations

import calendar
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

from huey.api import TaskWrapper
from huey.exceptions import RetryTask

from amts import cores
from bot.event import Event
from bot.logs import delivery_context
from bot.settings import DEFAULT_JOB_SECONDS, DEFAULT_RECONCILE_MINUTES, Settings
from bot.status import now_iso
from bot.work.jobs import (
    CatchUpRequest,
    CommandJob,
    PremineJob,
    RefreshJob,
    SyncJob,
)
from bot.work.timelimit import JobTimeout, run_within

if TYPE_CHECKING:
    from bot.services import Services
    from bot.work.jobs import Tenant
    from bot.work.queue import Queue

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500

# What each task runs, as "module:function", imported when a task first runs it: the web
# process, which only enqueues, never loads git or GitHub code.
JOBS: dict[str, str] = {
    "event": "bot.handlers:dispatch_event",  # (services, event)
    "sync": "bot.sync.run:run_sync",  # (services, SyncJob)
    "command": "bot.commands.run:run_command",  # (services, CommandJob)
    "refresh": "bot.sync.refresh:refresh_memory",  # (services, RefreshJob)
    "reconcile": "bot.sync.reconcile:reconcile",  # (services[, installation_id])
    "catch_up": "bot.dashboard.boxes:run_request",  # (services, CatchUpRequest)
    "premine": "bot.sync.premine:premine_memory",  # (services, PremineJob)
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

    def target_task(kind: str, job_type: Any, lane: Any = huey) -> TaskWrapper:
        """A task of one target repository, run under that target's lease."""

        @lane.task(name=kind)
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
    # Mining ahead of a first push is background work: no sync waits behind it.
    premine = target_task("premine", PremineJob, lane=queue.background)

    @queue.background.periodic_task(every_minutes(minutes), name="reconcile")
    def reconcile(installation_id: int | None = None) -> None:
        """Every installation (the schedule), or one (its installation event)."""
        if _paused(settings, "reconcile", "", "*"):
            return
        if installation_id is not None:
            run_one = lambda: job("reconcile")(get_services(), installation_id)  # noqa: E731
            _logged(
                queue,
                _JobRecord("reconcile", "installation", "", installation_id),
                lambda: _limited(queue, "reconcile", "", run_one),
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
    bot.work.timelimit) and its JobTimeout is reported like any failure, then the lease is
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
        with cores.claim(1):  # this job's core: others' mining leaves it alone (amts.cores)
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
