"""The emulator's records: installations, repositories, pull requests, comments, check runs.

Plain dataclasses, changed only under :attr:`State.lock`. What git knows (branches,
commits, files) is never copied here: a record keeps a branch *name* and reads the
commit from the bare repository when asked, so pushes are seen at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from .auth import Token
from .gitrepo import BareRepo
from .protocol import not_found, now, validation_failed

#: Repository roles as GitHub names them, weakest first.
ROLES = ("none", "read", "triage", "write", "maintain", "admin")
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


@dataclass
class Installation:
    id: int
    account: str
    account_type: str  # "Organization" or "User"
    created_at: dt.datetime = field(default_factory=now)


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Pull:
    number: int
    id: int
    title: str
    body: str | None
    user: str
    head_ref: str
    base_ref: str
    head_sha: str  # the last head seen; the live one is read from git while open
    draft: bool = False
    state: str = "open"
    created_at: dt.datetime = field(default_factory=now)
    updated_at: dt.datetime = field(default_factory=now)
    closed_at: dt.datetime | None = None
    merged_at: dt.datetime | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    labels: list[str] = field(default_factory=list)
    requested_reviewers: list[str] = field(default_factory=list)

    @property
    def merged(self) -> bool:
        return self.merged_at is not None


@dataclass
class Issue:
    """An issue that is not a pull request (its number comes from the same sequence)."""

    number: int
    id: int
    title: str
    body: str | None
    user: str
    state: str = "open"
    created_at: dt.datetime = field(default_factory=now)
    updated_at: dt.datetime = field(default_factory=now)
    closed_at: dt.datetime | None = None
    closed_by: str | None = None


@dataclass
class Reaction:
    id: int
    user: str
    content: str
    created_at: dt.datetime = field(default_factory=now)


@dataclass
class Comment:
    id: int
    repo: str  # full name
    number: int
    user: str
    body: str
    created_at: dt.datetime = field(default_factory=now)
    updated_at: dt.datetime = field(default_factory=now)
    reactions: list[Reaction] = field(default_factory=list)


@dataclass
class CheckRun:
    id: int
    repo: str  # full name
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    output: dict[str, Any]
    details_url: str | None = None
    external_id: str | None = None
    started_at: dt.datetime | None = field(default_factory=now)
    completed_at: dt.datetime | None = None


@dataclass
class Repo:
    id: int
    owner: str
    name: str
    installation_id: int
    git: BareRepo
    private: bool = False
    description: str | None = None
    created_at: dt.datetime = field(default_factory=now)
    roles: dict[str, str] = field(default_factory=dict)  # login (lower case) -> role
    labels: dict[str, Label] = field(default_factory=dict)  # lower-case name -> label
    pulls: dict[int, Pull] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def default_branch(self) -> str:
        return self.git.head_branch()

    def role(self, login: str) -> str:
        return self.roles.get(login.lower(), "none")

    def pull(self, number: int) -> Pull:
        if number not in self.pulls:
            raise not_found()
        return self.pulls[number]

    def thread(self, number: int) -> Pull | Issue:
        """The pull request or plain issue ``number`` (comments live on either)."""
        found = self.issues.get(number) or self.pulls.get(number)
        if found is None:
            raise not_found()
        return found


@dataclass
class State:
    """Everything the emulator knows besides git, behind one lock."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    installations: dict[int, Installation] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)  # lower-case full name -> repo
    tokens: dict[str, Token] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    account_types: dict[str, str] = field(default_factory=dict)  # login (lower) -> type
    user_ids: dict[str, int] = field(default_factory=dict)
    user_tokens: dict[str, str] = field(default_factory=dict)  # ghu_… -> login (.oauth)
    oauth_codes: dict[str, Any] = field(default_factory=dict)  # code -> oauth.Code
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def next_id(self) -> int:
        return next(self.ids)

    def user_id(self, login: str) -> int:
        return self.user_ids.setdefault(login.lower(), 100 + len(self.user_ids))

    def repo(self, full_name: str) -> Repo:
        """The repository ``owner/name`` (any case); 404 if the emulator has none."""
        found = self.repos.get(full_name.lower())
        if found is None:
            raise not_found()
        return found

    def comment(self, repo: Repo, comment_id: int) -> Comment:
        found = self.comments.get(comment_id)
        if found is None or found.repo != repo.full_name:
            raise not_found()
        return found

    def installation(self, installation_id: int) -> Installation:
        found = self.installations.get(installation_id)
        if found is None:
            raise not_found()
        return found


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def check_reaction(content: str) -> str:
    if content not in REACTIONS:
        raise validation_failed("Reaction", "content", "invalid")
    return content
