"""The worker side on real queues with huey's real consumer threads: what each task runs,
the per-target lock, the coalescing flag, failures. The jobs themselves (sync, commands…)
are replaced by recorders here; their own tests live beside their modules."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest

from bot.event import Event
from bot.jobs import CommandJob, SyncJob
from bot.queue import Queue, make_huey
from bot.services import Services
from bot.settings import Settings
from bot.tasks import every_minutes
from bot.worker import start_consumer
from tests.bot.webhooks import installation_payload, push_payload

TIMEOUT = 15


class Recorder:
    """Stands in for the job functions: records calls, optionally blocks or fails."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.active: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self.hold_seconds = 0.0
        self.error: Exception | None = None
        self._lock = threading.Lock()

    def job(self, kind: str) -> Callable[..., None]:
        def run(services: Services, item: Any = None) -> None:
            target = getattr(item, "target_repo", kind)
            with self._lock:
                self.calls.append((kind, item))
                self.active[target] = self.active.get(target, 0) + 1
                self.most_at_once[target] = max(
                    self.most_at_once.get(target, 0), self.active[target]
                )
            self.started.set()
            try:
                self.release.wait(TIMEOUT)
                time.sleep(self.hold_seconds)
                if self.error is not None:
                    raise self.error
            finally:
                with self._lock:
                    self.active[target] -= 1

        return run

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + TIMEOUT
        while len(self.calls) < count:
            assert time.monotonic() < deadline, f"{len(self.calls)} of {count} jobs ran"
            time.sleep(0.02)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(params=["sqlite", "redis"])
def worker_queue(
    request: pytest.FixtureRequest, settings: Settings, recorder: Recorder
) -> Iterator[Queue]:
    """A queue whose jobs are the recorder's, on SQLite or on the session's Redis; the
    periodic reconcile is set too far apart to fire while a test runs."""
    settings = dataclasses.replace(settings, reconcile_minutes=10**9)
    if request.param == "sqlite":
        huey = make_huey(settings.queue_url)
    else:
        huey = make_huey(request.getfixturevalue("redis_url"), f"amts{uuid.uuid4().hex[:12]}")
    queue = Queue(
        huey,
        settings=settings,
        services=lambda: Services(settings, None, None, queue, queue.status),  # type: ignore[arg-type]
        jobs={kind: recorder.job(kind) for kind in ("event", "sync", "command", "reconcile")},
        retry_delay=0.2,
    )
    yield queue
    huey.flush()
    queue.background.flush()
    queue.close()


@contextmanager
def consumer(queue: Queue, workers: int = 2) -> Iterator[None]:
    running = start_consumer(queue, workers)
    try:
        yield
    finally:
        running.stop(graceful=True)


def sync_job(target: str = "d2l-ai/d2l-zh", n: int = 0) -> SyncJob:
    return SyncJob("d2l-ai/d2l-en", target, "zh", 4242, "push", f"d-{n}", "a" * 40, "b" * 40)


def test_event_task_runs_the_event_job(worker_queue: Queue, recorder: Recorder) -> None:
    event = Event("push", "d-ev", push_payload())
    worker_queue.enqueue_event(event)
    with consumer(worker_queue):
        recorder.wait_for(1)
    assert recorder.calls == [("event", event)]


def test_a_push_while_a_sync_runs_queues_exactly_one_more(
    worker_queue: Queue, recorder: Recorder
) -> None:
    recorder.release.clear()
    assert worker_queue.enqueue_sync(sync_job(n=1))
    with consumer(worker_queue):
        assert recorder.started.wait(TIMEOUT)
        queued = [worker_queue.enqueue_sync(sync_job(n=n)) for n in range(2, 7)]
        recorder.release.set()
        recorder.wait_for(2)
        time.sleep(0.5)  # nothing else runs
    assert queued == [True, False, False, False, False]
    assert [job.delivery_id for _, job in recorder.calls] == ["d-1", "d-2"]


def test_one_target_is_never_worked_on_twice_at_once(
    worker_queue: Queue, recorder: Recorder
) -> None:
    """A sync and a command for one target, two worker threads: the second waits for the
    first and then runs; another target runs meanwhile."""
    recorder.hold_seconds = 0.4
    command = CommandJob(
        "d2l-ai/d2l-zh", 3, 9, "astonzhang", "/amts sync", 4242, "d-c", "d2l-ai/d2l-en"
    )  # the same tenant as the sync: the handler names the sync PR's book
    worker_queue.enqueue_sync(sync_job(n=1))
    worker_queue.enqueue_command(command)
    worker_queue.enqueue_sync(sync_job("d2l-ai/d2l-pt", n=2))
    with consumer(worker_queue, workers=3):
        recorder.wait_for(3)
        deadline = time.monotonic() + TIMEOUT
        while any(recorder.active.values()) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert sorted(kind for kind, _ in recorder.calls) == ["command", "sync", "sync"]
    assert recorder.most_at_once["d2l-ai/d2l-zh"] == 1


def test_a_locked_target_leaves_the_job_waiting(worker_queue: Queue, recorder: Recorder) -> None:
    """Without running anything: the task finds the lease taken, goes to the schedule and
    keeps its target's flag, so later pushes still coalesce into it."""
    worker_queue.enqueue_sync(sync_job(n=1))
    lease = worker_queue.lease(f"target:{sync_job().tenant.key}")
    assert lease.acquire()
    try:
        worker_queue.huey.execute(worker_queue.huey.dequeue())
        assert worker_queue.huey.scheduled_count() == 1
        assert worker_queue.waiting() == [("sync", sync_job(n=1).to_dict())]
        assert not worker_queue.enqueue_sync(sync_job(n=2))
    finally:
        lease.release()
    assert recorder.calls == []


def test_a_failed_job_is_recorded_and_frees_its_target(
    worker_queue: Queue, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.error = RuntimeError("the engine is down")
    worker_queue.enqueue_sync(sync_job(n=7))
    with caplog.at_level(logging.INFO, logger="bot.tasks"), consumer(worker_queue):
        recorder.wait_for(1)
        deadline = time.monotonic() + TIMEOUT
        key = sync_job().tenant.key
        while not (worker_queue.status.get("d2l-ai/d2l-zh", key=key) or {}).get("last_error"):
            assert time.monotonic() < deadline
            time.sleep(0.02)
    status = worker_queue.status.get("d2l-ai/d2l-zh", key=sync_job().tenant.key)
    assert status is not None and "an internal error" in status["last_error"]
    assert "engine is down" not in status["last_error"]  # in the log, under the error id
    lease = worker_queue.lease(f"target:{sync_job().tenant.key}")
    assert lease.acquire()
    lease.release()
    [failed] = [r for r in caplog.records if "sync.failed" in r.getMessage()]
    assert "delivery=d-7" in failed.getMessage() and failed.exc_info is not None
    # The status views get the failure with the error id of the details' log line.
    error_id = status["failure"]["error_id"]
    assert any(f"error.details id={error_id}" in r.getMessage() for r in caplog.records)
    [job] = worker_queue.status.jobs()
    assert (job["kind"], job["outcome"], job["error_id"]) == ("sync", "failed", error_id)


def test_reconcile_runs_and_forgets_old_deliveries(worker_queue: Queue, recorder: Recorder) -> None:
    worker_queue.huey.storage.put_data("delivery:old", b"%.3f" % (time.time() - 30 * 86400))
    worker_queue.enqueue_reconcile()
    with consumer(worker_queue):
        recorder.wait_for(1)
        deadline = time.monotonic() + TIMEOUT
        while worker_queue.huey.storage.has_data_for_key("delivery:old"):
            assert time.monotonic() < deadline
            time.sleep(0.02)
    assert recorder.calls == [("reconcile", None)]


@pytest.mark.parametrize(
    ("minutes", "at", "due"),
    [
        pytest.param(15, datetime(2026, 5, 4, 12, 0), True, id="15 on the hour"),
        pytest.param(15, datetime(2026, 5, 4, 12, 45), True, id="15 at :45"),
        pytest.param(15, datetime(2026, 5, 4, 12, 7), False, id="15 at :07"),
        pytest.param(1, datetime(2026, 5, 4, 12, 7), True, id="every minute"),
        # 7 does not divide 60: counted from the epoch. `date -u -d '2026-05-04 12:09' +%s`
        # is 1777896540 s = minute 29 631 609 = 7 × 4 233 087.
        pytest.param(7, datetime(2026, 5, 4, 12, 9), True, id="7, due"),
        pytest.param(7, datetime(2026, 5, 4, 12, 7), False, id="7, not due"),
    ],
)
def test_every_minutes(minutes: int, at: datetime, due: bool) -> None:
    assert every_minutes(minutes)(at) is due


def test_reconcile_is_periodic(sqlite_queue: Queue) -> None:
    """The background lane's scheduler enqueues it every 15 minutes (the settings'
    default); the lane of syncs and commands has no periodic job."""
    due = sqlite_queue.background.read_periodic(datetime(2026, 5, 4, 12, 15))
    assert [task.name for task in due] == ["reconcile"]
    assert sqlite_queue.background.read_periodic(datetime(2026, 5, 4, 12, 16)) == []
    assert sqlite_queue.huey.read_periodic(datetime(2026, 5, 4, 12, 15)) == []


def test_dispatch_event_through_the_composed_router(worker_queue: Queue) -> None:
    """The real ``event`` job: the handlers' router, with a client for the installation."""
    from bot.handlers import dispatch_event

    class Installations:
        """The part of GitHubApp dispatch uses: a client per installation."""

        def __init__(self) -> None:
            self.asked: list[int] = []

        def client(self, installation_id: int) -> object:
            self.asked.append(installation_id)
            return object()

    github = Installations()
    settings = worker_queue.settings
    assert settings is not None
    services = Services(settings, github, None, worker_queue, worker_queue.status)  # type: ignore[arg-type]
    dispatch_event(services, Event("installation", "d-i", installation_payload("created")))
    assert github.asked == [4242]
    assert [name for name, _ in worker_queue.waiting()] == ["reconcile"]
