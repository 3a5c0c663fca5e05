"""Where a sync's commit goes, and from which English revision.

Decided from git and GitHub state only, so that a job repeated after a crash decides the
same: an open sync PR is continued on its branch; otherwise the commit starts from the
target's default branch on a branch that rewrites nobody's commits; the English base is
the state file at the parent. Kept apart from :mod:`bot.sync`, which carries out the plan.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from amts.errors import AmtsError
from bot.errors import BotError
from bot.mirrors import git, is_ancestor, read_blob, rev_parse
from bot.pulls import had_pr
from bot.startpoint import follow_default, is_start_only

if TYPE_CHECKING:
    from github.PullRequest import PullRequest
    from github.Repository import Repository

    from bot.jobs import SyncJob

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
    ``pull`` (:func:`bot.pulls.open_sync_pr`) or a new one."""
    default_head = rev_parse(tgt, f"refs/remotes/origin/{repo.default_branch}")
    if default_head is None:
        raise BotError(f"{repo.full_name}: no branch {repo.default_branch}")
    if pull is not None:
        branch = pull.head.ref
        parent = rev_parse(tgt, f"refs/remotes/origin/{branch}")
        if parent is None:
            raise BotError(f"{repo.full_name}: the branch {branch} of #{pull.number} is gone")
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

    ``branch`` is new, or merged (its head is in the default branch): the commit starts
    from the default branch. It has commits of its own but never had a pull request (a
    job died between its push and the PR): the sync continues on it. Otherwise (a PR
    closed without merging, a squash-merge) its commits are a human's decision to keep:
    the next name, ``branch-<sha>``, is tried."""
    for name in (branch, f"{branch}-{english[:8]}", f"{branch}-{default_head[:8]}"):
        head = rev_parse(tgt, f"refs/remotes/origin/{name}")
        if head is None or is_ancestor(tgt, head, default_head):
            return name, head, False
        if not had_pr(repo, name):
            log.info("sync.orphan_branch: repo=%s branch=%s head=%s", repo.full_name, name, head)
            return name, head, True
    raise BotError(f"no free sync branch name: {branch}, {branch}-{english[:8]} are taken")


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
