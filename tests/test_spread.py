"""Items shared between this process and others, forked, from a forkserver or spawned
(:mod:`amts.spread`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from amts import spread

ROOT = Path(__file__).resolve().parent.parent


def _square_there(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def _die(item: int) -> tuple[int, int]:
    os._exit(1)  # a worker killed mid-item (out of memory, a signal)


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_every_item_is_done_once_in_order(method: str) -> None:
    """Results come back in the items' order, each made by exactly one process, and both
    this process and the other one take a share when the items outnumber them."""
    here_done: list[int] = []

    def here(item: int) -> tuple[int, int]:
        here_done.append(item)
        return item * item, os.getpid()

    items = list(range(200))
    results = spread.spread(items, here, _square_there, 2, method=method)
    assert [square for square, _ in results] == [item * item for item in items]
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) == 2
    mine = [item for item, (_, pid) in zip(items, results, strict=True) if pid == os.getpid()]
    assert mine == sorted(here_done)
    # This process works from the back: what it did is a tail of the items.
    assert mine == items[len(items) - len(mine) :]


def test_items_a_dead_process_left_are_none_for_the_caller() -> None:
    """A worker that dies breaks the pool: what it left undone comes back as None (the
    caller does it itself), with no exception, and what this process did is kept."""

    def here(item: int) -> tuple[int, int]:
        time.sleep(0.02)  # slower than the worker's start, so that it takes an item
        return item * item, os.getpid()

    items = list(range(20))
    results = spread.spread(items, here, _die, 2, method="fork")
    undone = [item for item, result in zip(items, results, strict=True) if result is None]
    assert undone and undone == items[: len(undone)]  # the worker's end: the front
    assert all(
        result == (item * item, os.getpid())
        for item, result in zip(items, results, strict=True)
        if result
    )


def test_an_error_in_another_process_propagates() -> None:
    """An item's own error is not a broken pool: it reaches the caller as it is."""
    with pytest.raises(ZeroDivisionError):
        spread.spread([1, 0, 2], lambda item: 1 / item, _divide, 2, method="fork")


def _divide(item: int) -> float:
    return 1 / item


def _imported_there(name: str) -> bool:
    return name in sys.modules


def test_beside_threads_a_forkserver_forks_children_with_the_preloaded_modules() -> None:
    """A process with other threads does not fork itself: a forkserver forks the others,
    with ``preload`` already imported (a spawned child would import it on each job). In a
    fresh interpreter, as the first call that starts the server decides what it preloads."""
    script = (
        "import threading, sys\n"
        "from amts import spread\n"
        "from tests.test_spread import _imported_there\n"
        "if __name__ == '__main__':\n"
        "    threading.Thread(target=threading.Event().wait, daemon=True).start()\n"
        "    method = spread.start_method()\n"
        "    names = ['colorsys'] * 8\n"
        "    found = spread.spread(names, lambda name: None, _imported_there, 2,"
        " preload=['colorsys'])\n"
        "    print(method, 'colorsys' in sys.modules, sorted(set(found), key=str))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    # Only the children imported it, before their first item; this process never did.
    assert run.stdout.split() == ["forkserver", "False", "[None,", "True]"]
