"""The collector pause: the collector's state is restored once, however the pauses nest
or end."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

import pytest

from amts.collector import collector_paused, one_shot, without_collection
from tests.conftest import ROOT


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


def _collectable(thing: object) -> bool:
    return any(o is thing for generation in range(3) for o in gc.get_objects(generation))


def test_a_one_shot_command_freezes_what_it_loaded_until_it_ends():
    """Inside, what was alive on entry is frozen; on leaving, it is collectable again, so a
    test running the command in its own process leaks nothing."""
    loaded = [object()]
    assert _collectable(loaded)
    with one_shot():
        assert not _collectable(loaded)
    assert _collectable(loaded)
    assert gc.get_freeze_count() == 0


_AT_EXIT = """
import sys
from amts.collector import one_shot

class Noisy:
    def __del__(self):
        sys.stdout.write("finalized at exit")

if sys.argv[1] == "one-shot":
    with one_shot():
        pass
cycle = Noisy()
cycle.itself = cycle
"""


@pytest.mark.parametrize(
    ("mode", "output"),
    [
        pytest.param("plain", "finalized at exit", id="plain"),
        pytest.param("one-shot", "", id="one-shot"),
    ],
)
def test_after_a_one_shot_command_the_exit_collects_nothing(mode, output):
    """The interpreter's last collection, which walks every object left, finds nothing to
    do after a one-shot command: what is left is frozen at exit."""
    done = subprocess.run(
        [sys.executable, "-c", _AT_EXIT, mode],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout == output
