"""The bare mirrors against the emulator's git over HTTP: cloned once then fetched, the
token only in the environment, pushes fast-forward only."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import BotError, PushRejected
from bot.github.mirrors import Mirrors, auth_env, git
from tests.emulators.github import GitHubEmulator
from tests.emulators.servers import github_emulator
from tests.gitrepos import english_book

REPO = "d2l-ai/d2l-en"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[GitHubEmulator]:
    with github_emulator(tmp_path) as emulator:
        emulator.add_repo(REPO, english_book(tmp_path / "books").path)
        yield emulator


@pytest.fixture
def mirrors(tmp_path: Path) -> Mirrors:
    return Mirrors(tmp_path / "data")


def test_cloned_once_then_fetched_incrementally(emulator, mirrors, tmp_path) -> None:
    token = emulator.issue_token()
    url = emulator.clone_url(REPO)
    path = mirrors.fetch(REPO, url, token)
    assert path == tmp_path / "data" / "mirrors" / "d2l-ai" / "d2l-en.git"
    assert git(path, "rev-parse", "refs/remotes/origin/main") == emulator.branch_sha(REPO, "main")
    inode = (path / "objects").stat().st_ino
    new = emulator.push_as_human(REPO, "main", {"new.md": "# New\n"})
    assert mirrors.fetch(REPO, url, token) == path
    assert (path / "objects").stat().st_ino == inode  # the same repository, not a new clone
    assert git(path, "rev-parse", "refs/remotes/origin/main") == new
    assert len(emulator.find_requests("GET", f"/{REPO}.git/info/refs")) == 2  # two fetches


def test_the_token_is_in_no_file_and_no_argument(emulator, mirrors, tmp_path) -> None:
    token = emulator.issue_token()
    seen: list[list[str]] = []
    real_run = subprocess.run

    def spy(args, *a, **k):
        seen.append([str(arg) for arg in args])
        return real_run(args, *a, **k)

    subprocess.run = spy  # every git the mirrors start goes through subprocess.run
    try:
        path = mirrors.fetch(REPO, emulator.clone_url(REPO), token)
        sha = emulator.branch_sha(REPO, "main")
        mirrors.push(REPO, token, sha, "amts/sync", None)
    finally:
        subprocess.run = real_run
    assert seen and not any(token in arg for args in seen for arg in args)
    config = git(path, "config", "--list")
    assert token not in config and "extraheader" not in config.lower()
    assert token not in (path / "config").read_text()
    for file in (tmp_path / "data").rglob("*"):
        if file.is_file():
            assert token.encode() not in file.read_bytes(), file
    assert emulator.branch_sha(REPO, "amts/sync") == sha


def test_without_a_token_the_emulator_refuses_and_nothing_prompts(emulator, mirrors) -> None:
    with pytest.raises(BotError, match="git fetch failed") as caught:
        mirrors.fetch(REPO, emulator.clone_url(REPO), None)
    assert "ghs_" not in str(caught.value)


def test_auth_env_gives_the_header_and_no_prompt() -> None:
    env = auth_env("ghs_example")
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert "GIT_ASKPASS" not in env
    assert env["GIT_CONFIG_KEY_0"] == "http.extraHeader"
    assert env["GIT_CONFIG_VALUE_0"].startswith("Authorization: Basic ")


def test_a_push_that_is_not_a_fast_forward_is_rejected(emulator, mirrors) -> None:
    token = emulator.issue_token()
    url = emulator.clone_url(REPO)
    path = mirrors.fetch(REPO, url, token)
    main = git(path, "rev-parse", "refs/remotes/origin/main")
    emulator.set_branch(REPO, "amts/sync", main)
    emulator.push_as_human(REPO, "amts/sync", {"a.md": "human\n"})
    # the bot's commit made on the old view of the branch (absent): not a fast-forward
    tree = git(path, "rev-parse", f"{main}^{{tree}}")
    ours = git(
        path,
        "-c", "user.name=AMTS", "-c", "user.email=amts@example.com",
        "commit-tree", tree, "-p", main, "-m", "bot",
    )  # fmt: skip
    with pytest.raises(PushRejected):
        mirrors.push(REPO, token, ours, "amts/sync", None)  # the mirror has not seen it yet
    mirrors.fetch(REPO, url, token)
    with pytest.raises(PushRejected, match="not a fast-forward"):
        remote = git(path, "rev-parse", "refs/remotes/origin/amts/sync")
        mirrors.push(REPO, token, ours, "amts/sync", remote)  # git itself refuses
    assert not emulator.forced_updates
    assert emulator.branch_sha(REPO, "amts/sync") != ours


def test_one_mirror_is_written_by_one_job_at_a_time(mirrors) -> None:
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with mirrors.locked(REPO):
            order.append("first in")
            inside.set()
            threading.Event().wait(0.3)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait()
    with mirrors.locked(REPO), mirrors.locked(REPO):  # reentrant in one thread
        order.append("second in")
    thread.join()
    assert order == ["first in", "first out", "second in"]
