"""Answers a test asks for in advance: a server error, or a rate limit, for the next calls.

A fault is matched on the method (``"*"`` for any) and the request path without its
query (exact, or a shell pattern such as ``/repos/o/r/pulls/*``), answered instead of the
real handler, and used up after ``times`` matches. The bodies and headers are GitHub's:
a secondary rate limit is a 403 (or 429) with ``Retry-After`` and the message PyGithub
and Octokit recognise; a primary one is a 403 with ``X-RateLimit-Remaining: 0`` and
``X-RateLimit-Reset``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import threading
from dataclasses import dataclass, field

from .protocol import SECONDARY_RATE_LIMIT_MESSAGE, ApiError, now, rate_limit_headers, request_id

SERVER_ERRORS = {
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that.",
}


@dataclass
class Fault:
    method: str
    path: str
    error: ApiError
    times: int = 1

    def matches(self, method: str, path: str) -> bool:
        return _matches(self.method, self.path, method, path)


def _matches(want_method: str, want_path: str, method: str, path: str) -> bool:
    if want_method not in ("*", method.upper()):
        return False
    return path == want_path or fnmatch.fnmatchcase(path, want_path)


@dataclass
class Faults:
    """The pending faults, first added first used; and requests held back until released
    (a test that must act while a client waits for an answer, e.g. kill it)."""

    pending: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    held: list[tuple[str, str]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0  # requests being held back now

    def hold(self, method: str, path: str) -> None:
        """Keep matching requests unanswered until :meth:`release` (or :meth:`clear`)."""
        with self.lock:
            self.held.append((method.upper(), path))
            self.released.clear()

    def wait_if_held(self, method: str, path: str, timeout: float = 60.0) -> None:
        with self.lock:
            if not any(_matches(m, p, method, path) for m, p in self.held):
                return
            self.waiting += 1
        try:
            self.released.wait(timeout)
        finally:
            with self.lock:
                self.waiting -= 1

    def release(self) -> None:
        with self.lock:
            self.held.clear()
            self.released.set()

    def add(self, method: str, path: str, error: ApiError, times: int) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        with self.lock:
            self.pending.append(Fault(method.upper(), path, error, times))

    def take(self, method: str, path: str) -> ApiError | None:
        """The error to answer this request with, if a pending fault matches it."""
        with self.lock:
            for fault in self.pending:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times == 0:
                        self.pending.remove(fault)
                    return fault.error
        return None

    def clear(self) -> None:
        """Drop every pending fault and answer every held request."""
        with self.lock:
            self.pending.clear()
        self.release()


def server_error(status: int, message: str | None = None) -> ApiError:
    return ApiError(status, message or SERVER_ERRORS.get(status, "Server Error"))


def secondary_rate_limit(retry_after: int, status: int = 403) -> ApiError:
    if status not in (403, 429):
        raise ValueError("GitHub answers a rate limit with 403 or 429")
    message = SECONDARY_RATE_LIMIT_MESSAGE.format(request_id=request_id())
    headers = {**rate_limit_headers(1), "Retry-After": str(retry_after)}
    return ApiError(status, message, headers=headers)


def primary_rate_limit(reset_in: int, installation_id: int | None = None) -> ApiError:
    who = f" for installation ID {installation_id}" if installation_id else ""
    reset = now() + dt.timedelta(seconds=reset_in)
    headers = rate_limit_headers(10**9, reset=reset)
    return ApiError(403, f"API rate limit exceeded{who}.", headers=headers)
