"""A target's starting point: the English revision the App starts following.

A target the App has never synced has no ``.amts/state.json``, so nothing says from which
English revision its first sync starts, and reconcile cannot tell whether it is behind:
a lost first push would be lost for good. So when the App first sees a configured target
(the reconcile that follows an installation, any later reconcile, or a first push whose
sync commits nothing) it records the English head of that moment in a commit of
``.amts/state.json`` alone on the sync branch. No pull request is opened for it: the next
sync continues on that branch (:mod:`bot.syncplan` treats a branch no pull request came
from as its own) from the recorded revision, and opens the pull request with the change.
What the translation lagged before the starting point is lag (``amts lag``), carried
only on request (``/amts catch-up``).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amts.errors import AmtsError
from amts.sync.git import AMTS_IDENTITY, GitRepo
from amts.sync.history import HISTORY_PATH
from amts.sync.state import STATE_PATH, SyncState
from bot.errors import BotError
from bot.mirrors import auth_env, git, read_blob, rev_parse
from bot.pulls import had_pr, open_sync_pr
from bot.syncpr import read_state

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)

MESSAGE = "AMTS starts following {source} at {revision}\n\n{why}"


def recorded_revision(repo: Any, branch: str) -> str | None:
    """The English revision ``repo`` follows: on its open sync PR, else its default branch,
    else a starting point on the sync ``branch``; ``None`` when none is recorded."""
    pull = open_sync_pr(repo, branch)
    state = read_state(repo, pull.head.sha if pull is not None else repo.default_branch)
    if state is None and pull is None:
        state = starting_point(repo, branch)
    revision = state.get("source_revision") if state else None
    return revision if isinstance(revision, str) else None


def starting_point(repo: Any, branch: str) -> dict[str, Any] | None:
    """The state on the sync ``branch`` when no pull request ever came from it (a
    starting point, or a sync whose job died before opening its PR); else ``None``."""
    state = read_state(repo, branch)
    if state is None or had_pr(repo, branch):
        return None
    return state


def is_start_only(tgt: Path, commit: str) -> bool:
    """Whether the branch at ``commit`` carries a starting point and no sync yet (no
    report of a sync: there is nothing for a pull request to show)."""
    return read_blob(tgt, commit, STATE_PATH) is not None and (
        read_blob(tgt, commit, HISTORY_PATH) is None
    )


def commit_start(
    tgt: Path, parent: str, branch: str, source_repo: str, revision: str, why: str
) -> str:
    """A commit of ``.amts/state.json`` alone on ``parent``, made on the mirror's local
    ``branch``: the translation at ``parent`` follows ``revision`` of ``source_repo``."""
    state = SyncState(revision, source_repo)
    message = MESSAGE.format(source=source_repo, revision=revision[:8], why=why)
    git(tgt, "update-ref", "-d", f"refs/heads/{branch}", check=False)  # a job's scratch
    try:
        with GitRepo(tgt, "target") as repo:
            return repo.commit(parent, {STATE_PATH: state.to_bytes()}, message, branch)
    except AmtsError as exc:
        raise BotError(f"recording the starting point: {exc}") from exc


def follow_default(tgt: Path, start: str, default_head: str) -> str:
    """A merge of the starting point ``start`` with the default branch's newer
    ``default_head``: that tree plus the starting point's state. A sync built on it sees
    the translators' latest files, and its push is still a fast-forward of the branch."""
    blob = git(tgt, "rev-parse", f"{start}:{STATE_PATH}")
    with tempfile.TemporaryDirectory(prefix="amts-start-") as tmp:
        env = {**auth_env(None), "GIT_INDEX_FILE": str(Path(tmp, "index"))}
        git(tgt, "read-tree", default_head, env=env)
        git(tgt, "update-index", "--add", "--cacheinfo", f"100644,{blob},{STATE_PATH}", env=env)
        tree = git(tgt, "write-tree", env=env)
    name, email = AMTS_IDENTITY
    person = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    person.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
    message = f"AMTS follows the default branch at {default_head[:8]} from its starting point"
    return git(
        tgt,
        "commit-tree",
        "--no-gpg-sign",
        tree,
        "-p",
        start,
        "-p",
        default_head,
        "-m",
        message,
        env={**auth_env(None), **person},
    )


def record_start(
    services: Services,
    installation_id: int,
    target_repo: Any,
    branch: str,
    source_repo: str,
    revision: str,
) -> str | None:
    """Record ``revision`` as the starting point of ``target_repo`` on its sync ``branch``;
    the commit, or ``None`` when that branch already exists (a pull request's, kept by a
    human: the next push's sync starts the target instead). ``installation_id`` is the
    source's; the target must be in it or opt in (:func:`bot.tenancy.check_target`)."""
    from bot.jobs import Tenant
    from bot.tenancy import check_target

    name = target_repo.full_name
    token = services.github.token(
        check_target(services, Tenant(installation_id, source_repo, name))
    )
    mirrors = services.mirrors.of(installation_id)
    with mirrors.locked(name):
        tgt = mirrors.fetch(name, target_repo.clone_url, token)
        if rev_parse(tgt, f"refs/remotes/origin/{branch}") is not None:
            logger.info("startpoint.branch_taken repo=%s branch=%s", name, branch)
            return None
        default = rev_parse(tgt, f"refs/remotes/origin/{target_repo.default_branch}")
        if default is None:
            logger.info("startpoint.no_default_branch repo=%s", name)
            return None
        why = (
            f"{name} had no {STATE_PATH}: the next English change is synced from here. "
            "Older English changes the translation lacks are lag: `amts lag` measures it "
            "and `/amts catch-up PATH` carries it."
        )
        commit = commit_start(tgt, default, branch, source_repo, revision, why)
        mirrors.push(name, token, commit, branch, expected_old=None)
    logger.info(
        "startpoint.recorded repo=%s branch=%s source=%s revision=%s",
        name,
        branch,
        source_repo,
        revision[:8],
    )
    return commit
