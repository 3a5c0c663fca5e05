"""Hostile book files: how long one new file of each pathological input takes to carry,
with this tree's code and with an older revision's (default ``main``), in the same run.

Each input of ``tests/pathological.py`` is written at each size and carried as a new file
the way a sync carries one: parsed, split into sentences, looked up in a (empty)
translation memory and written back (``Updater.update`` with the memory engine; a
``MarkupError`` refusal counts as done). Every run is a child process with a time limit,
so a quadratic case shows as "> limit" instead of stalling the bench; the child times its
own work (not the interpreter's start-up) and reports its peak memory (``ru_maxrss``).

The bound printed per input is ``--base`` seconds plus ``--per-mb`` seconds per MB of
input: linear work at the speed of ordinary prose. The ratio column is old ÷ new time at
the same size (a lower bound when the old run hit the limit).

    python bench/pathological_bench.py [--sizes 100000,1000000] [--old main] [--limit 30]
        [--only comment-openers,prose] [--prose-mb 4,16]

The older revision's ``amts/`` is taken with ``git archive`` into a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(name: str, size: int) -> None:
    """Carry one input as a new file; print seconds, peak MB and the outcome as JSON."""
    sys.path.append(str(ROOT))  # tests.pathological; amts comes from PYTHONPATH
    from amts.book import document
    from amts.engines.memory import MemoryEngine
    from amts.errors import MarkupError
    from amts.memory import TranslationMemory
    from amts.update.updater import Updater
    from tests.pathological import build

    text = build(name, size)
    memory = TranslationMemory("en", "zh")
    updater = Updater("en", "zh", MemoryEngine(memory), memory)
    empty = document.parse("", "hostile.md")
    started = time.perf_counter()
    try:
        english = document.parse(text, "hostile.md")
        updater.update(empty, english, empty, path="hostile.md")
        outcome = "carried"
    except MarkupError:
        outcome = "refused"
    except RecursionError:
        outcome = "RecursionError"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "outcome": outcome}))


def run(tree: Path, name: str, size: int, limit: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, __file__, "--child", name, str(size)]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=limit + 5, check=False
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "peak_mb": None, "outcome": "timeout"}
    if done.returncode != 0:
        return {"seconds": None, "peak_mb": None, "outcome": done.stderr.strip()[-80:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["seconds"] > limit:
        result["outcome"] = "timeout"
    return result


def shown(result: dict, limit: float) -> str:
    if result["outcome"] == "timeout":
        return f"> {limit:.0f} s"
    if result["seconds"] is None:
        return f"error: {result['outcome']}"
    return f"{result['seconds']:.2f} s {result['peak_mb']:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("NAME", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--old", default="main", help="the revision to compare with")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds per run")
    parser.add_argument("--only", default="", help="comma-separated input names")
    parser.add_argument("--prose-mb", default="4,16", help="extra sizes of plain prose")
    parser.add_argument("--base", type=float, default=1.0)
    parser.add_argument("--per-mb", type=float, default=5.0)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return

    sys.path.append(str(ROOT))
    from tests.pathological import INPUTS

    names = [n for n in args.only.split(",") if n] or list(INPUTS)
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [(name, size) for name in names for size in sizes]
    if not args.only:
        cases += [("prose", int(float(mb) * 1_000_000)) for mb in args.prose_mb.split(",") if mb]
    with tempfile.TemporaryDirectory(prefix="amts-old-") as old_tree:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.old, "amts"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", old_tree], input=archive, check=True)
        print(f"# pathological inputs carried as a new file; old = {args.old}, new = this tree")
        print(f"# limit {args.limit:.0f} s per run; bound = {args.base} s + {args.per_mb} s/MB")
        print(f"# {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} (the machine is shared)")
        header = f"{'input':<26} {'size':>9} {'old':>18} {'new':>18} {'old/new':>8} "
        print(header + f"{'bound':>7}  within  outcome")
        over = 0
        for name, size in cases:
            old = run(Path(old_tree), name, size, args.limit)
            new = run(ROOT, name, size, args.limit)
            bound = args.base + args.per_mb * size / 1_000_000
            within = new["seconds"] is not None and new["outcome"] != "timeout"
            within = within and new["seconds"] <= bound
            over += not within
            if new["seconds"] and old["outcome"] == "timeout":
                ratio = f">{args.limit / max(new['seconds'], 0.01):.0f}×"
            elif new["seconds"] and old["seconds"]:
                ratio = f"{old['seconds'] / max(new['seconds'], 0.01):.1f}×"
            else:
                ratio = "-"
            print(
                f"{name:<26} {size:>9,} {shown(old, args.limit):>18} {shown(new, args.limit):>18}"
                f" {ratio:>8} {bound:>5.1f} s  {'yes' if within else 'NO':<6}  {new['outcome']}"
            )
        print(f"# {len(cases) - over} of {len(cases)} runs within their bound")


if __name__ == "__main__":
    main()
