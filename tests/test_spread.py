"""Items shared between this process and forked or spawned ones (:mod:`amts.spread`)."""

from __future__ import annotations

import os
import time

import pytest

from amts import spread


def _square_there(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def _die(item: int) -> tuple[int, int]:
    os._exit(1)  # a worker killed mid-item (out of memory, a signal)


@pytest.mark.parametrize("method", ["fork", "spawn"])
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
