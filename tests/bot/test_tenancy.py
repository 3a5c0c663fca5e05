"""Tenants are isolated (issue 11, item 2): a target is the source installation's or opts
in; every piece of state is keyed by (installation, source, target); a target claimed by
two books is an error told to both. Against the emulator with the App's real sync."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from huey.constants import EmptyData

from bot.books.tenancy import CLAIMS_PREFIX
from bot.dashboard.boxes import run_request
from bot.dashboard.issue import is_dashboard
from bot.sync.run import run_sync
from bot.work.jobs import CatchUpRequest, SyncJob
from tests.bot.bookworld import CONFIG, INSTALLATION, SOURCE, TENSORS, ZH, World, book_world
from tests.bot.webhooks import installation_payload

OTHER = "other-org/d2l-zh"  # a translation in another installation
OPTED = "third-org/d2l-zh"  # one in a third installation that opts in to the book
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


def sync_opted_in(world: World):
    """``OTHER`` opts in to the book, and the App's first sync there opened its PR."""
    after = with_other_target(world)
    world.emulator.push_as_human(OTHER, "main", {".github/amts.yml": f"sources: [{SOURCE}]\n"})
    outcome = sync(world, after, target=OTHER)
    assert outcome.status == "opened", outcome
    return outcome


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
        sync_opted_in(world)
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


def test_a_push_queues_nothing_for_a_target_that_is_not_allowed(tmp_path: Path) -> None:
    """The installation and opt-in check runs at push time: the book's own target and an
    opted-in one are queued; another installation's target that did not opt in is told
    on the pushed commit, and no job is queued for it."""
    more = f"  - repo: {OTHER}\n    lang: zh\n  - repo: {OPTED}\n    lang: zh\n"
    config = CONFIG.replace("    lang: zh\n", "    lang: zh\n" + more, 1)
    with book_world(tmp_path, config=config) as world:
        world.emulator.add_repo(OTHER, world.zh.path, installation_id=2)
        world.emulator.add_repo(OPTED, world.zh.path, installation_id=3)
        world.emulator.push_as_human(OPTED, "main", {".github/amts.yml": f"sources: [{SOURCE}]\n"})
        before = world.emulator.branch_sha(SOURCE, "main")
        after = world.edit_english(TENSORS, EDIT)
        world.dispatch("push", world.push_payload(before, after))
        assert [job["target_repo"] for job in world.jobs("sync")] == [ZH, OPTED]
        [check] = world.emulator.check_runs(SOURCE, after)
        assert check["conclusion"] == "failure" and OTHER in check["output"]["title"]
        assert "sources:" in check["output"]["summary"]


def test_uninstalling_forgets_the_installations_claims_state_and_files(tmp_path: Path) -> None:
    """``installation.deleted``: the claims, queued flags, leases, waiting jobs, status
    records and the caches under the data directory (mirrors, alignment cache, memory)
    of that installation are forgotten; another installation's are kept."""
    with book_world(tmp_path) as world:
        assert sync(world, world.edit_english(TENSORS, EDIT)).status == "opened"
        storage, data = world.queue.storage, world.services.settings.data_dir
        ours = SyncJob(SOURCE, ZH, "zh", INSTALLATION, "push", after="a" * 40)
        theirs = SyncJob("other-org/book", OTHER, "zh", 2, "push", after="b" * 40)
        assert world.queue.enqueue_sync(ours) and world.queue.enqueue_sync(theirs)
        lease = world.queue.lease(f"target:{ours.tenant.key}")
        assert lease.acquire()
        shared = CLAIMS_PREFIX + "someone/shared"
        storage.put_data(shared, json.dumps({SOURCE: INSTALLATION, "other-org/book": 2}).encode())
        world.services.status.update(OTHER, key=theirs.tenant.key, installation_id=2)
        (world.services.mirrors.of(2).root / "other-org").mkdir(parents=True)
        folders = [data / name / str(INSTALLATION) for name in ("mirrors", "align-cache", "memory")]
        assert all(folder.is_dir() for folder in folders)
        claims = json.loads(bytes(storage.peek_data(CLAIMS_PREFIX + ZH)))
        assert claims == {SOURCE: INSTALLATION}

        github = world.services.github
        github.installation_for(SOURCE)
        looked_up = len(world.emulator.find_requests("GET", f"/repos/{SOURCE}/installation"))

        world.dispatch("installation", installation_payload("deleted", INSTALLATION))

        github.installation_for(SOURCE)  # forgotten here: looked up again
        again = len(world.emulator.find_requests("GET", f"/repos/{SOURCE}/installation"))
        assert again == looked_up + 1

        assert storage.peek_data(CLAIMS_PREFIX + ZH) is EmptyData
        assert json.loads(bytes(storage.peek_data(shared))) == {"other-org/book": 2}
        keys = set(storage.result_items())
        assert not {k for k in keys if f":{INSTALLATION}:" in k or k.endswith(f":{INSTALLATION}")}
        assert f"queued:{theirs.tenant.key}" in keys
        assert world.services.status.find(ZH, INSTALLATION) is None
        assert world.services.status.find(OTHER, 2) is not None
        assert not any(folder.exists() for folder in folders)
        assert (world.services.mirrors.of(2).root / "other-org").is_dir()
        revoked = {
            task.args[0]["installation_id"]: world.queue.huey.is_revoked(task)
            for task in world.queue.huey.pending()
            if task.name == "sync"
        }
        assert revoked == {INSTALLATION: True, 2: False}
        lease.release()


def test_reconcile_queues_nothing_for_a_target_that_is_not_allowed(tmp_path: Path) -> None:
    """The periodic safety net checks as the push does: another installation's target
    that did not opt in gets no job and no starting point."""
    from bot.sync.reconcile import reconcile

    with book_world(tmp_path) as world:
        with_other_target(world)
        branches = world.emulator.branches(OTHER)
        verdicts = reconcile(world.services, INSTALLATION)
        assert [v.target_repo for v in verdicts] == []
        assert world.jobs("sync") == []
        assert world.emulator.branches(OTHER) == branches


def test_the_status_issue_of_an_opted_in_target_is_published_with_its_installation(
    tmp_path: Path,
) -> None:
    """Issue 12: a target of another installation that opted in gets its status issue,
    made by the App through the target's installation, with the lag measured; the
    English book's installation could not write there."""
    with book_world(tmp_path) as world:
        outcome = sync_opted_in(world)
        [issue] = world.emulator.plain_issues(OTHER)
        assert is_dashboard(issue["body"], OTHER)
        assert issue["user"]["login"] == world.emulator.bot_login
        record = world.services.status.find(OTHER, INSTALLATION)
        assert record["dashboard"]["number"] == issue["number"]
        assert record["lag"] is not None
        assert f"#{outcome.pr_number}" in issue["body"]
        # a writer's ticked box there: the note goes into that issue, by the same route
        request = CatchUpRequest(OTHER, issue["number"], "maintainer", (TENSORS,), INSTALLATION)
        run_request(world.services, dataclasses.replace(request, source_repo=SOURCE))
        [again] = world.emulator.plain_issues(OTHER)
        [line] = [line for line in again["body"].splitlines() if f"catch-up: {TENSORS}" in line]
        assert "requested by @maintainer" in line and "failed" not in line, line


def test_a_merge_in_an_opted_in_target_refreshes_the_books_record_and_issue(
    tmp_path: Path,
) -> None:
    """The merge arrives with the target's installation; the memory, the status record
    and the status issue are still the book's tenant's (one record, the lag measured)."""
    from bot.sync.refresh import MemoryCache, refresh_memory
    from bot.work.jobs import RefreshJob, Tenant

    with book_world(tmp_path) as world:
        outcome = sync_opted_in(world)
        merged = world.emulator.merge_pr(OTHER, outcome.pr_number)
        refresh_memory(world.services, RefreshJob(OTHER, "zh", 2, merged, source_repo=SOURCE))
        [record] = [r for r in world.services.status.all() if r["target_repo"] == OTHER]
        assert record["key"] == Tenant(INSTALLATION, SOURCE, OTHER).key
        assert record["pull"] is None and record["lag"] is not None
        tenant = Tenant(INSTALLATION, SOURCE, OTHER)
        assert MemoryCache.of(world.services.settings.data_dir, tenant, "zh").path() is not None
        [issue] = world.emulator.plain_issues(OTHER)
        assert is_dashboard(issue["body"], OTHER) and "up to date" in issue["body"]
