"""The status issue's checkboxes end to end: the App on a loopback port and its worker,
the GitHub emulator, signed ``issues`` webhooks. A reader's tick is refused (no commit,
the tick undone); a writer's tick makes the catch-up commit on the sync pull request and
the box comes back unticked with "requested by @user → #PR"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.appworld import running_app, wait_for_opened_sync
from tests.bot.bookworld import ENGLISH_EDITS, ZH, World, book_world, wait_for
from tests.bot.webhooks import post
from tests.gitrepos import SOFTMAX, SOFTMAX_EN, SOFTMAX_ORIGIN, SOFTMAX_ZH

BRANCH = "amts/sync"


@pytest.fixture
def synced(tmp_path: Path) -> Iterator[tuple[World, str, dict]]:
    """A translation whose softmax section lags its English, synced once by a push
    webhook; the status issue as the App left it."""
    with book_world(tmp_path) as world, running_app(world) as url:
        zh_branch = world.emulator.repo(ZH).default_branch
        world.emulator.push_as_human(
            ZH,
            zh_branch,
            {SOFTMAX: SOFTMAX_ZH, SOFTMAX.replace(".md", "_origin.md"): SOFTMAX_ORIGIN},
        )
        base = world.push_english({SOFTMAX: SOFTMAX_EN}, "Softmax section")
        after = ""
        for path, edits in ENGLISH_EDITS.items():
            after = world.edit_english(path, *edits)
        assert post(url, "push", world.push_payload(base, after), delivery_id="d-push")[0] == 202
        wait_for_opened_sync(world)
        record = world.services.status.find(ZH, None)["dashboard"]
        [issue] = [i for i in world.emulator.plain_issues(ZH) if i["number"] == record["number"]]
        yield world, url, issue


def tick(world: World, url: str, issue: dict, user: str, delivery: str) -> None:
    mark = f"<!-- amts-catch-up: {SOFTMAX} -->"
    assert f"- [ ] {mark}" in issue["body"], issue["body"]
    body = issue["body"].replace(f"- [ ] {mark}", f"- [x] {mark}")
    _, payload = world.emulator.issue_event(ZH, issue["number"], user=user, body=body)
    assert post(url, "issues", payload, delivery_id=delivery)[0] == 202


def handled(world: World, delivery: str) -> list:
    return [j for j in world.services.status.jobs() if j.get("delivery_id") == delivery]


def current(world: World, number: int) -> dict:
    return next(i for i in world.emulator.plain_issues(ZH) if i["number"] == number)


def test_reader_is_refused_then_writer_gets_the_catch_up(synced: tuple[World, str, dict]) -> None:
    world, url, issue = synced
    before = world.emulator.branch_sha(ZH, BRANCH)
    assert before is not None

    world.emulator.set_permission(ZH, "reader", "triage")  # may edit issues, not push
    tick(world, url, issue, "reader", "d-reader")
    wait_for(lambda: handled(world, "d-reader"), 60)
    assert world.emulator.branch_sha(ZH, BRANCH) == before  # no catch-up commit
    assert current(world, issue["number"])["body"] == issue["body"]  # the tick undone
    assert [j["kind"] for j in world.services.status.jobs()].count("catch_up") == 0

    world.emulator.set_permission(ZH, "maintainer", "write")
    tick(world, url, current(world, issue["number"]), "maintainer", "d-writer")
    pr = world.emulator.pulls(ZH, state="open")[0]["number"]
    note = f"requested by @maintainer → #{pr}"
    body = wait_for(
        lambda: (
            note in current(world, issue["number"])["body"]
            and current(world, issue["number"])["body"]
        ),
        120,
    )
    [line] = [line for line in body.splitlines() if f"catch-up: {SOFTMAX}" in line]
    assert line.startswith("- [ ] ") and line.endswith(note)  # unticked, with its outcome
    after = world.emulator.branch_sha(ZH, BRANCH)
    assert after != before
    [commit] = world.emulator.commits(ZH, after, since=before)
    changed = world.emulator.git(ZH, "diff", "--name-only", before, after).split()
    assert SOFTMAX in changed and commit.author.name == "AMTS"
    assert world.emulator.comments(ZH, issue["number"]) == []  # no comment per request
