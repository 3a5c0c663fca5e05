"""``/amts catch-up`` end to end (issue 10 §3): a comment on GitHub's emulator, the
handler's permission check and 👀, the command job run as the worker runs it, and the
commit, pull request and reply it leaves. The translation lags its English (the
``softmax`` section of :func:`tests.gitrepos.lagging_books`); AMTS started following the
English after that (:mod:`bot.sync.startpoint`), so pushes never carry that lag: only a
maintainer's catch-up does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from amts.errors import InputError
from bot.commands.catchup import catch_up_paths
from bot.commands.run import run_command
from bot.sync.reconcile import reconcile
from bot.sync.run import run_sync
from bot.work.jobs import CommandJob, SyncJob
from tests.bot.bookworld import INSTALLATION, NUMEL, SOURCE, TENSORS, ZH, World, book_world
from tests.emulators.github.tracker import open_issue
from tests.gitrepos import SOFTMAX, SOFTMAX_EN, SOFTMAX_ORIGIN, SOFTMAX_ZH

BRANCH = "amts/sync"
ORIGIN = SOFTMAX.replace(".md", "_origin.md")
RENAMED = "chapter_basics/softmax_regression.md"
RENAMED_ORIGIN = RENAMED.replace(".md", "_origin.md")
SCORE = "The model computes a score for every class."
OLD_NUMEL = "We can check the number of elements with `numel`."
#: Blocks of the Chinese the English never changed: a catch-up keeps them byte for byte.
KEPT_ZH = ("它预测每个类别的概率。", "模型为每个类别计算一个分数。", "* Softmax把分数变成概率。")


def lagging_world(world: World, *, renamed: bool = False) -> None:
    """The Chinese softmax section translates an older English; the English moved on (and,
    with ``renamed``, to a new path) before AMTS started following it."""
    world.emulator.push_as_human(ZH, "main", {SOFTMAX: SOFTMAX_ZH, ORIGIN: SOFTMAX_ORIGIN})
    world.push_english({SOFTMAX: SOFTMAX_EN}, "Softmax section")
    if renamed:
        world.push_english({SOFTMAX: None, RENAMED: SOFTMAX_EN}, "Rename softmax")
    [verdict] = reconcile(world.services)
    assert verdict.started, verdict


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        world.emulator.set_permission(ZH, "maintainer", "write")
        yield world


def plain_issue(world: World) -> int:
    """An issue of the target repository that is no pull request."""
    repo = world.emulator.repo(ZH)
    issue = open_issue(world.emulator.state, repo, "translator", "The softmax page is old", None)
    return issue.number


def issue_comment(world: World, number: int, body: str, user: str = "maintainer") -> dict:
    """Deliver ``user``'s comment on the plain issue ``number``; the comment."""
    posted = world.emulator.add_comment(ZH, number, body, user=user)
    [issue] = [i for i in world.emulator.plain_issues(ZH) if i["number"] == number]
    payload = {
        "action": "created",
        "issue": issue,
        "comment": posted,
        "repository": world.emulator.repo_json(ZH),
        "sender": posted["user"],
        "installation": {"id": INSTALLATION},
    }
    world.dispatch("issue_comment", payload)
    return posted


def translators_pr(world: World) -> int:
    """A translator's own pull request on the target: an issue AMTS does not keep."""
    world.emulator.push_as_human(ZH, "fix-typo", {"chapter_basics/note.md": "# 笔记\n"})
    return world.emulator.open_pr(ZH, "fix-typo", title="Fix a typo", user="translator")


def comment(world: World, number: int, body: str, user: str = "maintainer") -> dict:
    """Deliver ``user``'s comment to the handlers; the comment."""
    payload = world.comment_payload(number, body, user=user)
    world.dispatch("issue_comment", payload)
    return payload["comment"]


def run_commands(world: World) -> None:
    """Run the waiting command jobs as the worker does."""
    for job in world.jobs("command"):
        run_command(world.services, CommandJob.from_dict(job))


def ask_on_an_issue(world: World, body: str) -> tuple[int, str]:
    """In the lagging world, a maintainer's ``body`` on a plain issue, run; the issue and
    the sync branch's head before the command."""
    lagging_world(world)
    start = world.emulator.branch_sha(ZH, BRANCH) or ""
    issue = plain_issue(world)
    issue_comment(world, issue, body)
    run_commands(world)
    return issue, start


def last_reply(world: World, number: int) -> str:
    return world.emulator.comments(ZH, number)[-1]["body"]


def test_catch_up_on_an_issue_opens_the_sync_pr(world: World) -> None:
    """No sync PR open: the catch-up carries the file's lag as one commit on the starting
    point and opens the sync PR; the reply names it."""
    lagging_world(world)
    start = world.emulator.branch_sha(ZH, BRANCH)
    issue = plain_issue(world)
    asked = issue_comment(world, issue, f"/amts catch-up {SOFTMAX}")
    assert [r["content"] for r in world.emulator.reactions(ZH, asked["id"])] == ["eyes"]
    run_commands(world)
    [sync_pr] = [p for p in world.emulator.pulls(ZH) if p["head"]["ref"] == BRANCH]
    head = world.emulator.branch_sha(ZH, BRANCH)
    assert world.emulator.git(ZH, "rev-parse", f"{head}^") == start  # one new commit
    assert world.emulator.read_file(ZH, BRANCH, ORIGIN) == SOFTMAX_EN
    translation = world.emulator.read_file(ZH, BRANCH, SOFTMAX) or ""
    assert "## Loss\n\nWe train the model with the cross-entropy loss." in translation
    for kept in KEPT_ZH:
        assert kept in translation
    assert world.emulator.read_file(ZH, "main", SOFTMAX) == SOFTMAX_ZH
    reply = last_reply(world, issue)
    assert f"caught up `{SOFTMAX}`" in reply and sync_pr["html_url"] in reply
    assert SOFTMAX in sync_pr["body"]


def test_a_push_names_the_lag_and_catch_up_on_the_sync_pr_carries_it(world: World) -> None:
    """A push edits a softmax block the translation is up to date on: its PR carries that
    edit only and names the file's lag with the command; the catch-up asked on the PR is
    one more commit on it, and the body reports both."""
    lagging_world(world)
    before = world.emulator.branch_sha(SOURCE, "main")
    edit = ("The model computes one score for each class.", SCORE)
    after = world.edit_english(SOFTMAX, edit)
    world.edit_english(TENSORS, (OLD_NUMEL, NUMEL))
    outcome = run_sync(
        world.services, SyncJob(SOURCE, ZH, "zh", INSTALLATION, "push", before=before, after=after)
    )
    assert outcome.status == "opened"
    [pull] = world.emulator.pulls(ZH, state="open")
    note = re.search(
        rf"`{SOFTMAX}` lags (\d+) blocks behind the English; "
        rf"`/amts catch-up {SOFTMAX}` carries them",
        pull["body"],
    )
    assert note is not None and int(note.group(1)) > 0, pull["body"]
    origin = world.emulator.read_file(ZH, BRANCH, ORIGIN) or ""
    assert SCORE in origin and "## Loss" not in origin  # the push's edit, not the lag
    pushed = world.emulator.branch_sha(ZH, BRANCH)
    comment(world, outcome.pr_number, f"/amts catch-up {SOFTMAX}")
    run_commands(world)
    head = world.emulator.branch_sha(ZH, BRANCH)
    assert world.emulator.git(ZH, "rev-parse", f"{head}^") == pushed
    assert world.emulator.read_file(ZH, BRANCH, ORIGIN) == SOFTMAX_EN.replace(*edit)
    assert NUMEL in (world.emulator.read_file(ZH, BRANCH, TENSORS) or "")  # the push's kept
    [pull] = world.emulator.pulls(ZH, state="open")
    assert pull["number"] == outcome.pr_number
    assert "2 sync commits" in pull["body"] and SOFTMAX in pull["body"]
    assert "caught up" in last_reply(world, outcome.pr_number)


def test_catch_up_of_a_renamed_english_moves_the_translation_first(world: World) -> None:
    """The English moved to a new path before AMTS followed it: catching up the new path
    moves the translation and its origin there, then carries the lag. Asked on a
    translator's pull request: any issue of the target will do."""
    lagging_world(world, renamed=True)
    issue = translators_pr(world)
    comment(world, issue, f"/amts catch-up {RENAMED}")
    run_commands(world)
    files = world.emulator.files(ZH, BRANCH)
    assert SOFTMAX not in files and ORIGIN not in files
    assert files[RENAMED_ORIGIN] == SOFTMAX_EN
    for kept in KEPT_ZH:
        assert kept in files[RENAMED]
    assert "caught up" in last_reply(world, issue)


def test_a_reader_is_refused(world: World) -> None:
    """Read access is not enough: a reply saying so, no 👀, nothing queued or written."""
    lagging_world(world)
    start = world.emulator.branch_sha(ZH, BRANCH)
    world.emulator.set_permission(ZH, "reader", "read")
    issue = plain_issue(world)
    asked = issue_comment(world, issue, f"/amts catch-up {SOFTMAX}", user="reader")
    assert world.emulator.reactions(ZH, asked["id"]) == []
    # (the reconcile that set the world up queued the target's premine: not the command's)
    assert world.jobs("command") == [] and world.jobs("sync") == []
    assert "write access" in last_reply(world, issue)
    assert world.emulator.branch_sha(ZH, BRANCH) == start


def test_a_path_without_lag_or_english_is_answered(world: World) -> None:
    """A path the English does not have: the reply says what to fix; nothing written."""
    issue, start = ask_on_an_issue(world, "/amts catch-up chapter_basics/nowhere.md")
    reply = last_reply(world, issue)
    assert reply.startswith("> /amts catch-up chapter_basics/nowhere.md")
    assert "nowhere.md" in reply.split("\n", 1)[1]
    assert world.emulator.branch_sha(ZH, BRANCH) == start
    assert [p for p in world.emulator.pulls(ZH) if p["head"]["ref"] == BRANCH] == []


def test_a_repository_that_is_no_target_is_refused(world: World) -> None:
    """The English book itself is no translation: a clear error, nothing run."""
    with pytest.raises(InputError, match="not a translation AMTS keeps"):
        catch_up_paths(
            world.services,
            target_repo=SOURCE,
            paths=(SOFTMAX,),
            user="maintainer",
            installation_id=INSTALLATION,
        )


def test_catch_up_of_one_section_leaves_the_rest_of_the_file(world: World) -> None:
    """``PATH#HEADING``: only that section's lag is carried; the file's other lag stays."""
    issue, _ = ask_on_an_issue(world, f"/amts catch-up {SOFTMAX}#Summary")
    translation = world.emulator.read_file(ZH, BRANCH, SOFTMAX) or ""
    assert "* Cross-entropy compares two distributions." in translation  # the section's lag
    assert "Softmax回归是一个用于分类问题的模型。" in translation  # other lag: still there
    assert "## Loss" not in translation
    origin = world.emulator.read_file(ZH, BRANCH, ORIGIN) or ""
    assert "* Cross-entropy compares two distributions." in origin
    assert "Softmax regression is a model for classification problems." in origin
    assert f"caught up `{SOFTMAX}#Summary`" in last_reply(world, issue)


def test_catch_up_of_a_directory(world: World) -> None:
    """A directory: every lagging file under it, in one commit."""
    issue, start = ask_on_an_issue(world, "/amts catch-up chapter_basics/")
    head = world.emulator.branch_sha(ZH, BRANCH)
    assert world.emulator.git(ZH, "rev-parse", f"{head}^") == start
    assert world.emulator.read_file(ZH, BRANCH, ORIGIN) == SOFTMAX_EN
    assert "caught up `chapter_basics`" in last_reply(world, issue)


def test_a_failed_catch_up_is_told_in_the_reply_only(world: World) -> None:
    """The sync PR was closed and its branch kept, the default branch has no state: the
    catch-up cannot start, says so in its reply (with the error's id), and leaves no
    "/amts sync" comment or failed check run elsewhere."""
    number = world.open_sync_pr()
    world.emulator.close_pr(ZH, number)
    comments = len(world.emulator.comments(ZH, number))
    issue = plain_issue(world)
    issue_comment(world, issue, f"/amts catch-up {TENSORS}")
    run_commands(world)
    reply = last_reply(world, issue)
    assert "the catch-up of" in reply and "failed" in reply and "error id" in reply
    assert f"`/amts catch-up {TENSORS}`" in reply
    assert len(world.emulator.comments(ZH, number)) == comments
    assert world.emulator.check_runs(SOURCE) == []
