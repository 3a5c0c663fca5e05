"""``/amts`` comments on a sync PR: who is obeyed, what they see at once, what is queued.

The sync PR is opened by the App's own sync on the emulator; comments are recorded in
the emulator and delivered to the handlers in ``issue_comment`` payloads of GitHub's
shape; the job is read back from the real queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.handlers.comments import is_bot
from tests.bot.bookworld import INSTALLATION, SOURCE, ZH, World, book_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        world.open_sync_pr()
        yield world


def reactions(world: World, comment_id: int) -> list[str]:
    return [r["content"] for r in world.emulator.reactions(ZH, comment_id)]


def replies(world: World) -> list[dict]:
    """Comments on the sync PR by the App (a test's own comment as ``amts[bot]`` aside)."""
    return [
        c
        for c in world.emulator.comments(ZH, world.pr)
        if c["user"]["login"] == world.emulator.bot_login and not c["body"].startswith("/amts")
    ]


@pytest.mark.parametrize("role", ["write", "maintain", "admin"])
def test_a_writer_gets_eyes_and_a_command_job(world: World, role: str) -> None:
    world.emulator.set_permission(ZH, "maintainer", role)
    payload = world.comment_payload(world.pr, "/amts sync", user="maintainer")
    delivery = world.dispatch("issue_comment", payload)
    comment_id = payload["comment"]["id"]
    assert reactions(world, comment_id) == ["eyes"]
    assert world.jobs() == [
        {
            "target_repo": ZH,
            "pr_number": world.pr,
            "comment_id": comment_id,
            "user": "maintainer",
            "body": "/amts sync",
            "installation_id": INSTALLATION,
            "delivery_id": delivery,
            "source_repo": SOURCE,
        }
    ]
    assert [name for name, _ in world.queue.waiting()] == ["command"]
    assert replies(world) == []  # the outcome comes from the job


@pytest.mark.parametrize("role", ["read", "triage", "none"])
def test_others_get_a_short_reply_and_nothing_runs(world: World, role: str) -> None:
    world.emulator.set_permission(ZH, "reader", role)
    payload = world.comment_payload(world.pr, "/amts retranslate", user="reader")
    world.dispatch("issue_comment", payload)
    assert world.jobs() == []
    assert reactions(world, payload["comment"]["id"]) == []
    [reply] = replies(world)
    assert reply["body"].startswith("AMTS commands can be run by people with write access")
    assert "nothing was run" in reply["body"] and "@" not in reply["body"]


@pytest.mark.parametrize(
    "login", ["amts[bot]", "dependabot[bot]"], ids=["the App itself", "another bot"]
)
def test_bots_are_ignored(world: World, login: str) -> None:
    world.emulator.set_permission(ZH, login, "admin")
    payload = world.comment_payload(world.pr, "/amts sync", user=login)
    assert payload["comment"]["user"]["type"] == "Bot"  # GitHub's shape for Apps
    world.dispatch("issue_comment", payload)
    assert world.jobs() == []
    assert reactions(world, payload["comment"]["id"]) == []
    assert replies(world) == []


def test_a_comment_that_is_not_a_command_is_ignored(world: World) -> None:
    world.emulator.set_permission(ZH, "maintainer", "admin")
    payload = world.comment_payload(world.pr, "Looks good! /amts sync later", user="maintainer")
    world.dispatch("issue_comment", payload)
    assert world.jobs() == [] and replies(world) == []
    # Not even a permission check: the App reads nothing for ordinary comments.
    assert world.emulator.find_requests("GET", f"/repos/{ZH}/collaborators/*") == []


def test_a_command_on_a_translators_pull_request_is_ignored(world: World) -> None:
    """Only AMTS's own sync PRs take commands: a translator's branch has no state file."""
    world.emulator.push_as_human(ZH, "fix-typo", {"chapter_basics/index.md": "# 基础\n"})
    number = world.emulator.open_pr(ZH, "fix-typo", user="translator")
    world.emulator.set_permission(ZH, "maintainer", "admin")
    payload = world.comment_payload(number, "/amts sync", user="maintainer")
    world.dispatch("issue_comment", payload)
    assert world.jobs() == []
    assert reactions(world, payload["comment"]["id"]) == []


def test_a_comment_on_an_issue_is_ignored(world: World) -> None:
    world.emulator.set_permission(ZH, "maintainer", "admin")
    payload = world.comment_payload(world.pr, "/amts sync", user="maintainer")
    del payload["issue"]["pull_request"]
    world.dispatch("issue_comment", payload)
    assert world.jobs() == []


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"login": "amts[bot]", "type": "Bot"}, True),
        ({"login": "renovate[bot]", "type": "User"}, True),
        ({"login": "astonzhang", "type": "User"}, False),
    ],
)
def test_is_bot(user: dict, expected: bool) -> None:
    assert is_bot(user) is expected


def test_outsiders_commands_cost_no_api_call_and_one_reply(world: World) -> None:
    """Comments by people with no association to the repository: nothing is read from
    GitHub for them, and the pull request gets one reply whatever their number."""
    payloads = [
        world.comment_payload(world.pr, f"/amts sync {n}", user=f"passer-by-{n % 2}")
        for n in range(4)
    ]
    assert {p["comment"]["author_association"] for p in payloads} == {"NONE"}
    before = len(world.emulator.requests)
    for payload in payloads:
        world.dispatch("issue_comment", payload)
    calls = world.emulator.requests[before:]
    assert [(r.method, r.path) for r in calls if r.method != "GET"] == [
        ("POST", f"/repos/{ZH}/issues/{world.pr}/comments")
    ]
    assert len(calls) == 1  # the reply, nothing else
    assert world.jobs() == [] and len(replies(world)) == 1


def test_a_collaborator_without_write_access_gets_one_reply_per_pull_request(
    world: World,
) -> None:
    world.emulator.set_permission(ZH, "reader", "read")
    for _ in range(3):
        world.dispatch("issue_comment", world.comment_payload(world.pr, "/amts sync", "reader"))
    assert world.jobs() == [] and len(replies(world)) == 1


def test_a_comment_on_a_persons_pull_request_costs_nothing(world: World) -> None:
    world.emulator.push_as_human(ZH, "fix-typo", {"chapter_basics/index.md": "# 基础\n"})
    number = world.emulator.open_pr(ZH, "fix-typo", user="translator")
    world.emulator.set_permission(ZH, "maintainer", "admin")
    before = len(world.emulator.requests)
    world.dispatch("issue_comment", world.comment_payload(number, "/amts sync", "maintainer"))
    assert world.emulator.requests[before:] == [] and world.jobs() == []


def test_a_comment_redelivered_under_a_new_delivery_id_runs_once(world: World) -> None:
    """GitHub's "Redeliver" (or a replay of the signed body) has a new delivery id."""
    world.emulator.set_permission(ZH, "maintainer", "write")
    payload = world.comment_payload(world.pr, "/amts sync", user="maintainer")
    first = world.dispatch("issue_comment", payload)
    second = world.dispatch("issue_comment", payload)
    assert first != second
    assert [job["delivery_id"] for job in world.jobs("command")] == [first]
    assert reactions(world, payload["comment"]["id"]) == ["eyes"]
