"""A lock in the queue's storage that a dead worker cannot keep: it expires unless renewed.

huey's own ``lock_task`` would do, but its locks never expire on SQLite and need Redis
7.4's hash-field TTLs to expire on Redis (Debian ships 7.0), so a worker killed with
SIGKILL in the middle of a sync would keep its target locked for ever and the reconcile
job could never heal it. This lease is made of the same storage calls
(``put_if_empty``, ``peek``, ``pop``) on either backend; the holder renews it from a
heartbeat thread, and an expired one is taken over. The lock only saves duplicate work:
what keeps two syncs from overwriting each other is the fast-forward-only push.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

from huey.constants import EmptyData

logger = logging.getLogger(__name__)


class Lease:
    """The lock ``name``, held for ``ttl`` seconds at a time and renewed every ``ttl / 3``."""

    def __init__(self, storage: Any, name: str, ttl: float) -> None:
        self.name = name
        self.key = f"lock:{name}"
        self.ttl = ttl
        self._storage = storage
        self._token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def acquire(self) -> bool:
        """Take the lock if it is free or its holder stopped renewing it; never waits."""
        if not (self._put_if_empty() or self._take_over_expired()):
            return False
        self._stop.clear()
        self._heartbeat = threading.Thread(
            target=self._renew_until_released, name=f"lease {self.name}", daemon=True
        )
        self._heartbeat.start()
        return True

    def release(self) -> None:
        """Stop renewing and free the lock, unless someone took it over meanwhile."""
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
            self._heartbeat = None
        if self._holder() == self._token:
            self._storage.delete_data(self.key)

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _value(self) -> bytes:
        return f"{self._token} {time.time() + self.ttl:.3f}".encode()

    def _put_if_empty(self) -> bool:
        return bool(self._storage.put_if_empty(self.key, self._value()))

    def _holder(self) -> str | None:
        value = self._storage.peek_data(self.key)
        return None if value is EmptyData else bytes(value).decode().split()[0]

    def _take_over_expired(self) -> bool:
        current = self._storage.peek_data(self.key)
        if current is EmptyData:
            return self._put_if_empty()
        if float(bytes(current).split()[1]) > time.time():
            return False
        # pop is atomic on both backends; what it returns tells whether another worker
        # renewed or took the lock between our peek and our pop (then give it back).
        popped = self._storage.pop_data(self.key)
        if popped is not EmptyData and bytes(popped) != bytes(current):
            self._storage.put_if_empty(self.key, bytes(popped))
            return False
        logger.warning("lease.taken_over name=%s (its holder stopped renewing it)", self.name)
        return self._put_if_empty()

    def _renew_until_released(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                if self._holder() != self._token:
                    logger.warning("lease.lost name=%s", self.name)
                    return
                self._storage.put_data(self.key, self._value())
            except Exception:  # the storage is down: keep trying until released
                logger.exception("lease.renew_failed name=%s", self.name)
