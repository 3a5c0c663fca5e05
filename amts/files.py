"""Reading the files AMTS is given, with errors that name the file and what it was for,
and writing its outputs so that a failed run never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from amts.errors import InputError

#: A book file larger than this is not carried by a sync (skipped with a note): d2l's
#: largest is 91 KB, and one file costs about 3 s per MB of prose
#: (bench/pathological_bench.py).
MAX_FILE_BYTES = 1_000_000


def decode(data: bytes, path: str | Path, what: str = "text file") -> str:
    """UTF-8 text, or an :class:`InputError` saying what is wrong with it."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file (NUL bytes), not a {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); re-save it as UTF-8"
        ) from exc


def read_text(path: str | Path, what: str = "text file") -> str:
    """The UTF-8 text of ``path``; ``what`` names the file's role in messages."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: {what} not found") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory, expected a {what}") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied reading the {what}") from exc
    return decode(data, path, what)


@contextmanager
def atomic_output(path: str | Path):
    """Write to a temporary file beside ``path`` and rename it into place only on success,
    so an interrupted run never leaves a half-written file behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        # mkstemp makes the file 0600; give it the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
