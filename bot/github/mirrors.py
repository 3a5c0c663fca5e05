"""Bare git mirrors of the book's repositories, kept under the data directory.

Each repository is cloned once and then fetched incrementally: a d2l-size book is
hundreds of megabytes, and a sync job should cost a fetch, not a clone. Fetched branches
land in ``refs/remotes/origin/*`` while the commits the Synchronizer makes go to
``refs/heads/*``: the two never clash, and a fetch can never move a local branch.

The installation token reaches git only through a minimal environment (``GIT_CONFIG_COUNT``:
an ``http.extraHeader`` with Basic credentials), never in a URL, an argument, a file or a
log line. Pushes are plain fast-forwards: a rejection means a human pushed meanwhile and
raises :class:`~bot.errors.PushRejected`, never a force. A per-mirror ``fcntl`` lock keeps
two jobs of one machine from writing one mirror at once.
"""

from __future__ import annotations

import base64
import fcntl
import logging
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from amts.sync.git import git_environment
from bot.errors import BotError, PushRejected
from bot.github.client import mask

log = logging.getLogger(__name__)

FETCH_REFSPEC = "+refs/heads/*:refs/remotes/origin/*"
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "stale info", "[remote rejected]")


def auth_env(token: str | None) -> dict[str, str]:
    """The environment that gives git the token as an HTTP header, and nothing to prompt:
    the minimal one of :func:`amts.sync.git.git_environment` (no secret of the App's)."""
    env = git_environment()
    env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
        env.update(
            GIT_CONFIG_COUNT="2",
            GIT_CONFIG_KEY_0="http.extraHeader",
            GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
            # no credential helper of the machine's config may see (and store) anything
            GIT_CONFIG_KEY_1="credential.helper",
            GIT_CONFIG_VALUE_1="",
        )
    return env


class Mirrors:
    """The bare mirrors under ``<data_dir>/mirrors/<owner>/<name>.git`` (the App's jobs use
    :meth:`of` an installation)."""

    def __init__(self, data_dir: str | Path) -> None:
        self.root = Path(data_dir) / "mirrors"
        self._held = threading.local()  # the mirrors this thread holds: the lock is reentrant

    def of(self, installation_id: int) -> Mirrors:
        """The mirrors of one installation, under ``mirrors/<installation>/``: objects one
        installation's token fetched are never read by another's jobs."""
        view = Mirrors.__new__(Mirrors)
        view.root, view._held = self.root / str(installation_id), self._held
        return view

    def path(self, full_name: str) -> Path:
        owner, _, name = full_name.lower().partition("/")
        if not owner or not name or "/" in name or name.startswith("."):
            raise BotError(f"{full_name!r} is not a repository name owner/name")
        return self.root / owner / f"{name}.git"

    @contextmanager
    def locked(self, full_name: str) -> Iterator[Path]:
        """Hold the mirror's lock (blocking; reentrant in one thread) while the block uses it.

        A sync holds its target's lock from fetch to push, so the local branch it commits
        on is not moved by another job in between."""
        path = self.path(full_name)
        held: set[Path] = self._held.__dict__.setdefault("paths", set())
        if path in held:
            yield path
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / f"{path.name}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held.add(path)
            try:
                yield path
            finally:
                held.discard(path)
                fcntl.flock(handle, fcntl.LOCK_UN)

    def fetch(self, full_name: str, clone_url: str, token: str | None) -> Path:
        """The mirror of ``full_name``, up to date with ``clone_url``; cloned the first time."""
        with self.locked(full_name) as path:
            if not (path / "HEAD").exists():
                path.mkdir(parents=True, exist_ok=True)
                git(path, "init", "--bare", "-q")
                git(path, "config", "remote.origin.url", clone_url)
                git(path, "config", "remote.origin.fetch", FETCH_REFSPEC)
                git(path, "config", "gc.auto", "0")  # no detached gc racing the next job
                log.info("mirrors.created: %s", full_name)
            elif git(path, "config", "--get", "remote.origin.url") != clone_url:
                git(path, "config", "remote.origin.url", clone_url)
            git(path, "fetch", "--prune", "--quiet", "origin", env=auth_env(token))
            log.info("mirrors.fetched: %s", full_name)
            return path

    def push(
        self, full_name: str, token: str | None, sha: str, branch: str, expected_old: str | None
    ) -> None:
        """Move ``branch`` on GitHub to ``sha``, a fast-forward from ``expected_old`` (None: a
        new branch). Raises :class:`PushRejected` if the branch moved meanwhile."""
        with self.locked(full_name) as path:
            remote = rev_parse(path, f"refs/remotes/origin/{branch}") or ""
            if (remote or None) != expected_old:
                raise PushRejected(
                    f"{full_name}: {branch} is at {remote[:8] or 'nothing'}, expected "
                    f"{(expected_old or 'nothing')[:8]}; fetch and sync again"
                )
            try:
                git(
                    path,
                    "push",
                    "--porcelain",
                    "--quiet",
                    "origin",
                    f"{sha}:refs/heads/{branch}",
                    env=auth_env(token),
                )
            except BotError as exc:
                if any(word in str(exc) for word in _REJECTED):
                    raise PushRejected(
                        f"{full_name}: the push to {branch} was rejected (not a fast-forward: "
                        "someone pushed meanwhile)"
                    ) from exc
                raise
            # What we pushed is now the remote branch; the next fetch confirms it.
            git(path, "update-ref", f"refs/remotes/origin/{branch}", sha)
            log.info("mirrors.pushed: %s %s -> %s", full_name, branch, sha[:8])


def git(path: Path, *args: str, env: Mapping[str, str] | None = None, check: bool = True) -> str:
    """Run git in the mirror; a failure is a :class:`BotError` with git's message masked."""
    done = subprocess.run(
        ["git", "--git-dir", str(path), *args],
        capture_output=True,
        env=dict(env) if env is not None else auth_env(None),
        check=False,
    )
    if done.returncode != 0 and check:
        command = next((a for a in args if not a.startswith("-")), "")
        stderr = done.stderr.decode("utf-8", "replace").strip()
        stdout = done.stdout.decode("utf-8", "replace").strip()
        output = "; ".join(filter(None, [stderr, stdout]))
        raise BotError(mask(f"{path}: git {command} failed: {output}"))
    return done.stdout.decode("utf-8", "replace").strip()


def rev_parse(path: Path, ref: str) -> str | None:
    """The commit ``ref`` names in the mirror, or ``None``."""
    return git(path, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False) or None


def is_ancestor(path: Path, ancestor: str, descendant: str) -> bool:
    done = subprocess.run(
        ["git", "--git-dir", str(path), "merge-base", "--is-ancestor", ancestor, descendant],
        env=auth_env(None),
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def read_blob(path: Path, rev: str, file: str) -> bytes | None:
    """The bytes of ``file`` at ``rev``, or ``None`` if it is not there."""
    done = subprocess.run(
        ["git", "--git-dir", str(path), "cat-file", "blob", f"{rev}:{file}"],
        env=auth_env(None),
        capture_output=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None
