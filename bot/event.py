"""One webhook delivery as the handlers see it: its event name, delivery id and payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Events the App acts on, with the actions it acts on (None: every action). Anything
# else is acknowledged and ignored at the door, so the queue only carries work.
HANDLED_EVENTS: dict[str, frozenset[str] | None] = {
    "push": None,
    "pull_request": frozenset({"closed"}),
    "issue_comment": frozenset({"created"}),
    "issues": frozenset({"edited", "closed", "reopened"}),  # the status issue
    "installation": frozenset({"created", "new_permissions_accepted", "unsuspend", "deleted"}),
    "installation_repositories": frozenset({"added"}),
}


@dataclass(frozen=True)
class Event:
    """A delivery: ``name`` from ``X-GitHub-Event``, ``delivery_id`` from ``X-GitHub-Delivery``."""

    name: str
    delivery_id: str
    data: dict[str, Any] = field(repr=False)

    @property
    def action(self) -> str | None:
        return self.data.get("action")

    @property
    def installation_id(self) -> int | None:
        installation = self.data.get("installation") or {}
        return installation.get("id")

    @property
    def repo_full_name(self) -> str | None:
        repository = self.data.get("repository") or {}
        return repository.get("full_name")

    @property
    def kind(self) -> str:
        """``name.action`` (or just ``name``), for logs and the ignored-event answer."""
        return f"{self.name}.{self.action}" if self.action else self.name

    def is_handled(self) -> bool:
        """Whether :data:`HANDLED_EVENTS` lists this event and action."""
        if self.name not in HANDLED_EVENTS:
            return False
        actions = HANDLED_EVENTS[self.name]
        return actions is None or self.action in actions

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "delivery_id": self.delivery_id, "data": self.data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return cls(data["name"], data["delivery_id"], data["data"])
