"""Shared test helpers: where the examples and the optional shared book data live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
