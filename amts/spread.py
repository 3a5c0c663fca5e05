"""Many independent items shared between this process and others on spare cores.

Aligning a book's files (:meth:`~amts.align.cache.AlignmentCache.prefill`) and carrying a
push's files (:class:`~amts.sync.synchronizer.Synchronizer`) both do the same work for
each of many items, in any order. :func:`spread` hands them out dynamically: the other
processes take items from the front, this one takes those not handed out from the
back, until they meet. Callers give the largest items first, so however late the others
start or however slow they run, every process ends on small items and none waits long.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def start_method() -> str:
    """``fork`` when this process runs no other thread (the CLI): a child is ready in
    milliseconds with every module imported and every object built. Forking a process
    whose other threads may hold locks (the App's web side, a threaded queue consumer)
    can leave the child waiting on a lock no one will release, so beside threads it is
    ``forkserver``: a clean single-threaded server, started once per process with the
    callers' modules imported (``preload`` of :func:`spread`), forks each child. A
    spawned child would spend ~0.5 s CPU importing them again for every job."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def spread(
    items: Sequence[_Item],
    here: Callable[[_Item], _Result],
    there: Callable[[_Item], _Result],
    processes: int,
    *,
    method: str | None = None,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
    preload: Sequence[str] = (),
) -> list[_Result | None]:
    """Each item's result, in order: ``here(item)`` in this process or ``there(item)`` in
    one of ``processes - 1`` others (``there`` and the items must pickle under ``spawn``;
    the results always must). An item is ``None`` when another process took it and died
    (out of memory, killed), which breaks the pool: the caller does it itself; this
    process does every item not yet handed out. What ``here`` or ``there`` raises
    otherwise propagates.

    ``preload`` names the modules a ``forkserver`` imports before it forks anyone (the
    first call that starts the server decides them, for the process's life).

    Items are handed out two per other process at a time rather than all at once, so
    that none is ever taken back: a pool that breaks cannot meet a cancelled future.
    """
    results: list[_Result | None] = [None] * len(items)
    front, back = 0, len(items)  # the others take items[front], this process items[back - 1]
    handed: dict[Future, int] = {}
    failure: BaseException | None = None  # what broke the pool: nothing more is handed out
    context = multiprocessing.get_context(method or start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(list(preload))
    with ProcessPoolExecutor(
        max_workers=processes - 1,
        mp_context=context,
        initializer=initializer,
        initargs=initargs,
    ) as pool:
        while front < back or handed:
            for future in [future for future in handed if future.done()]:
                index = handed.pop(future)
                try:
                    results[index] = future.result()
                except _BROKEN as exc:
                    failure = failure or exc
            while failure is None and front < back and len(handed) < 2 * (processes - 1):
                try:  # a pool seen broken here may not have failed a future yet
                    handed[pool.submit(there, items[front])] = front
                except _BROKEN as exc:
                    failure = exc
                    break
                front += 1
            if front < back:
                back -= 1
                results[back] = here(items[back])
            elif handed:
                wait(handed, return_when=FIRST_COMPLETED)
    if failure is not None:
        log.warning("spread.workers_failed: %s; the rest was done in this process", failure)
    return results


#: What another process failing looks like here: it died (the pool breaks), or its
#: result could not be sent back.
_BROKEN = (BrokenProcessPool, OSError, pickle.PicklingError)
