"""``amts lag`` on whole books: time and peak memory for d2l-zh and d2l-pt (goal ≤ 10 s each),
beside the peer every first sync pays anyway: mining the target's parallel data
(``amts parallel-data``'s ``CorpusBuilder`` over the same translation), printed as a ratio.

The pinned books in ``../shared/d2l`` (or ``AMTS_SHARED``) are committed into temporary git
repositories first (untimed). Each figure is the median of ``--runs`` runs; peak memory is
``tracemalloc``'s peak in a separate run (Python allocations).

    python bench/lag_bench.py [--runs 3]

Exit status 2 when the books are absent.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from amts.corpus.parallel import CorpusBuilder, find_file_pairs
from amts.lag import measure_lag

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AMTS_SHARED") or ROOT.parent / "shared")
GOAL_SECONDS = 10.0


def commit_book(book: Path, path: Path) -> Path:
    shutil.copytree(book, path)
    subprocess.run(["chmod", "-R", "u+w", str(path)], check=True)
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "book"]):
        subprocess.run(["git", "-C", str(path), *args], check=True)
    return path


def timed(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_mib(func: Callable[[], object]) -> float:
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def mine(en: Path, target: Path, lang: str) -> int:
    builder = CorpusBuilder("en", lang)
    return sum(1 for _ in builder.build(find_file_pairs(en, target)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    books = SHARED / "d2l"
    if not books.is_dir():
        print(f"{books} is absent: nothing to measure", file=sys.stderr)
        return 2
    print(f"python {platform.python_version()}, {os.cpu_count()} cores (shared machine)")
    with tempfile.TemporaryDirectory(prefix="lag-bench-") as tmp:
        en = commit_book(books / "en", Path(tmp) / "en")
        for lang in ("zh", "pt"):
            target = commit_book(books / lang, Path(tmp) / lang)
            report = measure_lag(en, target, lang)
            seconds = timed(lambda t=target, la=lang: measure_lag(en, t, la), args.runs)
            memory = peak_mib(lambda t=target, la=lang: measure_lag(en, t, la))
            peer = timed(lambda t=target, la=lang: mine(en, t, la), 1)
            totals = report.totals()
            goal = "meets" if seconds <= GOAL_SECONDS else "misses"
            print(
                f"d2l-{lang}: amts lag {seconds:.2f} s (median of {args.runs}), peak "
                f"{memory:.0f} MiB; {totals['files']} files, {totals['blocks']} English blocks, "
                f"{totals['percent_up_to_date']}% up to date; {goal} the {GOAL_SECONDS:.0f} s goal"
            )
            print(
                f"d2l-{lang}: peer, mining its parallel data: {peer:.2f} s; "
                f"lag/peer = {seconds / peer:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
