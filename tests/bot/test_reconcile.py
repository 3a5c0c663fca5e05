"""The reconcile job: a target behind its English head gets a sync job, one up to date
does not. Against the emulator (every installation, every repository), with jobs read
back from the real queue. It is background work: a GitHub that hangs costs it seconds,
and a sync never waits behind it, even with one worker thread (SQLite and Redis)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.reconcile
from bot.jobs import SyncJob, Tenant
from bot.reconcile import TARGET_SECONDS, TRY_SECONDS, reconcile
from bot.sync import run_sync
from bot.worker import start_consumer
from tests.bot.bookworld import INSTALLATION, SOURCE, ZH, World, book_world, wait_for
from tests.bot.conftest import redis_db

KEY = Tenant(INSTALLATION, SOURCE, ZH).key  # the status record of the book's translation


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        yield world


def queued(world: World) -> list[tuple[str, str]]:
    return [(job["target_repo"], job["after"]) for job in world.jobs("sync")]


def test_a_target_never_synced_gets_its_starting_point(world: World) -> None:
    """No state file anywhere: the English head is recorded as the starting point
    (:mod:`tests.bot.test_startpoint`), and there is nothing to sync yet."""
    [verdict] = reconcile(world.services)
    assert (verdict.target_repo, verdict.recorded, verdict.queued) == (ZH, None, False)
    assert verdict.started is True
    assert world.jobs("sync") == []  # its memory is mined meanwhile (tests/bot/test_premine.py)


def test_an_open_sync_pr_at_the_english_head_is_up_to_date(world: World) -> None:
    world.open_sync_pr()
    head = world.emulator.branch_sha(SOURCE, "main")
    [verdict] = reconcile(world.services)
    assert (verdict.recorded, verdict.head, verdict.queued) == (head, head, False)
    assert world.jobs() == []


def test_a_push_the_webhook_lost_is_healed(world: World) -> None:
    """The English moved past the PR branch's recorded revision: a sync job to the head."""
    world.open_sync_pr()
    synced = world.emulator.branch_sha(SOURCE, "main")
    head = world.push_english({"chapter_basics/new.md": "# New\n\nA new section.\n"})
    [verdict] = reconcile(world.services)
    assert (verdict.recorded, verdict.head, verdict.queued) == (synced, head, True)
    [job] = world.jobs("sync")
    assert (job["source_repo"], job["target_repo"], job["lang"]) == (SOURCE, ZH, "zh")
    assert (job["installation_id"], job["after"]) == (INSTALLATION, head)
    # A second run while that job waits adds nothing: the waiting job syncs to the head.
    reconcile(world.services)
    assert queued(world) == [(ZH, head)]


def test_the_default_branch_counts_once_the_pr_is_merged(world: World) -> None:
    number = world.open_sync_pr()
    world.emulator.merge_pr(ZH, number)
    assert reconcile(world.services)[0].queued is False
    head = world.push_english({"chapter_basics/new.md": "# New\n"})
    assert reconcile(world.services)[0].queued is True
    assert queued(world) == [(ZH, head)]


def test_a_broken_book_does_not_stop_the_others(tmp_path: Path) -> None:
    """An invalid amts.yml in one repository is logged; the rest is still reconciled."""
    with book_world(tmp_path) as world:
        world.open_sync_pr()
        world.emulator.add_repo("d2l-ai/d2l-broken", world.en.path, installation_id=INSTALLATION)
        world.emulator.push_as_human(
            "d2l-ai/d2l-broken", "main", {".github/amts.yml": "targets: nope\n"}
        )
        head = world.push_english({"chapter_basics/new.md": "# New\n"})
        verdicts = reconcile(world.services)
        assert [(v.source_repo, v.queued) for v in verdicts] == [(SOURCE, True)]
        assert queued(world) == [(ZH, head)]


def test_a_hanging_github_costs_a_target_seconds(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """GitHub never answers the look for the target's open pull requests: the reconcile
    gives that book up after the target's deadline and one try (not 6 tries of 30 s)."""
    world.emulator.faults.hold("GET", f"/repos/{ZH}/pulls")
    started = time.monotonic()
    try:
        verdicts = reconcile(world.services)
    finally:
        elapsed = time.monotonic() - started
        world.emulator.faults.clear()
    assert verdicts == []
    assert "reconcile.book_failed repo=d2l-ai/d2l-en" in caplog.text
    assert elapsed < TARGET_SECONDS + TRY_SECONDS + 5  # a few seconds' slack for a busy machine


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The App's queue on SQLite (its data directory), or in db 8 of the session's Redis
    (flushed before and after)."""
    if request.param == "sqlite":
        yield ""
        return
    with redis_db(request.getfixturevalue("redis_url"), 8) as url:
        yield url


def test_a_sync_never_waits_behind_a_reconcile(
    tmp_path: Path,
    queue_url: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One worker thread; the reconcile waits on GitHub (its listing of repositories held
    back), and a sync queued meanwhile runs and finishes while the reconcile still waits."""
    caplog.set_level(logging.INFO)
    # However slow the sync on a busy machine, the reconcile is still waiting when it ends.
    monkeypatch.setattr(bot.reconcile, "TARGET_SECONDS", 600.0)
    with book_world(tmp_path, queue_url=queue_url) as world:
        faults = world.emulator.faults
        faults.hold("GET", "/installation/repositories")  # only the reconcile lists them
        world.queue.enqueue_reconcile()
        consumer = start_consumer(world.queue, workers=1)
        try:
            wait_for(lambda: faults.waiting, timeout=30)
            head = world.push_english({"chapter_basics/new.md": "# New\n\nA new page.\n"})
            job = SyncJob(SOURCE, ZH, "zh", INSTALLATION, "push", "d-1", world.first_english, head)
            assert world.queue.enqueue_sync(job)
            wait_for(lambda: "sync.done subject=d2l-ai/d2l-zh" in caplog.text, timeout=60)
            assert [pull["head"]["ref"] for pull in world.emulator.pulls(ZH)] == ["amts/sync"]
            assert faults.waiting and "reconcile.done" not in caplog.text
            faults.release()
            wait_for(lambda: "reconcile.done" in caplog.text, timeout=60)
        finally:
            faults.clear()
            consumer.stop(graceful=True)
    # The reconcile found the target at the English head: the sync's pull request.
    assert "reconcile.done targets=1 queued=0" in caplog.text


def test_a_sync_that_died_before_publishing_is_finished(world: World) -> None:
    """The branch was pushed with its records (state at the English head, a report with
    the new sync) but the pull request's update failed, as if the job were killed there:
    reconcile rewrites the PR from the branch's records and the status record follows."""
    number = world.open_sync_pr()
    repo = world.gh.get_repo(ZH)
    old = repo.get_pull(number)
    head = world.push_english({"chapter_basics/new.md": "# New\n\nA new section.\n"})
    patch = f"/repos/{ZH}/pulls/{number}"
    world.emulator.fail_next("PATCH", patch, 422, 50, message="Validation Failed")
    outcome = run_sync(world.services, SyncJob(SOURCE, ZH, "zh", INSTALLATION, "t", after=head))
    world.emulator.faults.clear()
    assert outcome.status == "failed" and "a GitHub API call failed" in outcome.error
    branch = repo.get_branch("amts/sync").commit.sha
    assert f"`{head}`" not in repo.get_pull(number).body  # the PR still tells the old sync
    assert world.services.status.get(ZH, key=KEY)["synced_revision"] != head

    [verdict] = reconcile(world.services)
    assert (verdict.recorded, verdict.queued) == (head, False)
    healed = repo.get_pull(number)
    assert f"`{head}`" in healed.body and healed.body != old.body
    assert healed.title != old.title and healed.head.sha == branch  # no new commit
    assert world.services.status.get(ZH, key=KEY)["synced_revision"] == head
    assert world.services.status.get(ZH, key=KEY)["pr_url"] == healed.html_url
    # Healed once: the next round finds the PR as the branch describes it.
    edits = len(world.emulator.find_requests("PATCH", patch))
    reconcile(world.services)
    assert len(world.emulator.find_requests("PATCH", patch)) == edits
    assert world.jobs() == []


def test_a_damaged_report_on_the_branch_does_not_stop_reconcile(world: World) -> None:
    """Someone broke ``.amts/report.json`` on the sync branch: the PR is left as it is
    (the next sync reports it there) and reconcile still returns its verdicts."""
    number = world.open_sync_pr()
    body = world.gh.get_repo(ZH).get_pull(number).body
    world.emulator.push_as_human(ZH, "amts/sync", {".amts/report.json": "{broken"}, "Oops")
    [verdict] = reconcile(world.services)
    assert verdict.queued is False
    assert world.gh.get_repo(ZH).get_pull(number).body == body
