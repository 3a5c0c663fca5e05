"""Per-target status for the App's home page, kept beside the queue in its storage.

The jobs write what a maintainer wants to see at a glance (last synced English revision,
the open pull request, the last error) with :meth:`StatusStore.update`; ``GET /`` and
``GET /status.json`` read it back. Keeping it in the queue's storage means the web
process and every worker, on SQLite or on Redis, see the same records with nothing else
to deploy.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from huey.constants import EmptyData

PREFIX = "status:"
# The fields the page shows; others are kept and appear in /status.json.
FIELDS = (
    "source_repo",
    "target_repo",
    "lang",
    "synced_revision",
    "pr_url",
    "last_error",
    "updated_at",
)


class StatusStore:
    """JSON records under ``status:<target repo>`` in a huey storage."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage

    def update(self, target_repo: str, *, key: str | None = None, **fields: Any) -> dict[str, Any]:
        """Merge ``fields`` into the record of ``target_repo``, stamp it, return it.

        ``key`` is the tenant's (:class:`bot.tenancy.Tenant`): one installation's book
        never rewrites another's record of the same target. ``last_error=None`` clears
        the error after a sync that went well.
        """
        record = self.get(target_repo, key=key) or {}
        record.update(fields)
        record["target_repo"] = target_repo
        if key:
            record["key"] = key  # the tenant's: how the record is found again
        record["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self._storage.put_data(PREFIX + (key or target_repo), json.dumps(record).encode())
        return record

    def get(self, target_repo: str, *, key: str | None = None) -> dict[str, Any] | None:
        value = self._storage.peek_data(PREFIX + (key or target_repo))
        return None if value is EmptyData else json.loads(bytes(value))

    def all(self) -> list[dict[str, Any]]:
        """Every record, by source repository then target repository."""
        records = [
            json.loads(bytes(value))
            for key, value in self._storage.result_items().items()
            if key.startswith(PREFIX)
        ]
        return sorted(records, key=lambda r: (r.get("source_repo") or "", r["target_repo"]))
