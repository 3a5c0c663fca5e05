"""Git repositories as a sync reads and writes them.

Files are read from commits, never from a working tree: the English at two revisions,
the translation at the target's ``HEAD``. A sync's result is written as one commit on
a new branch through a *temporary index* (``GIT_INDEX_FILE``) and git's plumbing
(``hash-object``, ``update-index``, ``write-tree``, ``commit-tree``, ``update-ref``):
the maintainer's checkout, index and current branch are never touched, no hook runs,
and the branch appears only once its commit is complete (``update-ref`` with an all-zero
old value refuses to overwrite a branch that appeared meanwhile).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import git

from amts.book.document import Document, decode, parse
from amts.errors import InputError

log = logging.getLogger(__name__)

#: Who a sync commit is by: fixed, whatever the machine's git configuration says.
AMTS_IDENTITY = ("AMTS", "amts@users.noreply.github.com")
FILE_MODE = "100644"
#: The bytes of the blobs read last that a repository keeps (see :meth:`GitRepo.read`).
KEPT_BYTES = 16 * 1024 * 1024
CHANGE_KINDS = ("added", "modified", "deleted", "renamed")
_STATUS = {"A": "added", "M": "modified", "T": "modified", "D": "deleted"}
#: What git may see of the environment: where programs, home and temp files are, the
#: locale, and how to reach a server (proxies, CA certificates). Nothing else: the
#: process running a sync may hold a webhook secret, a private key or cloud credentials.
GIT_ENVIRONMENT = (
    "PATH",
    "HOME",
    "TMPDIR",
    "TZ",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "GIT_SSL_CAINFO",
    "GIT_EXEC_PATH",
)


def _entry(tree: git.Tree | None, name: str, kind: str) -> git.Tree | git.Blob | None:
    """``tree``'s entry ``name`` if it is a ``kind`` ("blob", "tree")."""
    if tree is None or not name:
        return None
    try:
        item = tree[name]
    except KeyError:
        return None
    return item if item.type == kind else None


def git_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The part of ``environ`` (default: this process's) that git may see, with ``LC_*``."""
    env = os.environ if environ is None else environ
    return {k: v for k, v in env.items() if k in GIT_ENVIRONMENT or k.startswith("LC_")}


@dataclass(frozen=True, slots=True)
class Change:
    """One file changed between two revisions (``git diff --name-status -M``)."""

    kind: str  # one of CHANGE_KINDS
    old_path: str | None  # None when added
    new_path: str | None  # None when deleted

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""


class StoredBlob(str):
    """A file's content already written into the object database (its SHA): a commit
    takes it as it is, so a sync of thousands of files holds their names, not their text."""


class GitRepo:
    """A git repository opened for a sync; ``role`` ("source", "target") names it in errors."""

    def __init__(self, path: str | Path, role: str) -> None:
        self.path = Path(path)
        self.role = role
        self.repo = self._open()
        self._git("rev-parse", "--git-dir")  # surfaces "dubious ownership" and the like now
        self._trees: dict[tuple[str, str], git.Tree | None] = {}
        self._sizes: dict[str, int] = {}  # by blob id
        self._kept: OrderedDict[str, bytes] = OrderedDict()  # by blob id, least recent first
        self._kept_bytes = 0

    def _open(self) -> git.Repo:
        try:
            repo = git.Repo(self.path)
        except git.NoSuchPathError:
            raise InputError(f"{self.path}: {self.role} repository not found") from None
        except git.InvalidGitRepositoryError:
            raise InputError(
                f"{self.path}: the {self.role} repository is not a git repository; give the "
                "top directory of a git clone"
            ) from None
        # GitPython starts git with a copy of os.environ plus these: every variable git may
        # not see is overridden with an empty value, so no secret reaches git or its hooks.
        allowed = git_environment()
        repo.git.update_environment(**{k: "" for k in os.environ if k not in allowed})
        return repo

    def reopen_after_fork(self) -> None:
        """In a forked child: git processes of its own. GitPython reads objects through a
        ``git cat-file`` it keeps running, and the parent's must not get two readers. (The
        child cannot stop the parent's: it is not the child's own, so dropping it here
        only closes the child's copies of its pipes.)"""
        self.repo = self._open()
        self._trees.clear()  # their blobs read through the parent's process

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the git processes GitPython keeps running for the repository."""
        self.repo.close()

    def _git(self, *args: str, **kwargs) -> str:
        try:
            return self.repo.git.execute(["git", *args], **kwargs)
        except git.GitCommandError as exc:
            message = (exc.stderr or "").strip().removeprefix("stderr:").strip(" '\n")
            command = next(arg for arg in args if not arg.startswith("-"))
            raise InputError(
                f"{self.path}: git {command} failed in the {self.role} repository: {message}"
            ) from exc

    # -- revisions ------------------------------------------------------------------------

    def resolve(self, rev: str, option: str = "") -> str:
        """The full SHA of the commit ``rev`` names; ``option`` is the flag it came from."""
        try:
            return self.repo.git.rev_parse(
                "--verify", "--quiet", "--end-of-options", rev + "^{commit}"
            )
        except git.GitCommandError:
            given = f"{option} {rev}" if option else repr(rev)
            raise InputError(
                f"{self.path}: unknown revision {given} in the {self.role} repository; give a "
                f"commit, branch or tag that exists there (git -C {self.path} log --oneline), "
                "or fetch it first"
            ) from None

    def head(self) -> str:
        try:
            return self.repo.git.rev_parse("--verify", "--quiet", "HEAD^{commit}")
        except git.GitCommandError:
            raise InputError(
                f"{self.path}: the {self.role} repository has no commits yet; commit the "
                "translation first"
            ) from None

    def current_branch(self) -> str | None:
        """The checked-out branch, or ``None`` on a detached HEAD."""
        try:
            return self.repo.git.symbolic_ref("--quiet", "--short", "HEAD")
        except git.GitCommandError:
            return None

    def remote_url(self) -> str | None:
        """``origin``'s URL without any user or token in it: it ends up in commits."""
        url = self.repo.git.config("--get", "remote.origin.url", with_exceptions=False)
        parts = urlsplit(url)
        if parts.scheme and "@" in parts.netloc:
            url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
        return url or None

    # -- reading --------------------------------------------------------------------------

    def changes(self, old: str, new: str) -> list[Change]:
        """Files added, modified, deleted or renamed from ``old`` to ``new``."""
        fields = self._git("diff", "--name-status", "-M", "-z", old, new, "--").split("\0")
        changes, index = [], 0
        while index < len(fields) and fields[index]:
            status = fields[index][0]
            if status in "RC":
                old_path, new_path = fields[index + 1], fields[index + 2]
                index += 3
                if status == "C":  # not asked for (no -C); a copy is a new file
                    changes.append(Change("added", None, new_path))
                else:
                    changes.append(Change("renamed", old_path, new_path))
                continue
            path, index = fields[index + 1], index + 2
            kind = _STATUS.get(status, "modified")
            changes.append(
                Change(kind, None if kind == "added" else path, None if kind == "deleted" else path)
            )
        return changes

    def _tree(self, rev: str, directory: str = "") -> git.Tree | None:
        """The tree of ``directory`` at ``rev``, kept: GitPython parses a tree each time a
        path is looked up through it, and a sync looks up hundreds of files in few folders."""
        tree = self._trees.get((rev, directory))
        if tree is None and (rev, directory) not in self._trees:
            if not directory:
                tree = self.repo.commit(rev).tree
            else:
                parent, _, name = directory.rpartition("/")
                tree = _entry(self._tree(rev, parent), name, "tree")
            self._trees[(rev, directory)] = tree
        return tree

    def _blob(self, rev: str, path: str) -> git.Blob | None:
        directory, _, name = path.rpartition("/")
        return _entry(self._tree(rev, directory), name, "blob")

    def read(self, rev: str, path: str) -> bytes | None:
        """The bytes of ``path`` at ``rev`` exactly as committed, or ``None`` if absent.

        A sync reads most files two or three times (checked, parsed, compared): the last
        blobs read are kept, by id, up to :data:`KEPT_BYTES` in all."""
        blob = self._blob(rev, path)
        if blob is None:
            return None
        data = self._kept.get(blob.hexsha)
        if data is None:
            data = blob.data_stream.read()
            self._sizes[blob.hexsha] = len(data)
            if len(data) <= KEPT_BYTES // 4:
                self._kept[blob.hexsha] = data
                self._kept_bytes += len(data)
                while self._kept_bytes > KEPT_BYTES:
                    self._kept_bytes -= len(self._kept.popitem(last=False)[1])
        else:
            self._kept.move_to_end(blob.hexsha)
        return data

    def size(self, rev: str, path: str) -> int | None:
        """The size in bytes of ``path`` at ``rev`` (from git's object header, unread)."""
        blob = self._blob(rev, path)
        if blob is None:
            return None
        size = self._sizes.get(blob.hexsha)
        if size is None:
            size = self._sizes[blob.hexsha] = blob.size
        return size

    def document(
        self, rev: str, path: str, parser: Callable[[str, str], Document] = parse
    ) -> Document | None:
        """The markdown file ``path`` at ``rev``, parsed (by ``parser``: an alignment
        cache's ``document`` parses once per content); ``None`` if absent."""
        data = self.read(rev, path)
        if data is None:
            return None
        label = f"{self.role}@{rev[:8]}:{path}"
        return parser(decode(data, label), label)

    def mode(self, rev: str, path: str) -> str | None:
        blob = self._blob(rev, path)
        return f"{blob.mode:o}" if blob is not None else None

    def files(self, rev: str) -> list[str]:
        """Every file path at ``rev``."""
        listing = self._git("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
        return [path for path in listing.split("\0") if path]

    def dirty_paths(self) -> list[str]:
        """Tracked files with uncommitted changes, staged or not (untracked files do not count:
        a sync never sees them)."""
        if self.repo.bare:
            return []
        status = self._git(  # --no-optional-locks: the maintainer's index is not rewritten
            "--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=no"
        )
        entries, paths = status.split("\0"), []
        index = 0
        while index < len(entries) and entries[index]:
            paths.append(entries[index][3:])
            index += 2 if entries[index][0] in "RC" else 1  # a rename is followed by its origin
        return paths

    # -- writing --------------------------------------------------------------------------

    def check_branch_name(self, name: str) -> str:
        try:
            return self.repo.git.check_ref_format("--branch", name)
        except git.GitCommandError:
            raise InputError(f"{name!r} is not a valid git branch name (--branch)") from None

    def branch_exists(self, name: str) -> bool:
        status, _, _ = self.repo.git.show_ref(
            "--verify",
            "--quiet",
            f"refs/heads/{name}",
            with_exceptions=False,
            with_extended_output=True,
        )
        return status == 0

    def commit(
        self,
        parent: str,
        files: Mapping[str, bytes | StoredBlob | None],
        message: str,
        branch: str,
        *,
        modes: Mapping[str, str] | None = None,
        identity: tuple[str, str] = AMTS_IDENTITY,
        move_from: str | None = None,
    ) -> str:
        """Commit ``parent``'s tree with ``files`` written (``None``: deleted) on ``branch``.

        A file keeps its mode in ``parent`` unless ``modes`` gives one (a renamed file's).
        Without ``move_from`` the branch must be new; with it, the branch must still be at
        ``move_from`` (``update-ref`` compares and swaps), so a commit someone else put on
        the branch meanwhile is never lost. Returns the commit's SHA; raises
        :class:`InputError` if the branch is not where it was expected.
        """
        modes = dict(modes or {})
        written = sorted(path for path, data in files.items() if data is not None)
        with tempfile.TemporaryDirectory(prefix="amts-commit-") as tmp:
            blobs = self.store_blobs([files[path] for path in written], Path(tmp))
            zero = "0" * len(parent)
            entries = [
                f"{modes.get(p) or self.mode(parent, p) or FILE_MODE} {sha}\t{p}\0"
                for p, sha in zip(written, blobs, strict=True)
            ]
            entries += [f"0 {zero}\t{p}\0" for p, data in sorted(files.items()) if data is None]
            info = Path(tmp, "index-info")
            info.write_bytes("".join(entries).encode("utf-8"))
            env = {"GIT_INDEX_FILE": str(Path(tmp, "index").resolve())}
            self._git("read-tree", parent, env=env)
            with info.open("rb") as stdin:
                self._git("update-index", "-z", "--index-info", env=env, istream=stdin)
            tree = self._git("write-tree", env=env)
        name, email = identity
        person = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
        commit = self._git(
            "commit-tree", "--no-gpg-sign", tree, "-p", parent, "-m", message, env=person
        )
        old = move_from or zero
        try:
            self._git("update-ref", "-m", "amts sync", f"refs/heads/{branch}", commit, old)
        except InputError:
            if move_from is not None:
                raise InputError(
                    f"{self.path}: branch {branch!r} moved away from {move_from[:8]} during the "
                    "sync; run the sync again"
                ) from None
            if self.branch_exists(branch):  # it appeared since the caller checked
                raise InputError(self.branch_exists_message(branch)) from None
            raise
        log.info("repo.branch_updated: %s %s at %s (from %s)", self.path, branch, commit, old)
        return commit

    def branch_head(self, name: str) -> str | None:
        """The commit ``refs/heads/<name>`` points at, or ``None`` if there is no such branch."""
        status, out, _ = self.repo.git.rev_parse(
            "--verify",
            "--quiet",
            f"refs/heads/{name}^{{commit}}",
            with_exceptions=False,
            with_extended_output=True,
        )
        return out.strip() if status == 0 else None

    def branch_exists_message(self, branch: str) -> str:
        return (
            f"{self.path}: branch {branch!r} already exists in the {self.role} repository; "
            f"delete it (git -C {self.path} branch -D {branch}) if it is an older run's, "
            "or pass another name with --branch"
        )

    def store_file(self, path: Path) -> StoredBlob:
        """Write the file at ``path`` into the object database as a blob, as-is."""
        return StoredBlob(self._git("hash-object", "-w", "--no-filters", str(path)).strip())

    def store_blobs(
        self, contents: list[bytes | StoredBlob], tmp: Path | None = None
    ) -> list[StoredBlob]:
        """Write blobs into the object database, as-is (no filters), in one git call; one
        already a :class:`StoredBlob` is not written again."""
        new = [data for data in contents if not isinstance(data, StoredBlob)]
        if not new:
            return list(contents)
        if tmp is None:
            with tempfile.TemporaryDirectory(prefix="amts-blobs-") as folder:
                return self.store_blobs(contents, Path(folder))
        names = []
        for number, data in enumerate(new):
            name = tmp / f"blob-{number}"
            name.write_bytes(data)
            names.append(str(name))
        listing = tmp / "paths"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        with listing.open("rb") as stdin:
            out = self._git("hash-object", "-w", "--no-filters", "--stdin-paths", istream=stdin)
        shas = iter(map(StoredBlob, out.split()))
        return [data if isinstance(data, StoredBlob) else next(shas) for data in contents]
