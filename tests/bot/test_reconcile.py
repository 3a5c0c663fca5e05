"""The reconcile job: a target behind its English head gets a sync job, one up to date
does not. Against the emulator (every installation, every repository), with jobs read
back from the real queue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.jobs import SyncJob
from bot.reconcile import reconcile
from bot.sync import run_sync
from bot.tenancy import Tenant
from tests.bot.bookworld import INSTALLATION, SOURCE, ZH, World, book_world

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
    assert world.jobs() == []


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
