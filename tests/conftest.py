"""Shared test helpers: where the examples and the optional shared book data live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from amts import cores

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "book"
#: ``../shared`` beside the clone; ``AMTS_SHARED`` names it elsewhere (e.g. from a worktree).
SHARED = Path(os.environ.get("AMTS_SHARED") or ROOT.parent / "shared")


@pytest.fixture
def shared_d2l() -> Path:
    """The pinned d2l books beside the project; tests using it skip in a user's clone."""
    path = SHARED / "d2l"
    if not path.is_dir():
        pytest.skip("../shared/d2l is absent (it is only beside the project on the dev machines)")
    return path


@pytest.fixture(autouse=True)
def own_cores(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own core locks (:mod:`amts.cores`): what other programs on the machine
    hold, or a process an earlier test left, never changes how many processes a test gets.
    Subprocesses (``amts serve`` and its workers) inherit it."""
    folder = tmp_path_factory.mktemp("cores")
    monkeypatch.setenv(cores.DIR_VARIABLE, str(folder))
    return folder
