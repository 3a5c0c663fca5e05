"""The collector pause: the collector's state is restored once, however the pauses nest
or end."""

from __future__ import annotations

import gc
import threading

import pytest

from amts.collector import collector_paused, without_collection


def test_the_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_an_exception_restores_the_collector():
    @without_collection
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("x")

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_in_threads_restore_it_once():
    inside, release = threading.Barrier(2), threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.wait()
            release.wait()

    thread = threading.Thread(target=hold)
    thread.start()
    with collector_paused():
        inside.wait()
    assert not gc.isenabled()  # the thread's pause is still on
    release.set()
    thread.join()
    assert gc.isenabled()
