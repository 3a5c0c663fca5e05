"""Where a sync's commit goes, and from which English revision.

Decided from git and GitHub state only, so that a job repeated after a crash decides the
same: an open sync PR is continued on its branch; otherwise the commit starts from the
target's default branch on a branch that rewrites nobody's commits; the English base is
the state file at the parent. Kept apart from :mod:`bot.sync.run`, which carries out the plan.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from amts.errors import AmtsError
from bot.errors import BotError, ConfigError, RepositoryError
from bot.github.mirrors import git, is_ancestor, read_blob, rev_parse
from bot.github.pulls import had_pr, is_sync_branch
from bot.sync.startpoint import follow_default, is_start_only

if TYPE_CHECKING:
    from github.PullRequest import PullRequest
    from github.Repository import Repository

    from bot.work.jobs import SyncJob

ZERO = "0" * 40


@dataclass
class Plan:
    """Where a round's commit goes: on top of which parent, to which branch, from which
    English base."""

    pull: PullRequest | None
    branch: str
    parent: str
    remote_old: str | None  # the sync branch on GitHub now (the push's expected old value)
    base: str
    note: str = ""
    orphan: bool = False  # a sync branch pushed by a job that died before opening its PR

    @property
    def continuing(self) -> bool:
        """Whether the commit goes on top of the sync branch (else: the default branch)."""
        return self.pull is not None or self.orphan


def plan_round(
    job: SyncJob,
    log: logging.LoggerAdapter,
    src: Path,
    tgt: Path,
    repo: Repository,
    sync_branch: str,
    english: str,
    pull: PullRequest | None,
) -> Plan:
    """Where the commit of this round goes, on which English base, for the open sync PR
    ``pull`` (:func:`bot.github.pulls.open_sync_pr`) or a new one."""
    default_head = rev_parse(tgt, f"refs/remotes/origin/{repo.default_branch}")
    if default_head is None:
        raise BotError(f"{repo.full_name}: no branch {repo.default_branch}")
    if is_sync_branch(repo.default_branch, sync_branch):
        raise ConfigError(
            "branch",
            f"{sync_branch} is (the family of) the default branch of {repo.full_name}; "
            "AMTS never pushes to a default branch: choose another name under amts/",
        )
    if pull is not None:
        branch = pull.head.ref
        parent = rev_parse(tgt, f"refs/remotes/origin/{branch}")
        if parent is None:
            raise BotError(f"{repo.full_name}: the branch {branch} of #{pull.number} is gone")
        if not made_by_app(tgt, parent, default_head, first_only=True):
            raise RepositoryError(
                f"{repo.full_name}: the branch {branch} of pull request #{pull.number} was "
                "not started by AMTS, so AMTS does not push to it; close that pull request "
                "or rename its branch out of amts/"
            )
        remote_old = parent
        orphan = False
    else:
        branch, remote_old, orphan = _fresh_branch(
            log, tgt, repo, sync_branch, default_head, english
        )
        parent = remote_old if orphan and remote_old else default_head
        if orphan and is_start_only(tgt, parent) and not is_ancestor(tgt, default_head, parent):
            parent = follow_default(tgt, parent, default_head)  # translators merged since
    base, note = _base(job, log, src, tgt, parent, english)
    return Plan(pull, branch, parent, remote_old, base, note, orphan)


def _fresh_branch(
    log: logging.LoggerAdapter,
    tgt: Path,
    repo: Repository,
    branch: str,
    default_head: str,
    english: str,
) -> tuple[str, str | None, bool]:
    """The branch for a new PR, its head on GitHub, and whether to continue on it.

    ``branch`` is new, or merged (its head is in the default branch) with an AMTS commit at
    its head: the commit starts from the default branch. It has commits of its own, all
    AMTS's, but never had a pull request (a job died between its push and the PR): the
    sync continues on it. Otherwise (a PR closed without merging, a squash-merge, a
    branch a human made) its commits are a human's to keep: the next name,
    ``branch-<sha>``, is tried."""
    for name in (branch, f"{branch}-{english[:8]}", f"{branch}-{default_head[:8]}"):
        head = rev_parse(tgt, f"refs/remotes/origin/{name}")
        if head is None:
            return name, head, False
        if is_ancestor(tgt, head, default_head):
            if made_by_app(tgt, head):
                return name, head, False
            log.info("sync.branch_not_ours: repo=%s branch=%s head=%s", repo.full_name, name, head)
            continue
        if not made_by_app(tgt, head, default_head):
            log.info("sync.branch_not_ours: repo=%s branch=%s head=%s", repo.full_name, name, head)
            continue
        if not had_pr(repo, name):
            log.info("sync.orphan_branch: repo=%s branch=%s head=%s", repo.full_name, name, head)
            return name, head, True
    raise BotError(f"no free sync branch name: {branch}, {branch}-{english[:8]} are taken")


def made_by_app(tgt: Path, head: str, base: str | None = None, *, first_only: bool = False) -> bool:
    """Whether the commits of ``base..head`` (no ``base``: ``head`` alone) were committed
    by AMTS; ``first_only``: the oldest of them, the one that started the branch (the
    translators' commits on top are welcome)."""
    from amts.sync.git import AMTS_IDENTITY

    spec = [f"{base}..{head}"] if base else ["-1", head]
    emails = git(tgt, "log", "--format=%ce", "--reverse", *spec).split()
    if first_only:
        emails = emails[:1]
    return bool(emails) and all(email == AMTS_IDENTITY[1] for email in emails)


def _base(
    job: SyncJob, log: logging.LoggerAdapter, src: Path, tgt: Path, parent: str, english: str
) -> tuple[str, str]:
    """The English revision the translation at ``parent`` follows, and a note if the
    English history no longer has it."""
    from amts.sync.state import STATE_PATH, SyncState

    data = read_blob(tgt, parent, STATE_PATH)
    if data is not None:
        try:
            recorded = SyncState.from_bytes(data, f"{STATE_PATH} at {parent[:8]}").source_revision
        except AmtsError as exc:
            raise BotError(str(exc)) from exc
    elif job.before and job.before != ZERO:
        recorded = job.before
    else:
        raise BotError(
            f"{job.target_repo}: no {STATE_PATH} says which English revision the "
            "translation follows; push a change to the English book (its 'before' "
            f"revision is taken) or add {STATE_PATH} with a source_revision"
        )
    if rev_parse(src, recorded) is None:
        raise BotError(
            f"{job.source_repo}: the recorded English revision {recorded[:8]} is not "
            f"in the English history; set source_revision in {STATE_PATH} of the target"
        )
    if is_ancestor(src, recorded, english):
        return recorded, ""
    merge_base = git(src, "merge-base", recorded, english, check=False)
    if not merge_base:
        raise BotError(
            f"{job.source_repo}: the recorded English revision {recorded[:8]} shares "
            f"no history with {english[:8]}; set source_revision in {STATE_PATH}"
        )
    # The recorded revision is still in the mirror: diffing from it to the new head is
    # exactly "back to the merge base, then forward", so the dropped commits' changes
    # are undone in the translation too, in either layout.
    note = (
        f"The English history was rewritten (force-push): the revision `{recorded[:8]}` "
        f"this translation followed is no longer in it. This sync goes back to their "
        f"merge base `{merge_base[:8]}` and forward to `{english[:8]}`, so the changes "
        "of the dropped commits are undone in the translation too; please check them."
    )
    log.warning(
        "sync.history_rewritten: repo=%s lang=%s recorded=%s merge_base=%s",
        job.target_repo,
        job.lang,
        recorded,
        merge_base,
    )
    return recorded, note
