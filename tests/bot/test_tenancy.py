"""Tenants are isolated (issue 11, item 2): a target is the source installation's or opts
in; every piece of state is keyed by (installation, source, target); a target claimed by
two books is an error told to both. Against the emulator with the App's real sync."""

from __future__ import annotations

from pathlib import Path

from bot.sync.run import run_sync
from bot.work.jobs import SyncJob
from tests.bot.bookworld import CONFIG, INSTALLATION, SOURCE, TENSORS, ZH, World, book_world

OTHER = "other-org/d2l-zh"  # a translation in another installation
FORK = "d2l-ai/d2l-en-fork"  # a second English book in the same installation
EDIT = ("We can check the number of elements with `numel`.", "We count elements with `numel`.")


def sync(world: World, after: str, *, source: str = SOURCE, target: str = ZH):
    job = SyncJob(source, target, "zh", INSTALLATION, "t", before=world.first_english, after=after)
    return run_sync(world.services, job)


def with_other_target(world: World) -> str:
    """``OTHER`` in installation 2, and the English book listing it; the English head."""
    world.emulator.add_repo(OTHER, world.zh.path, installation_id=2)
    config = CONFIG.replace(f"repo: {ZH}", f"repo: {OTHER}")
    world.push_english({".github/amts.yml": config}, "Translate into another org's repo")
    return world.edit_english(TENSORS, EDIT)


def test_a_target_of_another_installation_is_refused(tmp_path: Path) -> None:
    with book_world(tmp_path) as world:
        after = with_other_target(world)
        main = world.emulator.branch_sha(OTHER, "main")
        outcome = sync(world, after, target=OTHER)
        assert outcome.status == "failed"
        assert "another installation" in outcome.error and "sources:" in outcome.error
        assert world.emulator.branches(OTHER) == {"main": main}
        assert world.emulator.pulls(OTHER) == []


def test_a_target_that_opts_in_is_synced_with_its_own_installation(tmp_path: Path) -> None:
    with book_world(tmp_path) as world:
        after = with_other_target(world)
        world.emulator.push_as_human(OTHER, "main", {".github/amts.yml": f"sources: [{SOURCE}]\n"})
        outcome = sync(world, after, target=OTHER)
        assert outcome.status == "opened", outcome
        [pull] = world.emulator.pulls(OTHER)
        assert pull["head"]["ref"] == "amts/sync"


def test_state_is_keyed_by_installation_source_and_target(tmp_path: Path) -> None:
    """Two tenants' pushes for one target name: neither coalesces into the other, and
    their leases and status records are their own."""
    with book_world(tmp_path) as world:
        ours = SyncJob(SOURCE, ZH, "zh", INSTALLATION, "push", after="a" * 40)
        theirs = SyncJob("evil/book", ZH, "zh", 2, "push", after="b" * 40)
        assert world.queue.enqueue_sync(ours)
        assert world.queue.enqueue_sync(theirs)
        assert not world.queue.enqueue_sync(ours)  # one tenant's pushes still coalesce
        with world.queue.lease(f"target:{theirs.tenant.key}") as lease:
            assert lease.acquire()
            assert world.queue.lease(f"target:{ours.tenant.key}").acquire()
        status = world.services.status
        status.update(ZH, key=theirs.tenant.key, last_error="theirs")
        status.update(ZH, key=ours.tenant.key, last_error=None)
        assert status.get(ZH, key=theirs.tenant.key)["last_error"] == "theirs"
        assert world.services.mirrors.of(1).path(ZH) != world.services.mirrors.of(2).path(ZH)


def test_a_target_claimed_by_two_books_is_reported_to_both(tmp_path: Path) -> None:
    with book_world(tmp_path) as world:
        first = sync(world, world.edit_english(TENSORS, EDIT))
        assert first.status == "opened", first
        branch = world.emulator.branch_sha(ZH, "amts/sync")
        world.emulator.add_repo(FORK, world.en.path, installation_id=INSTALLATION)
        fork_head = world.emulator.branch_sha(FORK, "main")
        second = sync(world, fork_head, source=FORK)
        assert second.status == "failed" and f"also a target of {SOURCE}" in second.error
        english_head = world.emulator.branch_sha(SOURCE, "main")
        [check] = world.emulator.check_runs(SOURCE, english_head)
        assert check["conclusion"] == "failure" and FORK in check["output"]["summary"]
        assert world.emulator.branch_sha(ZH, "amts/sync") == branch  # the fork pushed nothing
        again = sync(world, english_head)  # and the first book stops too, until one gives up
        assert again.status == "failed" and f"also a target of {FORK.lower()}" in again.error
