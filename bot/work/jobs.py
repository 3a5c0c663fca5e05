"""The work items the queue carries: small frozen records of ids and revisions.

The web side enqueues these and the worker does the work (miss-islington's split): a job
names repositories, the installation and revisions, never a token or a file. They travel
as plain dicts so a job queued by one version of the App can be read by the next.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from bot.status import StatusStore


@dataclass(frozen=True)
class Tenant:
    """One source syncing into one target, under one installation."""

    installation_id: int
    source_repo: str
    target_repo: str

    @property
    def key(self) -> str:
        """``<installation>:<source>:<target>``, lower case (GitHub names are not)."""
        return f"{self.installation_id}:{self.source_repo.lower()}:{self.target_repo.lower()}"


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


@dataclass(frozen=True)
class PremineJob(_Payload):
    """Mine ``target_repo``'s memory (a target of ``source_repo``'s book) into its cache."""

    source_repo: str
    target_repo: str
    lang: str
    installation_id: int
    delivery_id: str = ""


class JobQueue(Protocol):
    """The queue as handlers and jobs see it (:class:`bot.work.queue.Queue`): they enqueue work
    and keep small records; they never import the queue, which runs them."""

    @property
    def storage(self) -> Any: ...

    @property
    def status(self) -> StatusStore: ...

    def record_once(self, key: str) -> bool: ...

    def forget_once(self, key: str) -> None: ...

    def enqueue_sync(self, job: SyncJob) -> bool: ...

    def enqueue_command(self, job: CommandJob) -> None: ...

    def enqueue_refresh(self, job: RefreshJob) -> None: ...

    def enqueue_catch_up(self, job: CatchUpRequest) -> None: ...

    def enqueue_premine(self, job: PremineJob) -> None: ...

    def enqueue_reconcile(self, installation_id: int | None = None) -> None: ...

    def forget_installation(self, installation_id: int) -> list[str]: ...
