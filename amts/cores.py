"""The machine's cores, shared by every AMTS process on it.

A job that aligns many files spreads them over spare cores (:meth:`~amts.align.cache.
AlignmentCache.prefill`). With several workers (``amts serve --workers N``, ``amts
worker`` processes) each job running is already one busy core: a job that also started a
process per core would put two processes on each core, and two targets' first syncs would
take no less time than one worker's. So each core is a lock file: a running job holds
one, and a job that wants more takes only those no one holds, both with :func:`claim`.
Locks are ``flock``-ed: a process that dies releases its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Names the folder of the lock files: one per user of the machine by default, as the
#: cores are the machine's, not a data directory's (tests give each test its own).
DIR_VARIABLE = "AMTS_CORES_DIR"


def slots_dir() -> Path:
    given = os.environ.get(DIR_VARIABLE)
    return Path(given) if given else Path(tempfile.gettempdir()) / f"amts-cores-{os.getuid()}"


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def claim(most: int, directory: Path | None = None) -> Iterator[int]:
    """Hold up to ``most`` cores no other process holds, for the ``with`` block; yields how
    many were taken (none when the folder cannot be used: never an error)."""
    held: list[int] = []
    try:
        if most > 0:
            held = _take(most, directory or slots_dir())
        yield len(held)
    finally:
        for fd in held:
            os.close(fd)  # closing the file releases its lock


def _take(most: int, directory: Path) -> list[int]:
    held: list[int] = []
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return held
    for slot in range(available_cores()):
        if len(held) == most:
            break
        try:
            fd = os.open(directory / f"core-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another process's core
            os.close(fd)
            continue
        held.append(fd)
    return held
