"""The cyclic garbage collector held off while one file's object graph is built.

Parsing a file and planning its update make objects that nearly all live until the file
is done: mistletoe's token tree, then a block, a plan, an edit and a sentence result per
block. CPython runs a full collection each time the surviving objects grow by a quarter,
so a file of 200,000 headings paid two dozen scans of the whole heap, a third of its time
(bench/pathological_bench.py). Held off for the call, the collector scans those objects
once or twice afterwards; reference counting still frees everything that is not in a
cycle, so memory stays as it was. Mercurial's ``util.nogc`` does the same.
"""

from __future__ import annotations

import atexit
import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

_LOCK = threading.Lock()
_depth = 0
_was_enabled = False
_freeze_at_exit = False  # registered (see one_shot)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside; nested and concurrent uses restore the collector's
    state once, when the last one ends."""
    global _depth, _was_enabled
    with _LOCK:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def without_collection(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """``function`` run with the collector paused (see :func:`collector_paused`)."""

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with collector_paused():
            return function(*args, **kwargs)

    return paused


@contextmanager
def one_shot() -> Iterator[None]:
    """The collector's settings for a command that loads its data, works and exits.

    What is alive on entry (the modules, the translation memory, the glossary) lives to
    the end: frozen (``gc.freeze``), full collections skip it; a warm ``amts sync`` spent
    0.15 s scanning it again and again. On exit, the interpreter's last collection would
    walk every object left (0.1–0.2 s after a sync) to free memory the process gives back
    anyway: everything alive then is frozen first (at exit, so a test calling the command
    in its own process keeps collecting as usual; the freeze inside is undone on leaving).
    Frozen objects are never collected: a long-lived process (an App worker) must not run
    its jobs in here.
    """
    global _freeze_at_exit
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        with _LOCK:
            if not _freeze_at_exit:
                _freeze_at_exit = True
                atexit.register(gc.freeze)
