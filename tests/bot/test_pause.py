"""``AMTS_PAUSED``: an operator pauses the App for some repositories or all of them. A
paused repository's deliveries are acknowledged and dropped, its queued jobs are dropped
by the workers, and reconcile (which catches up once the pause is lifted) does not run
while everything is paused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.errors import SettingsError
from bot.settings import Settings
from bot.web.app import create_app
from bot.work.queue import Queue
from tests.bot.test_worker import Recorder, consumer, recorder, sync_job, worker_queue
from tests.bot.webhooks import SECRET, comment_payload, deliver, push_payload

__all__ = ["recorder", "worker_queue"]  # the worker tests' fixtures, used here too
PAUSED = "d2l-ai/d2l-zh"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The test settings with the Chinese translation paused."""
    return Settings(webhook_secret=SECRET, data_dir=tmp_path / "amts-data", paused=(PAUSED,))


@pytest.mark.parametrize(
    ("value", "paused", "running"),
    [
        ("", [], ["d2l-ai/d2l-en"]),
        ("*", ["d2l-ai/d2l-en", "someone/else", ""], []),
        ("d2l-ai/d2l-zh", ["d2l-ai/d2l-zh", "D2L-AI/D2L-ZH"], ["d2l-ai/d2l-en"]),
        (" d2l-ai/*, x/y ", ["d2l-ai/d2l-zh", "x/y"], ["x/z", "d2l/d2l-en"]),
    ],
)
def test_the_setting(value: str, paused: list[str], running: list[str]) -> None:
    settings = Settings.from_env({"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_PAUSED": value})
    assert all(settings.is_paused(repo) for repo in paused)
    assert not any(settings.is_paused(repo) for repo in running)


@pytest.mark.parametrize("value", ["d2l-en", "a/b/c", "a/b,oops"])
def test_a_bad_pattern_names_the_variable(value: str) -> None:
    with pytest.raises(SettingsError, match=r"^AMTS_PAUSED: "):
        Settings.from_env({"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_PAUSED": value})


def test_a_paused_repository_is_acknowledged_and_not_queued(
    settings: Settings, sqlite_queue: Queue
) -> None:
    client = create_app(settings, sqlite_queue).test_client()
    answer = deliver(
        client, "issue_comment", comment_payload("created", repo=PAUSED), delivery_id="d-zh"
    )
    assert (answer.status_code, answer.json) == (202, {"paused": PAUSED})
    assert sqlite_queue.waiting() == []
    # Another repository still gets through.
    answer = deliver(client, "push", push_payload(), delivery_id="d-en")
    assert (answer.status_code, answer.json) == (202, {"queued": "d-en"})
    assert [p["delivery_id"] for _, p in sqlite_queue.waiting()] == ["d-en"]


def test_queued_jobs_of_a_paused_repository_are_dropped(
    worker_queue: Queue, recorder: Recorder
) -> None:
    """Jobs queued before the pause: the paused target's sync does not run, the others do."""
    assert worker_queue.enqueue_sync(sync_job(PAUSED, 1))
    assert worker_queue.enqueue_sync(sync_job("d2l-ai/d2l-pt", 2))
    with consumer(worker_queue):
        recorder.wait_for(1)
        time.sleep(0.5)  # the paused one had its turn too
    assert [job.target_repo for _, job in recorder.calls] == ["d2l-ai/d2l-pt"]
    assert worker_queue.waiting() == []
