"""A sync PR merged → a refresh job for its target; closed unmerged → nothing, not
reopened; other pull requests → nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.bookworld import INSTALLATION, SOURCE, ZH, World, book_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        yield world


def closed(world: World, number: int) -> dict:
    """The ``pull_request`` ``closed`` delivery GitHub sends after a merge or a close."""
    return {
        "action": "closed",
        "number": number,
        "pull_request": world.emulator.pull(ZH, number),
        "repository": world.emulator.repo_json(ZH),
        "sender": {"login": "maintainer", "type": "User"},
        "installation": {"id": INSTALLATION},
    }


def test_a_merged_sync_pr_queues_a_refresh(world: World) -> None:
    number = world.open_sync_pr()
    merged = world.emulator.merge_pr(ZH, number)
    delivery = world.dispatch("pull_request", closed(world, number))
    assert world.jobs() == [
        {
            "target_repo": ZH,
            "lang": "zh",
            "installation_id": INSTALLATION,
            "merged_sha": merged,
            "delivery_id": delivery,
            "source_repo": SOURCE,
        }
    ]
    assert [name for name, _ in world.queue.waiting()] == ["refresh"]


def test_a_sync_pr_closed_unmerged_is_left_closed(world: World) -> None:
    number = world.open_sync_pr()
    world.emulator.close_pr(ZH, number)
    calls = len(world.emulator.requests)
    world.dispatch("pull_request", closed(world, number))
    assert world.jobs() == []
    assert world.emulator.pull(ZH, number)["state"] == "closed"
    # Nothing was asked of GitHub at all, let alone a reopening PATCH.
    assert world.emulator.requests[calls:] == []


def test_a_translators_merged_pr_is_not_a_sync_pr(world: World) -> None:
    world.emulator.push_as_human(ZH, "fix-typo", {"chapter_basics/index.md": "# 基础\n"})
    number = world.emulator.open_pr(ZH, "fix-typo", user="translator")
    world.emulator.merge_pr(ZH, number)
    world.dispatch("pull_request", closed(world, number))
    assert world.jobs() == []
