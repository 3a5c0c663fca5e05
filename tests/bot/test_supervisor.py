"""``amts serve``'s worker processes: they share the SQLite queue, and a dead one comes back."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.work.jobs import SyncJob
from bot.work.queue import Queue
from bot.work.supervisor import WORKER_NICENESS, WorkerPool

PEM = "-----BEGIN RSA PRIVATE KEY-----\nnot used by these tests\n-----END RSA PRIVATE KEY-----\n"
RECORD = "AMTS_TEST_SUPERVISOR_RECORD"
JOBS = {"sync": f"{__name__}:record_sync"}


def record_sync(services, job: SyncJob) -> None:
    """The sync job of these tests, run in the worker processes: one line per run."""
    time.sleep(0.02)  # long enough for both processes to be dequeuing at once
    with open(os.environ[RECORD], "a", encoding="utf-8") as out:
        out.write(f"{job.delivery_id} {os.getpid()}\n")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv(RECORD, str(tmp_path / "runs.txt"))
    (tmp_path / "runs.txt").touch()
    return Settings(webhook_secret="s", app_id=1, private_key=PEM, data_dir=tmp_path / "data")


@pytest.fixture
def queue(settings: Settings) -> Iterator[Queue]:
    queue = Queue.from_settings(settings)
    yield queue
    queue.close()


def _enqueue(queue: Queue, ids: range) -> None:
    for i in ids:
        job = SyncJob("o/en", f"o/t{i}", "zh", 1, "push", delivery_id=f"d{i}")
        assert queue.enqueue_sync(job)


def _runs(settings: Settings) -> list[tuple[str, int]]:
    text = Path(os.environ[RECORD]).read_text(encoding="utf-8")
    return [(line.split()[0], int(line.split()[1])) for line in text.splitlines()]


def _wait(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_worker_processes_share_the_sqlite_queue(settings: Settings, queue: Queue) -> None:
    """60 jobs on one SQLite queue, two processes taking them at once: each job runs
    exactly once, and both processes ran some."""
    pool = WorkerPool(settings, 2, jobs=JOBS).start()
    try:
        _enqueue(queue, range(60))
        _wait(lambda: len(_runs(settings)) >= 60, "60 jobs to run")
        time.sleep(1.0)  # a job run twice would show up now
    finally:
        pool.stop(timeout=30)
    runs = _runs(settings)
    assert Counter(delivery for delivery, _ in runs) == {f"d{i}": 1 for i in range(60)}
    pids = {pid for _, pid in runs}
    assert len(pids) == 2 and os.getpid() not in pids


def test_a_dead_worker_is_restarted(settings: Settings, queue: Queue) -> None:
    """SIGKILL one worker: the supervisor starts another, and jobs still run."""
    pool = WorkerPool(settings, 2, jobs=JOBS).start()
    try:
        first = pool.pids
        _enqueue(queue, range(4))
        _wait(lambda: len(_runs(settings)) >= 4, "the first jobs")
        os.kill(first[1], signal.SIGKILL)
        _wait(lambda: pool.restarts == 1 and len(set(pool.pids) - set(first)) == 1, "a restart")
        _enqueue(queue, range(4, 12))
        _wait(lambda: len(_runs(settings)) >= 12, "the jobs after the restart")
    finally:
        pool.stop(timeout=30)
    assert not any(os.path.exists(f"/proc/{pid}") for pid in pool.pids)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_workers_die_with_a_killed_server(tmp_path: Path) -> None:
    """``amts serve`` killed outright (SIGKILL, an OOM kill) leaves no worker taking jobs."""
    from tests.bot.test_cli_serve import start_serve_with_workers

    process, _ = start_serve_with_workers(tmp_path)
    try:
        _wait(lambda: len(_children(process.pid)) >= 2, "two worker processes")
        workers = _children(process.pid)
    finally:
        process.kill()
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()
    _wait(lambda: not any(_alive(pid) for pid in workers), "the workers to exit", timeout=30)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent to read its status."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_yield_the_cpu_to_the_web_process(settings: Settings) -> None:
    """Worker processes run at a lower priority than the process that answers webhooks."""
    pool = WorkerPool(settings, 1, jobs=JOBS).start()
    try:
        [pid] = pool.pids
        _wait(lambda: _nice(pid) != os.nice(0), "the worker to lower its priority", timeout=30)
        assert _nice(pid) == os.nice(0) + WORKER_NICENESS
    finally:
        pool.stop(timeout=30)


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
