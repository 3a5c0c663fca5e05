"""The queue on real huey storage (SQLite file and Redis server): deliveries, coalescing,
leases. Jobs are read back from the storage, as a worker would see them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.errors import SettingsError
from bot.event import Event
from bot.work.jobs import CommandJob, RefreshJob, SyncJob
from bot.work.lease import Lease
from bot.work.queue import Queue, make_huey
from tests.bot.webhooks import push_payload


def sync_job(target: str = "d2l-ai/d2l-zh", n: int = 0) -> SyncJob:
    return SyncJob(
        "d2l-ai/d2l-en", target, target[-2:], 4242, "push", f"d-{n}", "a" * 40, f"{n:040d}"
    )


def test_record_delivery_once(queue: Queue) -> None:
    assert queue.record_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert not queue.record_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert queue.record_delivery("another")


def test_event_round_trip(queue: Queue) -> None:
    event = Event("push", "d-1", push_payload())
    queue.enqueue_event(event)
    [(name, payload)] = queue.waiting()
    assert name == "handle_event"
    assert Event.from_dict(payload) == event


def test_ten_pushes_one_waiting_sync(queue: Queue) -> None:
    """Ten syncs for one target while none runs: one waits, the first one queued."""
    results = [queue.enqueue_sync(sync_job(n=n)) for n in range(10)]
    assert results == [True] + [False] * 9
    assert queue.waiting() == [("sync", sync_job(n=0).to_dict())]


def test_coalescing_is_per_target(queue: Queue) -> None:
    for n in range(10):
        queue.enqueue_sync(sync_job("d2l-ai/d2l-zh", n))
        queue.enqueue_sync(sync_job("d2l-ai/d2l-pt", n))
    targets = sorted(SyncJob.from_dict(p).target_repo for _, p in queue.waiting())
    assert targets == ["d2l-ai/d2l-pt", "d2l-ai/d2l-zh"]


def test_a_push_during_a_running_sync_queues_one_more(queue: Queue) -> None:
    """The sync clears the flag as it starts, so a later push is not lost."""
    queue.enqueue_sync(sync_job(n=1))
    queue.clear_queued(sync_job().tenant.key)  # what the sync task does when it starts
    assert queue.enqueue_sync(sync_job(n=2))
    assert not queue.enqueue_sync(sync_job(n=3))
    assert [SyncJob.from_dict(p).delivery_id for _, p in queue.waiting()] == ["d-1", "d-2"]


def test_a_stale_flag_does_not_block_the_target(queue: Queue) -> None:
    """A flag left by a process that died between flag and enqueue expires."""
    queue.huey.storage.put_data("queued:d2l-ai/d2l-zh", b"%.3f" % (time.time() - 7200))
    assert queue.enqueue_sync(sync_job())
    assert len(queue.waiting()) == 1


def test_other_jobs_round_trip(queue: Queue) -> None:
    command = CommandJob("d2l-ai/d2l-zh", 12, 345, "astonzhang", "/amts sync", 4242, "d-c")
    refresh = RefreshJob("d2l-ai/d2l-zh", "zh", 4242, "c" * 40, "d-r")
    queue.enqueue_command(command)
    queue.enqueue_command(command)  # commands do not coalesce
    queue.enqueue_refresh(refresh)
    queue.enqueue_reconcile()
    waiting = queue.waiting()
    assert [name for name, _ in waiting] == ["command", "command", "refresh", "reconcile"]
    assert CommandJob.from_dict(waiting[0][1]) == command
    assert RefreshJob.from_dict(waiting[2][1]) == refresh


def test_jobs_ignore_unknown_keys() -> None:
    """A job queued by a newer version, with a field this one lacks, still loads."""
    assert SyncJob.from_dict({**sync_job().to_dict(), "new_field": 1}) == sync_job()


def test_lease_is_exclusive(queue: Queue) -> None:
    first, second, other = (queue.lease(name) for name in ("target:x", "target:x", "target:y"))
    assert first.acquire()
    assert not second.acquire()
    assert other.acquire()
    first.release()
    assert second.acquire()
    second.release()
    other.release()


def test_an_expired_lease_is_taken_over(queue: Queue) -> None:
    """A worker killed while holding a lease stops renewing it; it expires."""
    queue.huey.storage.put_data("lock:target:x", b"deadworker %.3f" % (time.time() - 1))
    lease = queue.lease("target:x")
    assert lease.acquire()
    lease.release()
    assert not queue.huey.storage.has_data_for_key("lock:target:x")


def test_a_held_lease_is_renewed(queue: Queue) -> None:
    """While its holder runs, a lease outlives its ttl many times over."""
    holder = Lease(queue.huey.storage, "target:x", ttl=0.3)
    assert holder.acquire()
    try:
        time.sleep(1.2)
        assert not Lease(queue.huey.storage, "target:x", ttl=0.3).acquire()
    finally:
        holder.release()
    after = Lease(queue.huey.storage, "target:x", ttl=0.3)
    assert after.acquire()
    after.release()


def test_prune_deliveries(queue: Queue) -> None:
    queue.huey.storage.put_data("delivery:old", b"%.3f" % (time.time() - 8 * 86400))
    queue.record_delivery("new")
    assert queue.prune_deliveries() == 1
    assert queue.record_delivery("old")
    assert not queue.record_delivery("new")


def test_ping(queue: Queue, dead_redis_url: str) -> None:
    assert queue.ping()
    dead = Queue(make_huey(dead_redis_url))
    try:
        assert not dead.ping()
    finally:
        dead.close()


@pytest.mark.parametrize(
    ("url", "relative"),
    [
        pytest.param("sqlite:///data/q.db", True, id="relative"),
        pytest.param("sqlite:///{tmp}/abs/q.db", False, id="absolute"),
    ],
)
def test_sqlite_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, relative: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    huey = make_huey(url.format(tmp=tmp_path))
    try:
        huey.storage.put_data("k", b"v")
    finally:
        huey.storage.close()
    assert (tmp_path / ("data/q.db" if relative else "abs/q.db")).is_file()


def test_bad_url_names_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"^AMTS_QUEUE_URL: "):
        make_huey("postgres://h/db")
