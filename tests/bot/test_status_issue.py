"""The status issue in the translation repository: created by the first sync, edited in
place, paused when closed by hand, off with ``dashboard: false``; its checkboxes, ticked
by a writer, queue a catch-up, and by anyone else change nothing.

The App's own sync runs against the GitHub emulator; people's edits of the issue are
made in the emulator and delivered to the handlers in ``issues`` payloads of GitHub's
shape; jobs are read back from the real queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.dashboard.boxes import run_request
from bot.dashboard.issue import TITLE, is_dashboard, ticked
from bot.dashboard.views import publish
from bot.work.jobs import CatchUpRequest
from tests.bot.bookworld import CONFIG, INDEX, INSTALLATION, TOOLS, ZH, World, book_world
from tests.bot.lagdicts import SMALL

INTRO = "chapter_introduction/index.md"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        world.open_sync_pr()
        yield world


def status_issue(world: World) -> dict:
    [issue] = world.emulator.plain_issues(ZH)
    return issue


def key_of(world: World) -> str:
    """The tenant key the App keeps the translation's record under."""
    return world.services.status.find(ZH, None)["key"]


def tick(body: str, path: str) -> str:
    mark = f"<!-- amts-catch-up: {path} -->"
    assert f"- [ ] {mark}" in body
    return body.replace(f"- [ ] {mark}", f"- [x] {mark}")


def with_lag(world: World) -> dict:
    """The record as if the lag had been measured: boxes to tick."""
    record = world.services.status.update(ZH, key=key_of(world), lag=SMALL)
    publish(world.services, world.gh.get_repo(ZH), record)
    return status_issue(world)


def test_first_sync_creates_the_issue_and_later_ones_edit_it(world: World) -> None:
    issue = status_issue(world)
    assert issue["title"] == TITLE and is_dashboard(issue["body"], ZH)
    assert issue["user"]["login"] == world.emulator.bot_login
    assert f"#{world.pr} asks for: 2 files to review" in issue["body"]
    world.edit_english(INDEX, (TOOLS, "This chapter introduces every tool, one by one."))
    from bot.sync.run import run_sync
    from bot.work.jobs import SyncJob

    outcome = run_sync(world.services, SyncJob("d2l-ai/d2l-en", ZH, "zh", INSTALLATION, "test"))
    assert outcome.status == "updated"
    again = status_issue(world)  # still one issue, the same one, body edited
    assert again["number"] == issue["number"] and again["body"] != issue["body"]
    assert f"#{world.pr} asks for: 3 files to review" in again["body"]
    assert world.emulator.comments(ZH, issue["number"]) == []  # never a comment per update
    patches = world.emulator.find_requests("PATCH", f"/repos/{ZH}/issues/{issue['number']}")
    assert len(patches) >= 1 and all(set(p.json) == {"body"} for p in patches)


def test_dashboard_false_means_no_issue(tmp_path: Path) -> None:
    with book_world(tmp_path, config=CONFIG + "dashboard: false\n") as world:
        world.open_sync_pr()
        assert world.emulator.plain_issues(ZH) == []
        assert world.services.status.find(ZH, None)["pull"]["number"] == world.pr


def test_closed_by_hand_is_left_alone_until_reopened(world: World) -> None:
    number = status_issue(world)["number"]
    _, payload = world.emulator.issue_event(ZH, number, user="maintainer", state="closed")
    world.dispatch("issues", payload)
    assert world.services.status.find(ZH, None)["dashboard"]["closed"] is True
    before = len(world.emulator.find_requests("PATCH", f"/repos/{ZH}/issues/{number}"))
    record = world.services.status.update(ZH, key=key_of(world), lag=SMALL)
    assert publish(world.services, world.gh.get_repo(ZH), record) is None
    assert len(world.emulator.find_requests("PATCH", f"/repos/{ZH}/issues/{number}")) == before
    assert "69.3%" not in status_issue(world)["body"]
    _, payload = world.emulator.issue_event(ZH, number, user="maintainer", state="open")
    world.dispatch("issues", payload)
    assert "69.3% of English blocks up to date" in status_issue(world)["body"]
    assert world.services.status.find(ZH, None)["dashboard"]["closed"] is False


def test_a_writer_ticking_a_box_queues_a_catch_up(world: World) -> None:
    issue = with_lag(world)
    world.emulator.set_permission(ZH, "maintainer", "write")
    body = tick(issue["body"], INTRO)
    _, payload = world.emulator.issue_event(ZH, issue["number"], user="maintainer", body=body)
    delivery = world.dispatch("issues", payload)
    assert world.jobs("catch_up") == [
        {
            "target_repo": ZH,
            "issue_number": issue["number"],
            "user": "maintainer",
            "paths": [INTRO],
            "installation_id": INSTALLATION,
            "delivery_id": delivery,
            "source_repo": "d2l-ai/d2l-en",
        }
    ]


@pytest.mark.parametrize("role", ["read", "triage", "none"])
def test_anyone_else_ticking_changes_nothing(world: World, role: str) -> None:
    issue = with_lag(world)
    world.emulator.set_permission(ZH, "reader", role)
    body = tick(issue["body"], INTRO)
    _, payload = world.emulator.issue_event(ZH, issue["number"], user="reader", body=body)
    world.dispatch("issues", payload)
    assert world.jobs("catch_up") == []
    assert status_issue(world)["body"] == issue["body"]  # the tick is undone
    assert "requested by" not in status_issue(world)["body"]


def test_a_bot_editing_changes_nothing(world: World) -> None:
    issue = with_lag(world)
    body = tick(issue["body"], INTRO)
    _, payload = world.emulator.issue_event(ZH, issue["number"], user="other[bot]", body=body)
    world.dispatch("issues", payload)
    assert world.jobs("catch_up") == []
    assert ticked(status_issue(world)["body"], "") == [INTRO]  # not even undone: not ours


def test_edits_of_other_issues_are_ignored(world: World) -> None:
    with_lag(world)
    from tests.emulators.github.tracker import open_issue

    other = open_issue(world.emulator.state, world.emulator.repo(ZH), "someone", "Typo", "")
    world.emulator.set_permission(ZH, "maintainer", "write")
    body = "- [x] <!-- amts-catch-up: chapter_introduction/index.md --> sneaky"
    _, payload = world.emulator.issue_event(ZH, other.number, user="maintainer", body=body)
    world.dispatch("issues", payload)
    assert world.jobs("catch_up") == []


def test_the_request_comes_back_unticked_with_its_outcome(world: World) -> None:
    """Whatever the catch-up did, the box is unticked and says who asked and what came of it."""
    issue = with_lag(world)
    run_request(
        world.services, CatchUpRequest(ZH, issue["number"], "maintainer", (INTRO,), INSTALLATION)
    )
    body = status_issue(world)["body"]
    [line] = [line for line in body.splitlines() if f"catch-up: {INTRO}" in line]
    assert line.startswith("- [ ] ") and "requested by @maintainer" in line


def test_uninstalling_forgets_the_installation(world: World) -> None:
    assert world.services.status.find(ZH, None) is not None
    world.services.status.record_job(ZH, kind="sync", installation_id=INSTALLATION)
    payload = {"action": "deleted", "installation": {"id": INSTALLATION}, "sender": {}}
    world.dispatch("installation", payload)
    assert world.services.status.all() == [] and world.services.status.jobs() == []


def test_installation_creates_the_issue(tmp_path: Path) -> None:
    """The reconcile that follows an installation starts the target and opens its issue."""
    from bot.sync.reconcile import reconcile

    with book_world(tmp_path) as world:
        reconcile(world.services)
        issue = status_issue(world)
        assert issue["title"] == TITLE and is_dashboard(issue["body"], ZH)
        assert world.services.status.find(ZH, None)["dashboard"]["number"] == issue["number"]


def test_a_merge_updates_the_issue(world: World) -> None:
    from bot.sync.refresh import refresh_memory
    from bot.work.jobs import RefreshJob

    assert f"#{world.pr} asks for" in status_issue(world)["body"]
    merged = world.emulator.merge_pr(ZH, world.pr)
    refresh_memory(world.services, RefreshJob(ZH, "zh", INSTALLATION, merged))
    assert world.services.status.find(ZH, None)["pull"] is None
    body = status_issue(world)["body"]
    assert f"#{world.pr} asks for" not in body and "### Open sync pull request\n\nNone" in body
