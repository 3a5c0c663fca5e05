"""The work items the queue carries: small frozen records of ids and revisions.

The web side enqueues these and the worker does the work (miss-islington's split): a job
names repositories, the installation and revisions, never a token or a file. They travel
as plain dicts so a job queued by one version of the App can be read by the next.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, fields
from typing import Any, Self

from bot.tenancy import Tenant


class _Payload:
    """``to_dict``/``from_dict`` for the job dataclasses; unknown keys are ignored."""

    installation_id: int
    source_repo: str
    target_repo: str

    @property
    def tenant(self) -> Tenant:
        """Whose job this is: the key of its lease, flag, status, mirrors and caches."""
        return Tenant(self.installation_id, self.source_repo, self.target_repo)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class SyncJob(_Payload):
    """Bring ``target_repo`` up to the English head of ``source_repo``.

    ``before``/``after`` are the push's revisions: a target without ``.amts/state.json``
    starts from ``before``. Waiting jobs for one target coalesce into the first one,
    which syncs to the English head at run time, so its ``after`` is only a hint.
    """

    source_repo: str
    target_repo: str
    lang: str
    installation_id: int
    reason: str
    delivery_id: str = ""
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class CommandJob(_Payload):
    """An accepted ``/amts`` comment on the sync PR ``pr_number`` of ``target_repo`` (for
    ``/amts catch-up``, on any issue or pull request ``pr_number``)."""

    target_repo: str
    pr_number: int
    comment_id: int
    user: str
    body: str
    installation_id: int
    delivery_id: str = ""
    source_repo: str = ""  # the sync PR's book (older jobs: "", found when run)


@dataclass(frozen=True)
class RefreshJob(_Payload):
    """Refresh the translation memory of ``target_repo`` from a merged sync PR."""

    target_repo: str
    lang: str
    installation_id: int
    merged_sha: str
    delivery_id: str = ""
    source_repo: str = ""  # the sync PR's book (older jobs: "", found when run)


@dataclass(frozen=True)
class CatchUpRequest(_Payload):
    """Boxes a writer ticked in the status issue ``issue_number`` of ``target_repo``."""

    target_repo: str
    issue_number: int
    user: str
    paths: tuple[str, ...]
    installation_id: int
    delivery_id: str = ""
    source_repo: str = ""  # the book, from the status record (the lease is the tenant's)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "paths": list(self.paths)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatchUpRequest:
        request = super().from_dict(data)
        return dataclasses.replace(request, paths=tuple(request.paths))
