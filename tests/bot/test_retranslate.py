"""Scenario e of issue 7, end to end: ``/amts retranslate`` on a sync PR.

A signed ``issue_comment`` delivery goes through the webhook, the real huey queue
(SQLite) and its consumer thread, the comment handler and the command job; the App
talks to the GitHub emulator with PyGithub and git over HTTP. The sync PR is opened by
the App's own sync (the memory engine leaves the new English sentences in English and
records them in ``.amts/written.json``); then the translation memory learns those
sentences (as a merged PR's refresh would teach it) and a translator edits one of them on
the branch. A retranslation must change the others and leave the translator's alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from amts.sync.written import WRITTEN_PATH, WrittenRecord
from bot.app import create_app
from bot.commands import HELP
from bot.jobs import Tenant
from bot.refresh import MemoryCache
from bot.worker import start_consumer
from tests.bot.bookworld import (
    INDEX,
    INSTALLATION,
    NUMEL,
    SHAPE,
    SOURCE,
    TENSORS,
    TOOLS,
    ZH,
    World,
    book_world,
    wait_for,
)
from tests.bot.webhooks import deliver
from tests.emulators.github import GitHubEmulator

BRANCH = "amts/sync"
#: What the translation memory learned after the sync (hand-written translations).
LEARNED = {
    NUMEL: "我们可以用`numel`检查元素的总数。",
    SHAPE: "每个张量都有一个形状。",
    TOOLS: "本章介绍本书中使用的每一个工具。",
}
HUMAN_SHAPE = "每个张量都有形状（shape）。"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A sync PR whose SHAPE sentence a translator has since translated by hand, a memory
    that knows every new sentence, and the App's webhook and worker running."""
    with book_world(tmp_path) as world:
        world.open_sync_pr()
        text = world.emulator.read_file(ZH, BRANCH, TENSORS) or ""
        assert NUMEL in text and SHAPE in text
        world.emulator.push_as_human(
            ZH, BRANCH, {TENSORS: text.replace(SHAPE, HUMAN_SHAPE)}, "Translate a sentence"
        )
        tenant = Tenant(INSTALLATION, SOURCE, ZH)
        MemoryCache.of(world.services.settings.data_dir, tenant, "zh").write(
            list(LEARNED.items()), "en", "zh", "learned"
        )
        world.emulator.set_permission(ZH, "maintainer", "write")
        world.emulator.set_permission(ZH, "reader", "read")
        consumer = start_consumer(world.queue, workers=1)
        try:
            yield world
        finally:
            consumer.stop(graceful=True)


def comment(world: World, body: str, user: str) -> dict:
    """Deliver the comment as GitHub does: signed, through the webhook."""
    payload = world.comment_payload(world.pr, body, user=user)
    client = create_app(world.services.settings, world.queue).test_client()
    assert deliver(client, "issue_comment", payload).status_code == 202
    return payload["comment"]


def replies(emulator: GitHubEmulator, number: int) -> list[str]:
    """The App's replies (a test's own ``/amts`` comment as ``amts[bot]`` aside)."""
    return [
        c["body"]
        for c in emulator.comments(ZH, number)
        if c["user"]["login"] == emulator.bot_login and not c["body"].startswith("/amts")
    ]


def test_a_writers_retranslate_changes_only_unedited_amts_sentences_of_the_path(
    world: World,
) -> None:
    emulator = world.emulator
    before = emulator.branch_sha(ZH, BRANCH)
    assert before is not None
    made = comment(world, f"/amts retranslate {TENSORS}", "maintainer")
    [reply] = wait_for(lambda: replies(emulator, world.pr))
    after = emulator.branch_sha(ZH, BRANCH)
    assert after is not None and after != before
    # One commit, by AMTS, on top of the translator's.
    [commit] = emulator.commits(ZH, after, since=before)
    assert commit.parents == (before,)
    assert commit.author.name == "AMTS"
    assert emulator.forced_updates == []
    old, new = emulator.files(ZH, before), emulator.files(ZH, after)
    assert {p for p in new if new[p] != old.get(p)} == {TENSORS, WRITTEN_PATH}
    # Exactly the unedited AMTS sentence changed; the translator's stays as written.
    assert new[TENSORS] == old[TENSORS].replace(NUMEL, LEARNED[NUMEL])
    assert HUMAN_SHAPE in new[TENSORS]
    # Another file's AMTS sentence is not touched: only PATH was asked for.
    assert TOOLS in new[INDEX]
    record = WrittenRecord.from_bytes(new[WRITTEN_PATH].encode()).sentences
    assert [(s.source, s.target, s.origin) for s in record if s.source == NUMEL] == [
        (NUMEL, LEARNED[NUMEL], "memory")
    ]
    assert reactions(emulator, made["id"]) == ["eyes"]
    assert reply.startswith(f"> /amts retranslate {TENSORS}\n\n@maintainer retranslated 1")
    assert after[:12] in reply
    assert "1 not touched: edited since AMTS wrote it" in reply


def reactions(emulator: GitHubEmulator, comment_id: int) -> list[str]:
    return [r["content"] for r in emulator.reactions(ZH, comment_id)]


def test_others_are_refused_bots_ignored_unknown_commands_answered(world: World) -> None:
    """Read-only: refusal, no commit. A bot: nothing at all. Unknown: the help text."""
    emulator = world.emulator
    head = emulator.branch_sha(ZH, BRANCH)
    refused = comment(world, f"/amts retranslate {TENSORS}", "reader")
    [refusal] = wait_for(lambda: replies(emulator, world.pr))
    assert refusal.startswith("AMTS commands can be run by people with write access")
    assert "@reader" not in refusal
    assert reactions(emulator, refused["id"]) == []

    by_bot = comment(world, f"/amts retranslate {TENSORS}", "amts[bot]")
    unknown = comment(world, "/amts frobnicate", "maintainer")
    answers = wait_for(lambda: replies(emulator, world.pr)[1:])
    # One worker runs the deliveries in order: the bot's was handled before the unknown
    # command's reply was written, and got no answer.
    assert len(answers) == 1
    assert answers[0].startswith("> /amts frobnicate\n\n@maintainer unknown command `frobnicate`")
    assert HELP in answers[0]
    assert reactions(emulator, unknown["id"]) == ["eyes"]
    assert reactions(emulator, by_bot["id"]) == []
    assert emulator.branch_sha(ZH, BRANCH) == head  # no commit from any of them


def test_a_retranslation_that_gives_the_same_text_says_unchanged(world: World) -> None:
    """With the memory engine a sentence may come back as it was (here: retranslated a
    second time from the same memory): no commit, and the reply says so instead of
    pretending."""
    command = f"/amts retranslate {TENSORS}#sec_tensors"
    comment(world, command, "maintainer")
    wait_for(lambda: replies(world.emulator, world.pr))
    head = world.emulator.branch_sha(ZH, BRANCH)
    comment(world, command, "maintainer")
    [_, reply] = wait_for(
        lambda: len(replies(world.emulator, world.pr)) == 2 and replies(world.emulator, world.pr)
    )
    assert "nothing to commit" in reply
    assert "1 unchanged" in reply
    assert world.emulator.branch_sha(ZH, BRANCH) == head


def test_an_unknown_section_is_answered_with_the_known_labels(world: World) -> None:
    comment(world, f"/amts retranslate {TENSORS}#sec_nope", "maintainer")
    [reply] = wait_for(lambda: replies(world.emulator, world.pr))
    assert "nothing was done" in reply and "no section 'sec_nope'" in reply
    assert "sec_tensors" in reply
