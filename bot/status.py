"""What the App remembers for its status views, kept beside the queue in its storage.

The jobs write what a maintainer wants to see (the English revision followed, the open
pull request and its asks, the lag report, the last failure, the status issue) with
:meth:`StatusStore.update`, and each job's outcome with :meth:`StatusStore.record_job`;
workers beat with :meth:`StatusStore.beat`. The page and the status issue read it back.
Keeping it in the queue's storage means the web process and every worker, on SQLite or
on Redis, see the same records with nothing else to deploy.

Everything is bounded (the last :data:`JOBS_PER_TARGET` jobs of a target, heartbeats
expire) and tied to its installation, so :meth:`StatusStore.forget_installation` removes
a tenant's records when the App is uninstalled.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from huey.constants import EmptyData

PREFIX = "status:"  # one record per target repository
SOURCE_PREFIX = "source:"  # one per English repository: its invalid config, if any
JOBS_PREFIX = "jobs:"  # the last jobs of one target ("-" for jobs of no target)
BEAT_PREFIX = "beat:"  # one per worker process
JOBS_PER_TARGET = 20
NO_TARGET = "-"
BEAT_SECONDS = 15.0  # how often a worker beats
ALIVE_SECONDS = 60.0  # a worker silent for longer is shown as gone
FORGET_BEATS_SECONDS = 24 * 3600


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StatusStore:
    """JSON records in a huey storage (``put_data``/``peek_data``/``result_items``)."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage

    # -- targets --------------------------------------------------------------------------

    def update(self, target_repo: str, *, key: str | None = None, **fields: Any) -> dict[str, Any]:
        """Merge ``fields`` into the record of ``target_repo``, stamp it, return it.

        ``key`` is the tenant's (:class:`bot.books.tenancy.Tenant`): one installation's book
        never rewrites another's record of the same target. ``last_error=None`` clears
        the error after a sync that went well.
        """
        record = self.get(target_repo, key=key) or {}
        record.update(fields)
        record["target_repo"] = target_repo
        if key:
            record["key"] = key  # the tenant's: how the record is found again
        record["updated_at"] = now_iso()
        self._put(PREFIX + (key or target_repo), record)
        return record

    def get(self, target_repo: str, *, key: str | None = None) -> dict[str, Any] | None:
        return self._get(PREFIX + (key or target_repo))

    def find(self, target_repo: str, installation_id: int | None) -> dict[str, Any] | None:
        """The record of ``target_repo`` kept for ``installation_id`` (any tenant's key)."""
        for record in self._items(PREFIX):
            if record["target_repo"].lower() == target_repo.lower() and (
                installation_id is None or record.get("installation_id") == installation_id
            ):
                return record
        return None

    def all(self) -> list[dict[str, Any]]:
        """Every target's record, by source repository then target repository."""
        records = self._items(PREFIX)
        return sorted(records, key=lambda r: (r.get("source_repo") or "", r["target_repo"]))

    # -- sources --------------------------------------------------------------------------

    def update_source(self, source_repo: str, installation_id: int, **fields: Any) -> None:
        """The English repository's record: ``config_error=None`` when its config is valid."""
        record = self._get(SOURCE_PREFIX + source_repo) or {}
        record.update(fields, source_repo=source_repo, installation_id=installation_id)
        record["updated_at"] = now_iso()
        self._put(SOURCE_PREFIX + source_repo, record)

    def sources(self) -> list[dict[str, Any]]:
        return sorted(self._items(SOURCE_PREFIX), key=lambda r: r["source_repo"])

    # -- jobs -----------------------------------------------------------------------------

    def record_job(self, target_repo: str | None, **job: Any) -> None:
        """Append one finished job (kind, event, outcome, duration, error_id, url, …) to
        its target's last :data:`JOBS_PER_TARGET`."""
        key = JOBS_PREFIX + (target_repo or NO_TARGET)
        jobs = self._get(key) or []
        jobs.append(
            {"target": target_repo or "", "finished_at": now_iso(), "t": time.time(), **job}
        )
        self._put(key, jobs[-JOBS_PER_TARGET:])

    def jobs(self, limit: int = 100) -> list[dict[str, Any]]:
        """The last ``limit`` jobs of every target, newest first."""
        merged = [job for jobs in self._items(JOBS_PREFIX) for job in jobs]
        merged.sort(key=lambda j: j.get("t", 0.0), reverse=True)
        return merged[:limit]

    # -- workers --------------------------------------------------------------------------

    def beat(self, worker: str, **info: Any) -> None:
        """A worker process says it is alive."""
        self._put(BEAT_PREFIX + worker, {"worker": worker, "at": time.time(), **info})

    def workers(self) -> list[dict[str, Any]]:
        """Every worker heard from in the last day, with ``alive`` and ``seen`` (ISO time);
        older heartbeats are forgotten."""
        out = []
        for key, beat in self._pairs(BEAT_PREFIX):
            age = time.time() - float(beat.get("at", 0))
            if age > FORGET_BEATS_SECONDS:
                self._storage.delete_data(key)
                continue
            seen = datetime.fromtimestamp(float(beat["at"]), UTC).isoformat(timespec="seconds")
            out.append({**beat, "seen": seen, "age": round(age, 1), "alive": age < ALIVE_SECONDS})
        return sorted(out, key=lambda b: b["worker"])

    # -- tenants --------------------------------------------------------------------------

    def forget_installation(self, installation_id: int) -> list[str]:
        """Delete every record of ``installation_id``'s repositories; the keys deleted."""
        gone: list[str] = []
        for key, record in self._pairs(PREFIX) + self._pairs(SOURCE_PREFIX):
            if record.get("installation_id") == installation_id:
                gone.append(key)
                if key.startswith(PREFIX):
                    gone.append(JOBS_PREFIX + record["target_repo"])
        for key in gone:
            self._storage.delete_data(key)
        for key, jobs in self._pairs(JOBS_PREFIX):
            kept = [j for j in jobs if j.get("installation_id") != installation_id]
            if len(kept) != len(jobs):
                self._put(key, kept)
                gone.append(key)
        return gone

    # -- storage --------------------------------------------------------------------------

    def _put(self, key: str, value: Any) -> None:
        self._storage.put_data(key, json.dumps(value, ensure_ascii=False).encode())

    def _get(self, key: str) -> Any:
        value = self._storage.peek_data(key)
        return None if value is EmptyData else json.loads(bytes(value))

    def _pairs(self, prefix: str) -> list[tuple[str, Any]]:
        return [
            (key, json.loads(bytes(value)))
            for key, value in self._storage.result_items().items()
            if key.startswith(prefix)
        ]

    def _items(self, prefix: str) -> list[Any]:
        return [value for _, value in self._pairs(prefix)]
