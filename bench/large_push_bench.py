"""A very large push: thousands of new English files in one commit, carried by
``amts sync`` into a zh translation, with this tree's code and with an older revision's
(default ``main``) in the same run. Prints the wall time and peak memory of each.

The English book is the sample book (``examples/book``) plus ``--files`` new files of
about 3 KB of prose each (generated, each one different), added in one commit; the target
is the sample book's zh translation, following the English before that commit. Each run
is ``python -m amts.cli sync`` in a process of its own on a fresh clone (memory engine,
translation memory mined from the target), timed from outside; peak memory is its
``ru_maxrss`` (git's children included).

    python bench/large_push_bench.py [--files 3000] [--old main] [--app]

With ``--app`` each run is the App's sync instead (``Synchronizer.run`` with the pull
request's history, as ``bot.sync.run`` calls it, in a child process of its own); its
peak is the child's own ``ru_maxrss``, no git or prefill process in it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gitrepos import GitDir, english_book, zh_book  # noqa: E402

PARAGRAPH = (
    "Section {n} explains how model {n} learns from data. Each layer of network {n} "
    "transforms its input, and training adjusts weight {n} by gradient descent. "
    "We evaluate variant {n} on a held-out set before we trust it.\n\n"
)


def new_file(n: int) -> str:
    return f"# Topic {n}\n\n" + "".join(PARAGRAPH.format(n=n * 10 + k) for k in range(10))


def books(root: Path, count: int) -> tuple[GitDir, GitDir, str]:
    english = english_book(root)
    base = english.rev("HEAD")
    for n in range(count):
        english.write(f"chapter_many/topic_{n:05d}.md", new_file(n))
    english.commit(f"Add {count} files")
    chinese = zh_book(root)
    return english, chinese, base


APP_CHILD = """
import inspect, json, resource, sys
from amts.cli.base import make_updater
from amts.sync.git import GitRepo
from amts.sync.synchronizer import Synchronizer
english, target, base = sys.argv[1:4]
updater = make_updater("memory", src_lang="en", tgt_lang="zh", parallel_data=None, glossary=None)
kept = "keep_reports" in inspect.signature(Synchronizer).parameters  # older code keeps all
lean = {"keep_reports": False} if kept else {}
with GitRepo(english, "source") as source, GitRepo(target, "target") as repo:
    result = Synchronizer(source, repo, updater, **lean).run(base, None, None, history=True)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"carried": len(result.carried), "peak_kb": peak}))
"""


def run_app(tree: Path, english: Path, target: Path, base: str, work: Path) -> tuple[float, float]:
    """The App's sync with ``tree``'s code on a fresh clone: seconds and the child's peak MB."""
    clone = work / "target"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(target), str(clone)], check=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-c", APP_CHILD, str(english), str(clone), base]
    started = time.perf_counter()
    # Run from ``work``: python -c and -m put the working directory first on sys.path,
    # and this checkout's amts would shadow the tree's.
    done = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the App's sync failed ({done.returncode}):\n{done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"    {figures['carried']} files carried")
    return seconds, figures["peak_kb"] / 1024


def run(tree: Path, english: Path, target: Path, base: str, work: Path) -> tuple[float, float]:
    """``amts sync`` with ``tree``'s code on a fresh clone: seconds and peak MB."""
    clone = work / "target"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(target), str(clone)], check=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    stats = work / "rusage"
    child = (
        "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
        "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN)"
        ".ru_maxrss)); sys.exit(code)"
    )
    command = [sys.executable, "-c", child, str(stats), sys.executable, "-m", "amts.cli"]
    command += ["sync", "--source-repo", str(english), "--target-repo", str(clone)]
    command += ["--tgt-lang", "zh", "--from", base]
    started = time.perf_counter()
    # Run from ``work``: python -c and -m put the working directory first on sys.path,
    # and this checkout's amts would shadow the tree's.
    done = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"amts sync failed ({done.returncode}):\n{done.stderr[-2000:]}")
    print("   ", " | ".join(done.stderr.strip().splitlines()[:2])[:160])
    return seconds, int(stats.read_text()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--old", default="main")
    parser.add_argument("--app", action="store_true", help="the App's sync, not amts sync")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="amts-large-push-") as tmp:
        root = Path(tmp)
        old_tree = root / "old"
        old_tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.old, "amts"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
        english, chinese, base = books(root / "books", args.files)
        how = "the App's sync (with the PR history)" if args.app else "amts sync"
        print(f"# {args.files} new files of {len(new_file(0)):,} bytes in one push; {how}")
        print(f"# {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} (the machine is shared)")
        results = {}
        for label, tree in (("new", ROOT), ("old", old_tree)):
            print(f"{label} ({'this tree' if label == 'new' else args.old}):")
            measure = run_app if args.app else run
            seconds, peak = measure(tree, english.path, chinese.path, base, root)
            results[label] = (seconds, peak)
            print(f"    {seconds:.1f} s, peak {peak:.0f} MB")
        (new_s, new_mb), (old_s, old_mb) = results["new"], results["old"]
        print(f"old/new: time {old_s / new_s:.2f}×, peak memory {old_mb / new_mb:.2f}×")


if __name__ == "__main__":
    main()
