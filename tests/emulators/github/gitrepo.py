"""The bare repositories behind the emulator, read and written with git plumbing only.

Whatever the REST side says about a branch, a commit or a file is read from here at
the moment it is asked, so a push made with plain git in a test is seen by the API at
once. Commits the emulator makes itself (a human's commit, a merge) are built with
``hash-object``/``update-index``/``write-tree``/``commit-tree`` in a private index, never
in a work tree. Every git process gets an environment free of the caller's ``GIT_*``
variables and of the machine's global configuration.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ZERO_SHA = "0" * 40
REPO_CONFIG = {
    "receive.denyNonFastForwards": "true",  # git itself refuses a non-fast-forward push
    "http.receivepack": "true",
    "receive.autogc": "false",  # no detached gc left running when a test removes the dir
    "gc.auto": "0",
    "core.logAllRefUpdates": "true",
}


#: A path that never exists: git then reads no global config. (Not os.devnull: on some
#: sandboxes /dev/null is a regular file that other processes write to.)
NO_GLOBAL_CONFIG = Path(__file__).with_name("no-such-global-gitconfig")


class GitError(Exception):
    """A git command failed; the message has its stderr."""


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


HUMAN = Identity("A. Translator", "translator@example.com")
GITHUB = Identity("GitHub", "noreply@github.com")


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without ``GIT_*`` and without global or system git config."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(NO_GLOBAL_CONFIG),
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
    )
    env.update(extra or {})
    return env


def run_git(
    *args: str,
    cwd: Path | None = None,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    ok: Iterable[int] = (0,),
) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        ["git", *args], cwd=cwd, input=input, env=git_env(env), capture_output=True, check=False
    )
    if done.returncode not in tuple(ok):
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args)} failed ({done.returncode}): {stderr}")
    return done


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Identity
    author_date: str
    committer: Identity
    committer_date: str
    message: str


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str  # "blob", "tree" or "commit" (a submodule)
    sha: str
    size: int
    path: str


class BareRepo:
    """One bare repository on disk; ``lock`` serialises the emulator's writes to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()

    @classmethod
    def create(cls, path: Path, source: Path | None, default_branch: str | None) -> BareRepo:
        """A bare clone of ``source`` (all its branches and tags), or an empty repository."""
        path.parent.mkdir(parents=True, exist_ok=True)
        settings = [arg for item in REPO_CONFIG.items() for arg in ("--config", "=".join(item))]
        if source is not None:
            run_git(
                "clone", "--bare", "--quiet", "--no-hardlinks", *settings, str(source), str(path)
            )
        else:
            run_git("init", "--bare", "--quiet", str(path))
        repo = cls(path)
        if source is None:
            for key, value in REPO_CONFIG.items():
                repo.git("config", key, value)
        if source is not None and default_branch is None:
            default_branch = repo.head_branch()
        repo.git("symbolic-ref", "HEAD", f"refs/heads/{default_branch or 'main'}")
        return repo

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        ok: Iterable[int] = (0,),
    ) -> subprocess.CompletedProcess[bytes]:
        return run_git(*args, input=input, env={"GIT_DIR": str(self.path), **(env or {})}, ok=ok)

    def git(
        self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """Run git in this repository; its stdout, stripped."""
        return self.run(*args, input=input, env=env).stdout.decode("utf-8").strip()

    # ------------------------------------------------------------------ reading

    def head_branch(self) -> str:
        return self.git("symbolic-ref", "--short", "HEAD")

    def resolve(self, rev: str) -> str | None:
        """The commit ``rev`` (a branch, tag or sha) names, or None."""
        return self.ref(f"{rev}^{{commit}}")

    def branch(self, name: str) -> str | None:
        return self.resolve(f"refs/heads/{name}")

    def ref(self, rev: str) -> str | None:
        """The object ``rev`` names, or None."""
        done = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", rev, ok=(0, 1, 128))
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def branches(self) -> dict[str, str]:
        out = self.git("for-each-ref", "--format=%(objectname) %(refname)", "refs/heads")
        pairs = (line.split(" ", 1) for line in out.splitlines() if line)
        return {ref.removeprefix("refs/heads/"): sha for sha, ref in pairs}

    def is_ancestor(self, ancestor: str, descendant: str) -> bool | None:
        """True or False; None when either commit is missing."""
        done = self.run("merge-base", "--is-ancestor", ancestor, descendant, ok=(0, 1, 128))
        return {0: True, 1: False}.get(done.returncode)

    def commit(self, sha: str) -> CommitInfo:
        fields = "%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
        out = self.run("show", "-s", f"--format={fields}", sha).stdout.decode("utf-8")
        parts = out.split("\x00", 9)
        return CommitInfo(
            sha=parts[0],
            tree=parts[1],
            parents=tuple(parts[2].split()),
            author=Identity(parts[3], parts[4]),
            author_date=parts[5],
            committer=Identity(parts[6], parts[7]),
            committer_date=parts[8],
            message=parts[9].rstrip("\n"),
        )

    def entry(self, rev: str, path: str) -> TreeEntry | None:
        """The tree entry at ``path`` in ``rev`` (``""`` is the root tree)."""
        path = path.strip("/")
        if not path:
            sha = self.ref(f"{rev}^{{tree}}")
            return TreeEntry("040000", "tree", sha, 0, "") if sha else None
        entries = self._ls_tree(rev, [path])
        return entries[0] if entries else None

    def list_dir(self, rev: str, path: str) -> list[TreeEntry]:
        path = path.strip("/")
        return self._ls_tree(rev, [f"{path}/"] if path else [])

    def _ls_tree(self, rev: str, paths: list[str]) -> list[TreeEntry]:
        out = self.run("ls-tree", "-z", "-l", "--full-tree", rev, "--", *paths).stdout
        entries = []
        for record in out.decode("utf-8").split("\0"):
            if record:
                meta, name = record.split("\t", 1)
                mode, kind, sha, size = meta.split()
                entries.append(TreeEntry(mode, kind, sha, 0 if size == "-" else int(size), name))
        return entries

    def blob(self, sha: str) -> bytes:
        return self.run("cat-file", "blob", sha).stdout

    def read(self, rev: str, path: str) -> bytes | None:
        found = self.entry(rev, path)
        return self.blob(found.sha) if found and found.type == "blob" else None

    def changed_files(self, sha: str) -> list[tuple[str, str, int, int]]:
        """``(status, path, additions, deletions)`` of ``sha`` against its first parent."""
        parents = self.commit(sha).parents
        since = [parents[0], sha] if parents else ["--root", sha]
        common = ["-c", "core.quotePath=false", "diff-tree", "-r", "--no-renames", "--no-commit-id"]
        counts = {}
        for line in self.git(*common, "--numstat", *since).splitlines():
            added, deleted, path = line.split("\t", 2)
            counts[path] = (
                int(added) if added != "-" else 0,
                int(deleted) if deleted != "-" else 0,
            )
        changes = []
        for line in self.git(*common, "--name-status", *since).splitlines():
            code, path = line.split("\t", 1)
            changes.append((code[0], path, *counts.get(path, (0, 0))))
        return changes

    # ------------------------------------------------------------------ writing

    def write_commit(
        self,
        files: Mapping[str, str | bytes | None],
        message: str,
        parents: Iterable[str],
        author: Identity = HUMAN,
        committer: Identity | None = None,
    ) -> str:
        """A commit of the first parent's tree with ``files`` written (None: deleted)."""
        parents = list(parents)
        with tempfile.TemporaryDirectory(prefix="amts-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if parents:
                self.git("read-tree", parents[0], env=env)
            else:
                self.git("read-tree", "--empty", env=env)
            lines = []
            for path, content in files.items():
                if content is None:
                    lines.append(f"0 {ZERO_SHA}\t{path}")
                    continue
                data = content.encode("utf-8") if isinstance(content, str) else content
                sha = self.git("hash-object", "-w", "--stdin", input=data)
                lines.append(f"100644 {sha}\t{path}")
            self.git(
                "update-index", "--index-info", input="\n".join(lines).encode() + b"\n", env=env
            )
            tree = self.git("write-tree", env=env)
        return self.commit_tree(tree, parents, message, author, committer)

    def commit_tree(
        self,
        tree: str,
        parents: Iterable[str],
        message: str,
        author: Identity = HUMAN,
        committer: Identity | None = None,
    ) -> str:
        committer = committer or author
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
        }
        args = [arg for parent in parents for arg in ("-p", parent)]
        return self.git("commit-tree", tree, *args, input=message.encode("utf-8"), env=env)

    def merge_tree(self, base: str, head: str) -> str | None:
        """The tree of merging ``head`` into ``base``, or None on a conflict."""
        done = self.run("merge-tree", "--write-tree", "--no-messages", base, head, ok=(0, 1))
        if done.returncode == 1:
            return None
        return done.stdout.decode().split()[0]

    def update_ref(self, ref: str, new: str, old: str | None = None) -> None:
        """Point ``ref`` at ``new``; with ``old``, only if it still points there."""
        self.git("update-ref", "-m", "emulator", ref, new, *([old] if old is not None else []))

    def delete_ref(self, ref: str) -> None:
        self.git("update-ref", "-d", ref)
