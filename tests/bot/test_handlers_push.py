"""Pushes to the English book: a sync job per target, or a failed ``amts`` check run.

Against the GitHub emulator with PyGithub over HTTP; jobs are read back from the real
huey queue (SQLite in the test's tmp dir). Scenario i of issue 7 is
:func:`test_an_invalid_config_fails_a_check_run_and_syncs_nothing`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.handlers.push import pushed_to_default_branch
from bot.work.jobs import Tenant
from tests.bot.bookworld import INSTALLATION, SOURCE, ZH, World, book_world

KEY = Tenant(INSTALLATION, SOURCE, ZH).key  # the status record of the book's translation

ZERO = "0" * 40


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        yield world


def test_a_push_to_the_default_branch_queues_one_sync_per_target(world: World) -> None:
    before = world.emulator.branch_sha(SOURCE, "main")
    after = world.push_english({"chapter_basics/new.md": "# New\n"})
    delivery = world.dispatch("push", world.push_payload(before, after))
    assert world.jobs() == [
        (
            {
                "source_repo": SOURCE,
                "target_repo": ZH,
                "lang": "zh",
                "installation_id": INSTALLATION,
                "reason": f"push {before[:8]}..{after[:8]} to {SOURCE}",
                "delivery_id": delivery,
                "before": before,
                "after": after,
            }
        )
    ]
    assert [name for name, _ in world.queue.waiting()] == ["sync"]
    assert world.emulator.check_runs(SOURCE) == []


def test_every_target_gets_its_job(tmp_path: Path) -> None:
    """Two targets, two jobs, each with its language."""
    config = (
        "targets:\n  - repo: d2l-ai/d2l-zh\n    lang: zh\n  - repo: d2l-ai/d2l-pt\n    lang: pt\n"
    )
    with book_world(tmp_path, config=config) as world:
        world.emulator.add_repo("d2l-ai/d2l-pt", world.zh.path, installation_id=INSTALLATION)
        before = world.emulator.branch_sha(SOURCE, "main")
        after = world.push_english({"a.md": "# A\n"})
        world.dispatch("push", world.push_payload(before, after))
        assert [(j["target_repo"], j["lang"]) for j in world.jobs("sync")] == [
            ("d2l-ai/d2l-zh", "zh"),
            ("d2l-ai/d2l-pt", "pt"),
        ]


@pytest.mark.parametrize(
    ("ref", "deleted"),
    [
        pytest.param("refs/tags/v1.0", False, id="tag"),
        pytest.param("refs/heads/fix-typo", False, id="other branch"),
        pytest.param("refs/heads/main", True, id="deletion"),
    ],
)
def test_pushes_that_are_not_the_book_changing_queue_nothing(
    world: World, ref: str, deleted: bool
) -> None:
    before = world.emulator.branch_sha(SOURCE, "main")
    payload = world.push_payload(before, ZERO if deleted else before, ref=ref)
    payload["deleted"] = deleted
    world.dispatch("push", payload)
    assert world.jobs() == []
    assert world.emulator.check_runs(SOURCE) == []
    # Not even the configuration was read: nothing but the client's token was asked for.
    assert world.emulator.find_requests("GET", f"/repos/{SOURCE}/contents/*") == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param({"ref": "refs/heads/main"}, None, id="default branch"),
        pytest.param({"ref": "refs/tags/v1"}, "not a branch (refs/tags/v1)", id="tag"),
        pytest.param({"ref": "refs/heads/dev"}, "not the default branch (dev)", id="branch"),
        pytest.param({"ref": "refs/heads/main", "deleted": True}, "branch deleted", id="deleted"),
    ],
)
def test_which_pushes_count(payload: dict, expected: str | None) -> None:
    """The reason a push is ignored, from the payload alone."""
    payload["repository"] = {"default_branch": "main"}
    assert pushed_to_default_branch(payload) == expected


def test_a_book_without_amts_yml_is_not_a_source(tmp_path: Path) -> None:
    with book_world(tmp_path, config=None) as world:
        before = world.emulator.branch_sha(SOURCE, "main")
        after = world.push_english({"a.md": "# A\n"})
        world.dispatch("push", world.push_payload(before, after))
        assert world.jobs() == []
        assert world.emulator.check_runs(SOURCE) == []


@pytest.mark.parametrize(
    ("config", "key", "problem"),
    [
        pytest.param(
            "targets:\n  - repo: d2l-ai/d2l-zh\n    lang: klingon\n",
            "targets[0].lang",
            "unknown language 'klingon'",
            id="unknown language",
        ),
        pytest.param("engine: memory\n", "targets", "missing", id="no targets"),
        pytest.param(
            "targets:\n  - repo: d2l-ai/d2l-zh\n    lang: zh\nengnie: amazon\n",
            "engnie",
            "unknown key",
            id="misspelt key",
        ),
    ],
)
def test_an_invalid_config_fails_a_check_run_and_syncs_nothing(
    world: World, config: str, key: str, problem: str
) -> None:
    """Scenario i: the pushed commit gets a failed ``amts`` check run naming the key and
    the problem; no job is queued."""
    before = world.emulator.branch_sha(SOURCE, "main")
    after = world.push_english({".github/amts.yml": config}, "Break the config")
    world.dispatch("push", world.push_payload(before, after))
    assert world.jobs() == []
    [run] = world.emulator.check_runs(SOURCE, after)
    assert (run["name"], run["status"], run["conclusion"]) == ("amts", "completed", "failure")
    output = run["output"]
    for text in (output["title"], output["summary"], output["text"]):
        assert key in text
    assert problem in output["summary"] and problem in output["text"]
    assert world.emulator.pulls(ZH) == []


def test_an_invalid_config_shows_on_the_open_sync_pr_and_the_status(world: World) -> None:
    """With a sync PR open, a push that breaks the config puts a note at the top of the
    PR's body (one, replaced by a later invalid push) and the error on the status record;
    the next push with a valid file takes the note out and clears the error."""
    number = world.open_sync_pr()
    body = world.gh.get_repo(ZH).get_pull(number).body
    good = world.emulator.read_file(SOURCE, "main", ".github/amts.yml") or ""

    def push_config(text: str) -> str:
        before = world.emulator.branch_sha(SOURCE, "main")
        after = world.push_english({".github/amts.yml": text}, "Edit the config")
        world.dispatch("push", world.push_payload(before, after))
        return after

    def pr_body() -> str:
        return world.gh.get_repo(ZH).get_pull(number).body

    broken = push_config(good.replace("engine: memory", "engine: babelfish"))
    noted = pr_body()
    assert noted.startswith("<!-- amts:invalid-config -->")
    assert "`engine`" in noted and broken[:8] in noted and "babelfish" in noted
    assert noted.endswith(body)  # the sync's own description is still there, below
    record = world.services.status.get(ZH, key=KEY)
    assert record is not None and ".github/amts.yml" in record["last_error"]
    assert "engine" in record["last_error"] and broken[:8] in record["last_error"]

    again = push_config(good + "engnie: amazon\n")
    noted = pr_body()
    assert noted.count("<!-- amts:invalid-config -->") == 1 and again[:8] in noted
    assert "engnie" in noted and "babelfish" not in noted

    push_config(good)
    assert pr_body() == body
    assert world.services.status.get(ZH, key=KEY)["last_error"] is None
    assert [job["target_repo"] for job in world.jobs("sync")] == [ZH]
