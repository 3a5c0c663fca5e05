"""The sync branch is the App's own (issue 11, item 1): only under ``amts/``, never the
target's default branch, never a branch whose commits a human made. Against the
emulator, with the App's real sync and push handler."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.books.config import BookConfig
from bot.errors import ConfigError
from bot.sync.run import run_sync
from bot.work.jobs import SyncJob
from tests.bot.bookworld import CONFIG, INSTALLATION, SOURCE, TENSORS, ZH, World, book_world

EDIT = ("We can check the number of elements with `numel`.", "We count elements with `numel`.")


def sync(world: World, after: str):
    job = SyncJob(SOURCE, ZH, "zh", INSTALLATION, "t", before=world.first_english, after=after)
    return run_sync(world.services, job)


@pytest.mark.parametrize("branch", ["main", "master", "translations", "amts", "amts/"])
def test_a_branch_outside_the_prefix_is_an_invalid_config(branch: str) -> None:
    with pytest.raises(ConfigError) as caught:
        BookConfig.parse(f"targets: [{{repo: o/zh, lang: zh}}]\nbranch: '{branch}'\n")
    assert caught.value.key == "branch"


def test_a_push_with_the_default_branch_as_sync_branch_is_reported(tmp_path: Path) -> None:
    """The owner of the English repo names the translation's ``main``: a failed check on
    the English commit, no sync queued, nothing pushed to the translation."""
    with book_world(tmp_path, config=CONFIG.replace("branch: amts/sync", "branch: main")) as w:
        main = w.emulator.branch_sha(ZH, "main")
        after = w.edit_english(TENSORS, EDIT)
        w.dispatch("push", w.push_payload(w.first_english, after))
        assert w.jobs() == []
        [check] = w.emulator.check_runs(SOURCE, after)
        assert check["conclusion"] == "failure"
        assert "branch" in check["output"]["title"]
        assert "amts/" in check["output"]["summary"]
        assert sync(w, after).status == "failed"  # a job queued before the change
        assert w.emulator.branch_sha(ZH, "main") == main


def test_a_translators_branch_of_that_name_is_left_alone(tmp_path: Path) -> None:
    """A human's ``amts/sync`` (no pull request) is not taken for a dead job's branch."""
    with book_world(tmp_path) as w:
        human = w.emulator.push_as_human(ZH, "amts/sync", {"notes.md": "mine\n"})
        after = w.edit_english(TENSORS, EDIT)
        outcome = sync(w, after)
        assert outcome.status == "opened", outcome
        assert outcome.branch == f"amts/sync-{after[:8]}"
        assert w.emulator.branch_sha(ZH, "amts/sync") == human


def test_a_humans_pull_request_from_that_branch_is_not_pushed_to(tmp_path: Path) -> None:
    with book_world(tmp_path) as w:
        human = w.emulator.push_as_human(ZH, "amts/sync", {"notes.md": "mine\n"})
        number = w.emulator.open_pr(ZH, "amts/sync", title="My notes")
        after = w.edit_english(TENSORS, EDIT)
        outcome = sync(w, after)
        assert outcome.status == "failed"
        assert "not started by AMTS" in outcome.error
        assert w.emulator.branch_sha(ZH, "amts/sync") == human
        assert w.emulator.pull(ZH, number)["title"] == "My notes"
