"""The durable queue between the webhook and the workers: huey on SQLite or on Redis.

The web side only calls the ``record_``/``enqueue_`` methods: each is one or two writes to
the storage, so a webhook is acknowledged in milliseconds. Also here, because they live
in the same storage: which deliveries were seen (redeliveries are dropped), which targets
already have a sync waiting (pushes coalesce), the per-target leases and the status page.

Background work (the reconcile job) has a lane of its own, :func:`background_huey`: a
queue of another name in the same storage, with its own consumer thread, so it never
holds a thread that a waiting sync or command could use.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from huey import Huey, RedisHuey
from huey.constants import EmptyData
from huey.storage import SqliteStorage

from bot.errors import SettingsError
from bot.event import Event
from bot.settings import DEFAULT_LOCK_SECONDS, Settings, check_queue_url
from bot.status import StatusStore
from bot.work.jobs import CatchUpRequest, CommandJob, PremineJob, RefreshJob, SyncJob
from bot.work.lease import Lease

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)

NAME = "amts"
BACKGROUND_SUFFIX = ".background"
DELIVERY_PREFIX = "delivery:"
QUEUED_PREFIX = "queued:"
DELIVERY_MEMORY_SECONDS = 7 * 24 * 3600  # GitHub offers redeliveries for 3 days
QUEUED_STALE_SECONDS = 3600  # a flag older than this outlived the job it stood for


def make_huey(url: str, name: str = NAME) -> Huey:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path`` or ``redis://host:port/db``."""
    check_queue_url(url)
    if url.startswith("sqlite:"):
        path = Path(urlsplit(url).path[1:])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SettingsError("AMTS_QUEUE_URL", f"cannot create {path.parent}: {exc}") from exc
        return Huey(name, storage_class=_SqliteStorage, filename=str(path), results=False)
    from redis import ConnectionPool

    # Fail fast when Redis is down (health checks, the webhook's 500) instead of hanging;
    # the read timeout stays above huey's 1 s blocking pop.
    pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=10)
    return RedisHuey(name, connection_pool=pool, results=False)


def background_huey(huey: Huey) -> Huey:
    """The background lane beside ``huey``: a queue of its own name in the same SQLite
    file or Redis database, whose consumer is not ``huey``'s."""
    storage = huey.storage
    name = huey.name + BACKGROUND_SUFFIX
    if isinstance(storage, SqliteStorage):
        return Huey(name, storage_class=type(storage), filename=storage.filename, results=False)
    if isinstance(huey, RedisHuey):
        return RedisHuey(name, connection_pool=storage.pool, results=False)
    raise TypeError(f"no background lane for {type(huey).__name__}: use make_huey's queues")


class _SqliteStorage(SqliteStorage):
    """huey's SQLite storage (WAL) with ``synchronous=NORMAL`` instead of ``FULL``.

    A commit still survives the process being killed; only a power cut or a kernel crash
    can lose the last few, and the reconcile job heals what they would have done. ``FULL``
    waits for two fsyncs per webhook, which under disk contention costs tens of ms.
    """

    def _create_connection(self) -> Any:
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


class Queue:
    """The App's jobs on one huey instance; the tasks themselves are in :mod:`bot.work.tasks`.

    ``services`` and ``jobs`` go to :func:`bot.work.tasks.register_tasks`; ``lock_seconds`` is
    how long a target stays locked by a worker that died holding it.
    """

    def __init__(
        self,
        huey: Huey,
        *,
        settings: Settings | None = None,
        services: Callable[[], Services] | None = None,
        jobs: Mapping[str, Callable[..., None]] | None = None,
        lock_seconds: float | None = None,
        retry_delay: float = 5.0,
    ) -> None:
        from bot.work.tasks import register_tasks

        self.huey = huey
        self.background = background_huey(huey)
        self.settings = settings
        if lock_seconds is None:
            lock_seconds = settings.lock_seconds if settings else DEFAULT_LOCK_SECONDS
        self.lock_seconds = lock_seconds
        self.retry_delay = retry_delay
        self.status = StatusStore(huey.storage)
        self.tasks = register_tasks(self, services, jobs)

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> Queue:
        return cls(make_huey(settings.queue_url), settings=settings, **options)

    def __repr__(self) -> str:
        return f"Queue({type(self.huey).__name__}({self.huey.name!r}))"

    @property
    def storage(self) -> Any:
        """huey's storage: the App's own records (leases, claims, status) live there too."""
        return self.huey.storage

    def ping(self, quiet: bool = False) -> bool:
        """Whether the storage answers (one read); for ``GET /healthz``, and for a worker
        waiting for Redis (``quiet``: no line per try)."""
        try:
            self.storage.peek_data("healthz")
        except Exception as exc:
            if not quiet:
                logger.warning("queue.unreachable error=%s", type(exc).__name__)
            return False
        return True

    def record_delivery(self, delivery_id: str) -> bool:
        """Remember ``delivery_id``; False when it was seen before (a redelivery)."""
        return bool(self.storage.put_if_empty(DELIVERY_PREFIX + delivery_id, _now()))

    def forget_delivery(self, delivery_id: str) -> None:
        """Undo :meth:`record_delivery` (its job could not be queued): GitHub may resend it."""
        self.storage.delete_data(DELIVERY_PREFIX + delivery_id)

    def record_once(self, key: str) -> bool:
        """Remember ``key`` (a comment run, a refusal given); False when it was seen before.

        Kept, and pruned, with the deliveries: a comment GitHub redelivers under a new
        delivery id is still the same comment."""
        return self.record_delivery(f"once:{key}")

    def forget_once(self, key: str) -> None:
        """Undo :meth:`record_once` (the work it stood for failed and may be retried)."""
        self.forget_delivery(f"once:{key}")

    def enqueue_event(self, event: Event) -> None:
        """The worker dispatches ``event`` to the handlers (task ``handle_event``)."""
        self.tasks.handle_event(_stamped(event.to_dict()))

    def enqueue_sync(self, job: SyncJob) -> bool:
        """Queue ``job`` unless a sync of its target is already waiting (then False).

        The waiting one syncs to the English head when it runs, so nothing is lost; a
        push that arrives while a sync *runs* queues one more, since the flag is cleared
        when the sync starts.
        """
        if not self._flag(QUEUED_PREFIX + job.tenant.key):
            logger.info(
                "sync.coalesced target=%s delivery=%s", job.target_repo, job.delivery_id or "-"
            )
            return False
        self.tasks.sync(_stamped(job.to_dict()))
        return True

    def clear_queued(self, tenant_key: str) -> None:
        """Called by the sync task as it starts: the next push queues a new sync."""
        self.storage.delete_data(QUEUED_PREFIX + tenant_key)

    def enqueue_command(self, job: CommandJob) -> None:
        self.tasks.command(_stamped(job.to_dict()))

    def enqueue_refresh(self, job: RefreshJob) -> None:
        self.tasks.refresh(_stamped(job.to_dict()))

    def enqueue_catch_up(self, job: CatchUpRequest) -> None:
        self.tasks.catch_up(_stamped(job.to_dict()))

    def enqueue_premine(self, job: PremineJob) -> None:
        self.tasks.premine(job.to_dict())

    def enqueue_reconcile(self, installation_id: int | None = None) -> None:
        """Run the reconcile job now, besides its schedule: of one installation (after its
        installation event, say), or of all."""
        if installation_id is None:
            self.tasks.reconcile()
        else:
            self.tasks.reconcile(installation_id)

    def lease(self, name: str) -> Lease:
        """The lock ``name`` (``target:<tenant key>`` for syncs and commands), not yet
        acquired."""
        return Lease(self.storage, name, self.lock_seconds)

    def forget_installation(self, installation_id: int) -> list[str]:
        """Drop an uninstalled installation's waiting jobs (revoked: a worker skips them),
        queued flags and leases; the keys deleted."""
        for huey in (self.huey, self.background):
            for task in huey.pending() + huey.scheduled():
                if _installation_of(task.args[0] if task.args else None) == installation_id:
                    huey.revoke_by_id(task.id, revoke_once=True)
        prefixes = (f"{QUEUED_PREFIX}{installation_id}:", f"lock:target:{installation_id}:")
        gone = [key for key in self.storage.result_items() if key.startswith(prefixes)]
        for key in gone:
            self.storage.delete_data(key)
        return gone

    def waiting(self) -> list[tuple[str, dict[str, Any]]]:
        """The queued and scheduled tasks as ``(task name, payload)``, the background lane's
        last: for tests and tools."""
        tasks = [t for h in (self.huey, self.background) for t in h.pending() + h.scheduled()]
        return [(task.name, _unstamped(task.args[0] if task.args else {})) for task in tasks]

    def stats(self, limit: int = 1000) -> dict[str, Any]:
        """Depth of the queue and the oldest waiting job, for the status page (reads at
        most ``limit`` waiting tasks)."""
        tasks = self.huey.pending(limit) + self.huey.scheduled(limit)
        stamps = [
            (float(task.args[0]["queued_at"]), task.name)
            for task in tasks
            if task.args and isinstance(task.args[0], dict) and "queued_at" in task.args[0]
        ]
        oldest = min(stamps) if stamps else None
        return {
            "depth": self.huey.pending_count(),
            "scheduled": self.huey.scheduled_count(),
            "oldest_task": oldest[1] if oldest else None,
            "oldest_seconds": round(time.time() - oldest[0], 1) if oldest else None,
        }

    def prune_deliveries(self, max_age: float = DELIVERY_MEMORY_SECONDS) -> int:
        """Forget deliveries older than ``max_age`` seconds; how many were forgotten."""
        cutoff = time.time() - max_age
        old = [
            key
            for key, value in self.storage.result_items().items()
            if key.startswith(DELIVERY_PREFIX) and float(bytes(value)) < cutoff
        ]
        for key in old:
            self.storage.delete_data(key)
        return len(old)

    def close(self) -> None:
        """Close the storage's connections (SQLite file, Redis pool), the lane's too."""
        for storage in (self.background.storage, self.storage):
            storage.close()
            pool = getattr(storage, "pool", None)
            if pool is not None:
                pool.disconnect()

    def _flag(self, key: str) -> bool:
        """Set ``key`` if it is empty or stale; False when a fresh one is there."""
        if self.storage.put_if_empty(key, _now()):
            return True
        current = self.storage.peek_data(key)
        if current is not EmptyData and float(bytes(current)) > time.time() - QUEUED_STALE_SECONDS:
            return False
        logger.warning("queue.stale_flag key=%s", key)
        self.storage.delete_data(key)
        return bool(self.storage.put_if_empty(key, _now()))


def _stamped(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with the time it was queued (the jobs ignore it; the page shows it)."""
    return {**payload, "queued_at": round(time.time(), 3)}


def _unstamped(payload: Any) -> Any:
    if not isinstance(payload, dict):  # reconcile's installation id
        return payload
    return {key: value for key, value in payload.items() if key != "queued_at"}


def _installation_of(payload: Any) -> int | None:
    """The installation a task's payload belongs to: a job's, an event's, a reconcile's."""
    if isinstance(payload, int):  # reconcile of one installation
        return payload
    if not isinstance(payload, dict):
        return None
    if "installation_id" in payload:
        return payload["installation_id"]
    return ((payload.get("data") or {}).get("installation") or {}).get("id")


def _now() -> bytes:
    return f"{time.time():.3f}".encode()
