"""amts.sync.git on real git repositories: reading commits, and committing on a new branch
without touching the checkout."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from amts.errors import InputError
from amts.sync.git import AMTS_IDENTITY, Change, GitRepo
from tests.gitrepos import GitDir


@pytest.fixture
def repo(tmp_path: Path) -> GitDir:
    repo = GitDir(tmp_path / "repo")
    repo.write("a.md", "# A\n")
    repo.write("docs/b.md", "# B\r\nCRLF kept\r\n")
    repo.write("docs/run.sh", "#!/bin/sh\n")
    (repo.path / "docs" / "run.sh").chmod(0o755)
    repo.write("old name.md", "# Moving\n\nThe same words before and after the move.\n")
    repo.commit("first")
    return repo


def test_opening_something_else_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="source repository not found"):
        GitRepo(tmp_path / "missing", "source")
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError, match="target repository is not a git repository"):
        GitRepo(tmp_path / "plain", "target")


def test_revisions_resolve_to_full_shas(repo: GitDir) -> None:
    head = repo.rev("HEAD")
    with GitRepo(repo.path, "source") as git_repo:
        assert git_repo.resolve("HEAD") == head
        assert git_repo.resolve("main") == head
        assert git_repo.resolve(head[:7]) == head
        assert git_repo.head() == head
        assert git_repo.current_branch() == "main"
        with pytest.raises(InputError, match=r"unknown revision --from nope in the source"):
            git_repo.resolve("nope", "--from")
        with pytest.raises(InputError, match="unknown revision '--help'"):
            git_repo.resolve("--help")


def test_a_repository_without_commits_has_no_head(tmp_path: Path) -> None:
    empty = GitDir(tmp_path / "empty")
    with GitRepo(empty.path, "target") as git_repo, pytest.raises(InputError, match="no commits"):
        git_repo.head()


def test_changes_are_added_modified_deleted_and_renamed(repo: GitDir) -> None:
    before = repo.rev("HEAD")
    repo.write("a.md", "# A\n\nMore.\n")
    repo.write("新 file.md", "# New\n")
    repo.remove("docs/b.md")
    repo.move("old name.md", "new dir/new name.md")
    after = repo.commit("second")
    with GitRepo(repo.path, "source") as git_repo:
        changes = git_repo.changes(before, after)
    assert sorted(changes, key=lambda c: c.path) == [
        Change("modified", "a.md", "a.md"),
        Change("deleted", "docs/b.md", None),
        Change("renamed", "old name.md", "new dir/new name.md"),
        Change("added", None, "新 file.md"),
    ]


def test_files_are_read_from_commits_byte_for_byte(repo: GitDir) -> None:
    head = repo.rev("HEAD")
    repo.write("a.md", "uncommitted\n")  # the working tree is never read
    with GitRepo(repo.path, "source") as git_repo:
        assert git_repo.read(head, "a.md") == b"# A\n"
        assert git_repo.read(head, "docs/b.md") == b"# B\r\nCRLF kept\r\n"
        assert git_repo.read(head, "docs/missing.md") is None
        assert git_repo.read(head, "docs") is None  # a tree, not a file
        assert git_repo.mode(head, "docs/run.sh") == "100755"
        assert git_repo.mode(head, "a.md") == "100644"
        assert set(git_repo.files(head)) == {"a.md", "docs/b.md", "docs/run.sh", "old name.md"}


def test_a_forked_child_reads_through_git_processes_of_its_own(repo: GitDir) -> None:
    """After :meth:`GitRepo.reopen_after_fork` a child reads every file right through its
    own ``git cat-file``; the parent's keeps running and serving the parent, also after
    the child has collected its garbage and exited."""
    head = repo.rev("HEAD")
    with GitRepo(repo.path, "source") as git_repo:
        assert git_repo.read(head, "a.md") == b"# A\n"  # the parent's cat-file is running
        parent_reader = git_repo.repo.git.cat_file_all.proc.pid
        reading, writing = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child
            git_repo.reopen_after_fork()
            data = git_repo.read(head, "docs/b.md") or b""
            own = git_repo.repo.git.cat_file_all.proc.pid != parent_reader
            gc.collect()
            os.write(writing, (b"own " if own else b"shared ") + data)
            os._exit(0)
        os.close(writing)
        with os.fdopen(reading, "rb") as pipe:
            said = pipe.read()
        os.waitpid(child, 0)
        assert said == b"own # B\r\nCRLF kept\r\n"
        git_repo._kept.clear()  # read again through git, not from what was kept
        assert git_repo.read(head, "a.md") == b"# A\n"
        assert git_repo.repo.git.cat_file_all.proc.pid == parent_reader


def test_dirty_paths_are_tracked_changes_only(repo: GitDir) -> None:
    with GitRepo(repo.path, "target") as git_repo:
        assert git_repo.dirty_paths() == []
        repo.write("untracked.md", "new\n")
        assert git_repo.dirty_paths() == []
        repo.write("a.md", "changed\n")
        repo.git("mv", "old name.md", "renamed.md")
        assert sorted(git_repo.dirty_paths()) == ["a.md", "renamed.md"]


def test_commit_makes_a_branch_and_leaves_the_checkout_alone(repo: GitDir) -> None:
    repo.write("untracked.md", "mine\n")
    before = repo.snapshot()
    head = repo.rev("HEAD")
    files = {
        "a.md": b"# A, updated\n",
        "docs/run.sh": b"#!/bin/sh\necho hi\n",
        "深/層/新.md": "# 新\n".encode(),
        "moved.md": b"# Moving\n",
        "old name.md": None,
        "docs/b.md": None,
    }
    with GitRepo(repo.path, "target") as git_repo:
        commit = git_repo.commit(head, files, "Sync\n\nbody\n", "amts/sync-1", modes={})
    after = repo.snapshot()
    assert {k: v for k, v in after.items() if k != "refs"} == {
        k: v for k, v in before.items() if k != "refs"
    }
    assert repo.branches() == ["amts/sync-1", "main"]
    assert repo.rev("amts/sync-1") == commit
    assert repo.git("rev-list", "--parents", "-n", "1", commit).split() == [commit, head]
    assert repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", commit) == (
        "AMTS <amts@users.noreply.github.com>|AMTS <amts@users.noreply.github.com>|Sync\n\nbody"
    )
    assert AMTS_IDENTITY == ("AMTS", "amts@users.noreply.github.com")
    assert repo.files(commit) == {"a.md", "docs/run.sh", "moved.md", "深/層/新.md"}
    assert repo.show(commit, "深/層/新.md") == "# 新\n".encode()
    assert repo.show(commit, "docs/run.sh") == b"#!/bin/sh\necho hi\n"
    modes = repo.git("ls-tree", "-r", commit).splitlines()
    assert any(line.startswith("100755") and line.endswith("docs/run.sh") for line in modes)


def test_commit_refuses_an_existing_branch(repo: GitDir) -> None:
    head = repo.rev("HEAD")
    repo.git("branch", "amts/sync-1")
    with (
        GitRepo(repo.path, "target") as git_repo,
        pytest.raises(InputError, match=r"branch 'amts/sync-1' already exists.*--branch"),
    ):
        git_repo.commit(head, {"a.md": b"x\n"}, "Sync", "amts/sync-1")
    assert repo.rev("amts/sync-1") == head


def test_branch_names_are_checked(repo: GitDir) -> None:
    with GitRepo(repo.path, "target") as git_repo:
        assert git_repo.check_branch_name("amts/sync-abc") == "amts/sync-abc"
        with pytest.raises(InputError, match="not a valid git branch name"):
            git_repo.check_branch_name("bad..name")


@pytest.mark.parametrize(
    ("url", "public"),
    [
        (
            "https://x-access-token:SECRET@github.com/d2l-ai/d2l-en.git",
            "https://github.com/d2l-ai/d2l-en.git",
        ),
        ("https://github.com/d2l-ai/d2l-en.git", "https://github.com/d2l-ai/d2l-en.git"),
        ("git@github.com:d2l-ai/d2l-en.git", "git@github.com:d2l-ai/d2l-en.git"),
    ],
)
def test_the_remote_url_never_carries_credentials(repo: GitDir, url: str, public: str) -> None:
    with GitRepo(repo.path, "source") as git_repo:
        assert git_repo.remote_url() is None
        repo.git("remote", "add", "origin", url)
        assert git_repo.remote_url() == public


def test_reads_are_kept_by_blob_not_by_path(repo: GitDir, monkeypatch) -> None:
    """Reading files again (kept blobs) gives each revision's own bytes, folders looked up
    through kept trees; a blob too large to keep is read each time, the same."""
    import amts.sync.git as git_module

    first = repo.rev("HEAD")
    repo.write("docs/b.md", "# B changed\n")
    repo.write("big.md", "x" * 400 + "\n")
    second = repo.commit("second")
    monkeypatch.setattr(git_module, "KEPT_BYTES", 1000)  # big.md is over a quarter of it
    with GitRepo(repo.path, "source") as git_repo:
        for _ in range(2):
            assert git_repo.read(first, "docs/b.md") == b"# B\r\nCRLF kept\r\n"
            assert git_repo.read(second, "docs/b.md") == b"# B changed\n"
            assert git_repo.size(first, "docs/b.md") == len(b"# B\r\nCRLF kept\r\n")
            assert git_repo.read(second, "big.md") == b"x" * 400 + b"\n"
            assert git_repo.read(first, "big.md") is None
            assert git_repo.read(second, "docs/missing.md") is None
            assert git_repo.read(second, "nowhere/b.md") is None
            assert git_repo.read(second, "docs") is None  # a folder is no file
        assert git_repo.size(second, "big.md") == 401
        assert git_repo._kept_bytes <= 1000
        assert all(len(data) < 400 for data in git_repo._kept.values())
