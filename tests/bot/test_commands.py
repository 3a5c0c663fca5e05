"""The ``/amts`` grammar, and the replies of commands that need no sync PR work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.commands.run import (
    HELP,
    CatchUp,
    Help,
    Retranslate,
    Sync,
    Unknown,
    is_command,
    parse,
    run_command,
    sync_outcome,
)
from bot.work.jobs import CommandJob
from tests.bot.bookworld import INDEX, INSTALLATION, ZH, World, book_world


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("/amts help", Help(), id="help"),
        pytest.param("/amts", Help(), id="bare /amts"),
        pytest.param("  /amts   HELP  ", Help(), id="spaces and case"),
        pytest.param("/amts sync", Sync(), id="sync"),
        pytest.param("/amts sync\nplease, the English moved", Sync(), id="text after the line"),
        pytest.param("/amts retranslate", Retranslate(()), id="retranslate everything"),
        pytest.param(
            "/amts retranslate chapter_basics/tensors.md",
            Retranslate((("chapter_basics/tensors.md", None),)),
            id="one path",
        ),
        pytest.param(
            "/amts retranslate a.md#sec_ops ./b/c.md",
            Retranslate((("a.md", "sec_ops"), ("b/c.md", None))),
            id="path with label, path normalised",
        ),
        pytest.param(
            "/amts catch-up chapter_basics/ a.md#sec_ops",
            CatchUp((("chapter_basics", None), ("a.md", "sec_ops"))),
            id="catch-up: a directory and a section",
        ),
    ],
)
def test_parse(body: str, expected: object) -> None:
    assert parse(body) == expected


def test_catch_up_gives_the_core_path_and_label() -> None:
    """``PATH#LABEL`` reaches the core as written; a bare path stays a path."""
    command = parse("/amts catch-up ./a/b.md#sec_x a/c.md")
    assert isinstance(command, CatchUp)
    assert command.paths == ("a/b.md#sec_x", "a/c.md")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param("/amts translate-all", "unknown command `translate-all`", id="unknown"),
        pytest.param("/amts sync now", "`/amts sync` takes no arguments", id="sync with args"),
        pytest.param("/amts retranslate ../etc/passwd", "inside the repository", id="outside"),
        pytest.param("/amts retranslate /abs.md", "inside the repository", id="absolute"),
        pytest.param("/amts retranslate #sec_x", "give a file path", id="label only"),
        pytest.param("/amts catch-up", "needs the files", id="catch-up without paths"),
        pytest.param("/amts catch-up ../x.md", "inside the repository", id="catch-up outside"),
    ],
)
def test_parse_refuses(body: str, problem: str) -> None:
    """Anything else is Unknown, with the problem the reply starts with."""
    command = parse(body)
    assert isinstance(command, Unknown)
    assert problem in command.problem


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/amts help", True),
        ("  /amts sync", True),
        ("/amts", True),
        ("/amtsy", False),
        ("please run /amts sync", False),
        ("", False),
    ],
)
def test_is_command(body: str, expected: bool) -> None:
    """Only a comment that starts with the word ``/amts`` is addressed to AMTS."""
    assert is_command(body) is expected


def test_help_lists_every_command() -> None:
    commands = ("/amts sync", "/amts retranslate", "PATH#LABEL", "/amts catch-up", "/amts help")
    for command in commands:
        assert command in HELP


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        pytest.param(
            SimpleNamespace(
                status="updated", commit="c0ffee" * 6 + "abcd", pr_url="http://x/pull/1", error=""
            ),
            "synced: commit c0ffeec0ffee (http://x/pull/1).",
            id="committed",
        ),
        pytest.param(
            SimpleNamespace(status="nothing", commit=None, message="already synced", error=""),
            "nothing to do: already synced.",
            id="nothing",
        ),
        pytest.param(
            SimpleNamespace(status="failed", commit=None, message="", error="engine down"),
            "the sync failed: engine down\n\nTo try again, comment `/amts sync`.",
            id="failed",
        ),
    ],
)
def test_sync_outcome(outcome: object, expected: str) -> None:
    """The reply to ``/amts sync`` for each kind of outcome of ``run_sync``."""
    assert sync_outcome(outcome) == expected


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        world.open_sync_pr()
        yield world


def run(world: World, body: str) -> str:
    """Run ``body`` as an accepted command of ``maintainer``; the App's reply."""
    comment = world.emulator.add_comment(ZH, world.pr, body, user="maintainer")
    job = CommandJob(ZH, world.pr, comment["id"], "maintainer", body, INSTALLATION, "d-1")
    run_command(world.services, job)
    return world.emulator.comments(ZH, world.pr)[-1]["body"]


def test_sync_reports_the_commit(world: World) -> None:
    """``/amts sync`` after an English change: a commit on the sync branch, named in the
    reply with the PR."""
    before = world.emulator.branch_sha(ZH, "amts/sync")
    world.edit_english(
        INDEX, ("and then look at how a model learns", "and then see how a model learns")
    )
    reply = run(world, "/amts sync")
    after = world.emulator.branch_sha(ZH, "amts/sync")
    assert after != before
    assert reply.startswith(f"> /amts sync\n\n@maintainer synced: commit {after[:12]}")
    assert f"/pull/{world.pr}" in reply


def test_sync_with_nothing_to_do_says_so(world: World) -> None:
    before = world.emulator.branch_sha(ZH, "amts/sync")
    assert run(world, "/amts sync") == "> /amts sync\n\n@maintainer nothing to do: already synced."
    assert world.emulator.branch_sha(ZH, "amts/sync") == before


def test_help_replies_with_the_command_list(world: World) -> None:
    assert run(world, "/amts help") == f"> /amts help\n\n@maintainer {HELP}"


def test_a_path_without_amts_sentences_is_answered(world: World) -> None:
    reply = run(world, "/amts retranslate chapter_basics/linear.md")
    assert reply == (
        "> /amts retranslate chapter_basics/linear.md\n\n@maintainer nothing was done: "
        "chapter_basics/linear.md: AMTS wrote no sentence here in this pull request "
        "(nothing recorded in .amts/written.json)"
    )


def test_a_command_on_a_closed_sync_pr_runs_nothing(world: World) -> None:
    world.emulator.close_pr(ZH, world.pr)
    before = world.emulator.branch_sha(ZH, "amts/sync")
    assert "this pull request is closed; nothing was run" in run(world, "/amts retranslate")
    assert world.emulator.branch_sha(ZH, "amts/sync") == before
