"""A job past ``AMTS_JOB_SECONDS`` is abandoned: reported, its target's lease released
(not renewed for as long as the job hangs), and it stops at its next checkpoint without
pushing. The job is made slow by the GitHub emulator holding its requests, in a real
``amts worker`` process on a SQLite queue (the helpers of the crash-recovery scenario).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import Settings
from bot.work.jobs import Tenant
from bot.work.queue import Queue
from tests.bot.test_crash_recovery import (
    BRANCH,
    INSTALLATION,
    PULLS_PATH,
    SOURCE,
    TARGET,
    Book,
    Workers,
    _book,
    _env,
    _open_pull,
    _push,
    _wait,
)
from tests.bot.webhooks import SECRET
from tests.emulators.github import GitHubEmulator
from tests.emulators.servers import github_emulator

JOB_SECONDS = 3
LOCK_SECONDS = 600  # far longer than the test: a free lease was released, not expired


@contextmanager
def _worker(tmp_path: Path) -> Iterator[tuple[GitHubEmulator, Book, Settings, Queue, Workers]]:
    """The emulator with the book, the shared queue, and one ``amts worker`` whose jobs
    have a time limit of :data:`JOB_SECONDS`."""
    url = f"sqlite:///{tmp_path / 'shared' / 'queue.db'}"
    with github_emulator(tmp_path) as github:
        book = _book(tmp_path, github)
        settings = Settings(webhook_secret=SECRET, data_dir=tmp_path / "web", queue_url=url)
        queue = Queue.from_settings(settings)
        env = _env(github, url)
        env.update(AMTS_JOB_SECONDS=str(JOB_SECONDS), AMTS_LOCK_SECONDS=str(LOCK_SECONDS))
        env.update(AMTS_RECONCILE_MINUTES="1440")  # no periodic reconcile takes the worker
        workers = Workers(tmp_path, env)
        try:
            workers.start("worker", tmp_path / "data")
            yield github, book, settings, queue, workers
        finally:
            workers.stop_all()
            queue.close()


def test_a_job_over_its_time_limit_is_abandoned_reported_and_its_lease_released(
    tmp_path: Path,
) -> None:
    with _worker(tmp_path) as (github, book, settings, queue, workers):
        github.faults.hold("GET", PULLS_PATH)
        _push(book, queue, settings)
        _wait(lambda: github.faults.waiting, "the sync to wait for GitHub", workers)
        _wait(
            lambda: f"sync.timed_out target={TARGET} after={JOB_SECONDS}s" in workers.logs(),
            "the worker to give up on the job",
            workers,
        )
        key = Tenant(INSTALLATION, SOURCE, TARGET).key
        # The failure is recorded and the lease released just after the log line.
        record = _wait(
            lambda: (queue.status.get(TARGET, key=key) or {}).get("last_error"),
            "the failure in the status store",
            workers,
        )
        assert "the job ran over the App's time limit" in record
        assert f"time limit of {JOB_SECONDS} s (AMTS_JOB_SECONDS)" in workers.logs()
        lease = queue.lease(f"target:{key}")
        assert _wait(lease.acquire, "the abandoned job's lease to be released", workers)
        lease.release()

        github.faults.clear()  # the abandoned job gets its answer and goes on...
        _wait(
            lambda: (
                "the job ran over its time limit (AMTS_JOB_SECONDS) and was stopped"
                in workers.logs()
            ),
            "the abandoned job to stop at its next checkpoint",
            workers,
        )
        assert github.branch_sha(TARGET, BRANCH) is None  # ...and pushed nothing
        assert github.pulls(TARGET) == []
        runs = github.check_runs(SOURCE, book.after)
        assert any(r["conclusion"] == "failure" for r in runs)

        queue.enqueue_reconcile()  # the worker is free for the next job
        _wait(_open_pull(github), "the reconcile job's sync", workers)


def test_an_installations_reconcile_over_the_time_limit_is_abandoned_and_frees_the_lane(
    tmp_path: Path,
) -> None:
    """The reconcile of one installation (its installation event) has the job time limit
    too: a book whose GitHub hangs (one of thousands, as far as the lane can tell) gets it
    abandoned and logged, it stops before its next target without queueing anything, and
    the background lane runs the next reconcile."""
    with _worker(tmp_path) as (github, _, _, queue, workers):
        github.faults.hold("GET", f"/repos/{SOURCE}/contents/.github/amts.yml")
        queue.enqueue_reconcile(INSTALLATION)
        _wait(lambda: github.faults.waiting, "the reconcile to wait for GitHub", workers)
        _wait(
            lambda: f"reconcile.timed_out target=- after={JOB_SECONDS}s" in workers.logs(),
            "the worker to give up on the reconcile",
            workers,
        )
        github.faults.clear()  # the abandoned reconcile reads the book, then stops
        _wait(
            lambda: f"reconcile.stopped installation={INSTALLATION}" in workers.logs(),
            "the abandoned reconcile to stop at its next checkpoint",
            workers,
        )
        assert "reconcile.behind" not in workers.logs()  # it queued no sync
        assert github.pulls(TARGET) == []

        queue.enqueue_reconcile(INSTALLATION)  # the lane is free: the next one runs
        _wait(_open_pull(github), "the next reconcile's sync", workers)
        assert github.branch_sha(TARGET, BRANCH) is not None
