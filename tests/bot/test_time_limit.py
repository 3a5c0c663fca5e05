"""A job past ``AMTS_JOB_SECONDS`` is abandoned: reported, its target's lease released
(not renewed for as long as the job hangs), and it stops at its next checkpoint without
pushing. The job is made slow by the GitHub emulator holding its requests, in a real
``amts worker`` process on a SQLite queue (the helpers of the crash-recovery scenario).
"""

from __future__ import annotations

from pathlib import Path

from bot.jobs import Tenant
from bot.queue import Queue
from bot.settings import Settings
from tests.bot.test_crash_recovery import (
    BRANCH,
    INSTALLATION,
    PULLS_PATH,
    SOURCE,
    TARGET,
    Workers,
    _book,
    _env,
    _open_pull,
    _push,
    _wait,
)
from tests.bot.webhooks import SECRET
from tests.emulators.servers import github_emulator

JOB_SECONDS = 3
LOCK_SECONDS = 600  # far longer than the test: a free lease was released, not expired


def test_a_job_over_its_time_limit_is_abandoned_reported_and_its_lease_released(
    tmp_path: Path,
) -> None:
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
        finally:
            workers.stop_all()
            queue.close()
