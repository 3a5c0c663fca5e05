"""Test controls over git history: read it, and change it as people other than the App do.

A human's commit (:meth:`HistoryControls.push_as_human`) and a rewrite of a branch
(:meth:`~HistoryControls.commit` then :meth:`~HistoryControls.set_branch`, an English
force-push) are written straight into the bare repository with git plumbing; the API
and git's HTTP side see them at once. Only pushes over HTTP are recorded in
``ref_updates``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from . import git_http
from .gitrepo import HUMAN, ZERO_SHA, CommitInfo, GitError, Identity

if TYPE_CHECKING:
    import threading

    from .state import Repo


class HistoryControls:
    """Mixed into :class:`~.emulator.GitHubEmulator`."""

    if TYPE_CHECKING:
        ref_updates: list[git_http.RefUpdate]
        _log_lock: threading.Lock

        def repo(self, full_name: str) -> Repo: ...

    def branch_sha(self, full_name: str, branch: str) -> str | None:
        return self.repo(full_name).git.branch(branch)

    def branches(self, full_name: str) -> dict[str, str]:
        return self.repo(full_name).git.branches()

    def read_file(self, full_name: str, ref: str, path: str) -> str | None:
        """The text of ``path`` at ``ref`` (a branch, tag or sha), or None if absent."""
        data = self.repo(full_name).git.read(ref, path)
        return None if data is None else data.decode("utf-8")

    def files(self, full_name: str, ref: str) -> dict[str, str]:
        """Every file at ``ref``: path -> text."""
        git = self.repo(full_name).git
        paths = git.git("-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", ref)
        return {p: (git.read(ref, p) or b"").decode("utf-8", "replace") for p in paths.splitlines()}

    def is_ancestor(self, full_name: str, ancestor: str, descendant: str) -> bool:
        return bool(self.repo(full_name).git.is_ancestor(ancestor, descendant))

    def commits(self, full_name: str, ref: str, *, since: str | None = None) -> list[CommitInfo]:
        """The commits reachable from ``ref`` (and not from ``since``), newest first."""
        git = self.repo(full_name).git
        shas = git.git("rev-list", ref, *([f"^{since}"] if since else [])).split()
        return [git.commit(sha) for sha in shas]

    def commit(
        self,
        full_name: str,
        files: Mapping[str, str | bytes | None],
        message: str,
        *,
        parents: Iterable[str],
        author: Identity | tuple[str, str] = HUMAN,
    ) -> str:
        """A commit object (no branch moves): ``parents[0]``'s tree with ``files`` written
        (None deletes). With :meth:`set_branch`, this is how a test rewrites history."""
        git = self.repo(full_name).git
        with git.lock:
            resolved = [git.resolve(p) or p for p in parents]
            return git.write_commit(files, message, resolved, _identity(author))

    def push_as_human(
        self,
        full_name: str,
        branch: str,
        files: Mapping[str, str | bytes | None],
        message: str = "Edit by a human",
        *,
        author: Identity | tuple[str, str] = HUMAN,
        start: str | None = None,
    ) -> str:
        """A human's commit on top of ``branch`` (created from ``start`` or the default
        branch if missing), written straight into the bare repository; its sha."""
        git = self.repo(full_name).git
        with git.lock:
            current = git.branch(branch)
            parent = current or git.resolve(start or git.head_branch())
            sha = git.write_commit(files, message, [parent] if parent else [], _identity(author))
            git.update_ref(f"refs/heads/{branch}", sha, current or ZERO_SHA)
            return sha

    def set_branch(self, full_name: str, branch: str, sha: str) -> None:
        """Point ``branch`` at ``sha`` whatever it was: a force-push by someone else."""
        git = self.repo(full_name).git
        with git.lock:
            target = git.resolve(sha)
            if target is None:
                raise GitError(f"{full_name} has no commit {sha}")
            git.update_ref(f"refs/heads/{branch}", target)

    def delete_branch(self, full_name: str, branch: str) -> None:
        git = self.repo(full_name).git
        with git.lock:
            git.delete_ref(f"refs/heads/{branch}")

    @property
    def forced_updates(self) -> list[git_http.RefUpdate]:
        """Ref updates pushes asked for that would drop commits (accepted or not)."""
        with self._log_lock:
            return [update for update in self.ref_updates if update.forced]


def _identity(author: Identity | tuple[str, str]) -> Identity:
    return author if isinstance(author, Identity) else Identity(*author)
