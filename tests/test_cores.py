"""The machine's cores as lock files: a job takes only the cores no other process holds."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from amts import cores
from amts.align.aligner import Aligner
from amts.align.cache import MIN_PARALLEL_PAIRS, AlignmentCache
from tests.align.test_cache import _variants

HOLD = """
import sys, time
from pathlib import Path
from amts.cores import claim
with claim(int(sys.argv[2]), Path(sys.argv[1])) as held:
    print(held, flush=True)
    time.sleep(120)
"""


@contextmanager
def _holder(folder: Path, most: int) -> Iterator[int]:
    """Another process holding up to ``most`` cores while in the block; how many it got."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), str(most)], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        try:
            yield int(process.stdout.readline())
        finally:
            process.kill()


def test_a_core_another_process_holds_is_not_taken_until_it_dies(tmp_path: Path) -> None:
    total = cores.available_cores()
    with _holder(tmp_path, 1) as held:
        assert held == 1
        with cores.claim(total, tmp_path) as got:
            assert got == total - 1
        with cores.claim(total, tmp_path) as got:  # released at the end of the block
            assert got == total - 1
    with cores.claim(total, tmp_path) as got:  # a killed process's core is free again
        assert got == total


def test_an_unusable_folder_claims_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    with cores.claim(2, blocker / "cores") as got:
        assert got == 0


def test_mining_leaves_the_cores_of_other_jobs_alone(own_cores: Path) -> None:
    """With every core held by running jobs, a job aligns its pairs in its own process:
    starting more would put two processes on a core."""
    with _holder(own_cores, cores.available_cores()) as held:
        assert held == cores.available_cores()
        cache = AlignmentCache()
        assert cache.prefill(Aligner("en", "zh"), _variants(MIN_PARALLEL_PAIRS)) == 0
        assert cache.aligned == 0  # the caller aligns as it reads, as with few pairs
