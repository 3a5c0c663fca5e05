"""A target's starting point (issue 10 §4): the App records the English head it starts
following on the sync branch when it first sees a target, so reconcile covers the target
from the start and a lost first push is healed. Against the GitHub emulator, with the
App's real services, jobs read back from the real queue and run as the worker runs them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sync.reconcile import reconcile
from bot.sync.run import run_sync
from bot.work.jobs import SyncJob
from tests.bot.bookworld import INSTALLATION, NUMEL, SOURCE, TENSORS, ZH, World, book_world
from tests.bot.webhooks import installation_payload

BRANCH = "amts/sync"
OLD_NUMEL = "We can check the number of elements with `numel`."


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        yield world


def state_on(world: World, ref: str) -> dict | None:
    text = world.emulator.read_file(ZH, ref, ".amts/state.json")
    return json.loads(text) if text is not None else None


def run_queued_syncs(world: World) -> list:
    """Run the waiting sync jobs as the worker does, in order; their outcomes."""
    return [run_sync(world.services, SyncJob.from_dict(job)) for job in world.jobs("sync")]


def test_an_installation_records_the_starting_point(world: World) -> None:
    """The installation's reconcile commits ``.amts/state.json`` alone on the sync branch,
    naming the English head; no pull request, the default branch untouched."""
    default = world.emulator.branch_sha(ZH, "main")
    world.dispatch("installation", installation_payload("created"))
    assert [name for name, _ in world.queue.waiting()] == ["reconcile"]
    head = world.emulator.branch_sha(SOURCE, "main")
    [verdict] = reconcile(world.services)  # the job the installation queued
    assert (verdict.recorded, verdict.started, verdict.queued) == (None, True, False)
    state = state_on(world, BRANCH) or {}
    assert (state["source_revision"], state["source_repo"]) == (head, SOURCE)
    assert world.emulator.branch_sha(ZH, "main") == default
    start = world.emulator.branch_sha(ZH, BRANCH)
    assert world.emulator.git(ZH, "rev-parse", f"{start}^") == default
    changed = world.emulator.git(ZH, "diff", "--name-only", default, start).split()
    assert changed == [".amts/state.json"]
    assert world.emulator.pulls(ZH) == []
    # Known from now on: the next reconcile finds it up to date and writes nothing.
    [again] = reconcile(world.services)
    assert (again.recorded, again.started, again.queued) == (head, False, False)
    assert world.emulator.branch_sha(ZH, BRANCH) == start


def test_a_lost_first_push_is_healed_by_reconcile(world: World) -> None:
    """Installed, then the first push's webhook is lost: reconcile queues a sync from the
    starting point, and the pull request carries exactly that push's change."""
    world.dispatch("installation", installation_payload("created"))
    reconcile(world.services)
    start = world.emulator.branch_sha(SOURCE, "main")
    head = world.edit_english(TENSORS, (OLD_NUMEL, NUMEL))  # no webhook delivered
    [verdict] = reconcile(world.services)
    assert (verdict.recorded, verdict.head, verdict.queued) == (start, head, True)
    [outcome] = run_queued_syncs(world)
    assert outcome.status == "opened", outcome
    [pull] = world.emulator.pulls(ZH)
    assert pull["head"]["ref"] == BRANCH
    translation = world.emulator.read_file(ZH, BRANCH, TENSORS) or ""
    assert NUMEL in translation and NUMEL not in (
        world.emulator.read_file(ZH, "main", TENSORS) or ""
    )
    assert NUMEL in (world.emulator.read_file(ZH, BRANCH, "chapter_basics/tensors_origin.md") or "")
    assert f"{start[:8]}..{head[:8]}" in pull["body"]
    assert TENSORS in pull["body"]
    assert state_on(world, BRANCH)["source_revision"] == head
    # Healed: nothing more to do.
    assert reconcile(world.services)[0].queued is False


def test_a_first_push_that_carries_nothing_starts_the_target(world: World) -> None:
    """No state, and the first push changes no markdown: the sync records the English it
    reached, so a later push whose webhook is lost is still healed."""
    before = world.emulator.branch_sha(SOURCE, "main")
    after = world.push_english({"static/logo.txt": "logo\n"})
    outcome = run_sync(
        world.services, SyncJob(SOURCE, ZH, "zh", INSTALLATION, "push", before=before, after=after)
    )
    assert outcome.status == "nothing" and outcome.commit is None
    assert state_on(world, BRANCH)["source_revision"] == after
    assert world.emulator.pulls(ZH) == []
    head = world.edit_english(TENSORS, (OLD_NUMEL, NUMEL))  # lost
    [verdict] = reconcile(world.services)
    assert (verdict.recorded, verdict.queued) == (after, True)
    [outcome] = run_queued_syncs(world)
    assert outcome.status == "opened" and outcome.english == head


def test_a_sync_branch_kept_by_a_closed_pr_is_not_written(world: World) -> None:
    """A human closed the sync PR and kept its branch: the App writes no starting point
    over it (the next push's sync starts the target on a fresh branch)."""
    number = world.open_sync_pr()
    world.emulator.close_pr(ZH, number)
    kept = world.emulator.branch_sha(ZH, BRANCH)
    [verdict] = reconcile(world.services)
    assert (verdict.recorded, verdict.started, verdict.queued) == (None, False, False)
    assert world.emulator.branch_sha(ZH, BRANCH) == kept


def test_the_sync_builds_on_what_translators_merged_since_the_start(world: World) -> None:
    """Translators changed the default branch after the starting point: the sync's commit
    has their files, and the pull request's branch contains the default branch (no
    conflict to resolve), while the push is still a fast-forward of the sync branch."""
    reconcile(world.services)
    start = world.emulator.branch_sha(ZH, BRANCH)
    fixed = "# 张量\n\n译者修改了这一页。\n"
    merged = world.emulator.push_as_human(ZH, "main", {"chapter_basics/notes.md": fixed})
    head = world.edit_english(TENSORS, (OLD_NUMEL, NUMEL))  # lost
    assert reconcile(world.services)[0].queued
    [outcome] = run_queued_syncs(world)
    assert outcome.status == "opened", outcome
    branch = world.emulator.branch_sha(ZH, BRANCH)
    assert world.emulator.is_ancestor(ZH, start, branch)  # fast-forward from the start
    assert world.emulator.is_ancestor(ZH, merged, branch)  # the translators' work is in
    assert world.emulator.read_file(ZH, BRANCH, "chapter_basics/notes.md") == fixed
    assert NUMEL in (world.emulator.read_file(ZH, BRANCH, TENSORS) or "")
    assert state_on(world, BRANCH)["source_revision"] == head
    assert world.emulator.forced_updates == []


def test_a_paused_target_gets_no_starting_point(world: World) -> None:
    """``AMTS_PAUSED`` covers the target: reconcile writes nothing to it."""
    world.services.settings = dataclasses.replace(world.services.settings, paused=(ZH,))
    [verdict] = reconcile(world.services)
    assert (verdict.recorded, verdict.started, verdict.queued) == (None, False, False)
    assert world.emulator.branch_sha(ZH, BRANCH) is None
