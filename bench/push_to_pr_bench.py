"""Push to pull request: how long after a signed push the translation's pull request exists,
beside ``amts sync`` on the same change (the App's overhead as a ratio).

The App runs as ``amts serve`` in a process of its own (SQLite queue, 2 worker processes,
memory engine), talking over HTTP to the GitHub emulator in this process. Two books:

  (a) the sample book (``examples/book``: en → en-next, into zh);
  (b) a d2l-size book from ``../shared/d2l`` at the pinned revisions: an English
      repository whose translated files are the English the zh translation follows (its
      ``X_origin.md`` files, over the rest of the pinned English), the whole zh book as
      the target, and a real English change: two sections set to their newer upstream
      English (``selecting-servers-gpus``: four sentences reworded; ``rmsprop``: a
      citation role and code tab markers).

Mirrors are warm: one untimed run first. A timed run closes the previous pull request,
deletes its branch (a clean slate, as after a merge) and delivers the same push again with
a new delivery id; the clock runs from the POST until the emulator holds the open pull
request. ``amts sync`` is timed the same way on local clones (the command, start-up
included), on a new branch each run. Each book is measured twice: a target's first sync,
which mines the translation memory from the target (``amts sync``'s default; the cache is
removed before each timed run), and a later sync, with the memory the App caches after
its first sync or a merged sync PR (``<data dir>/memory``, written here by
``bot.sync.refresh``'s code; ``amts sync`` gets the same file as ``--parallel-data``).
Figures are printed, not asserted; goal ≤ 15 s and overhead ≤ 1.5×.

    python bench/push_to_pr_bench.py [--runs 3]

Exit status 2 when ``../shared/d2l`` is absent (after running the sample book).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amts.align.cache import CACHE_DIR
from bot.demo import deliver, git, init_repo, load_emulator, make_sample_repos, push_payload
from bot.sync.refresh import MEMORY_DIR

ROOT = Path(__file__).resolve().parents[1]
SHARED_D2L = ROOT.parent / "shared" / "d2l"
SOURCE, TARGET = "bench/book-en", "bench/book-zh"
BRANCH = "amts/sync"
AMTS = [sys.executable, "-c", "from bot.cli import main; main()"]
SECRET = "push-to-pr-bench-secret"
D2L_CHANGES = (
    "chapter_appendix-tools-for-deep-learning/selecting-servers-gpus.md",
    "chapter_optimization/rmsprop.md",
)
CONFIG = f"""\
source_lang: en
targets:
  - repo: {TARGET}
    lang: zh
    glossary: TERMINOLOGY.md
engine: memory
branch: {BRANCH}
"""
GOAL_SECONDS, GOAL_RATIO = 15.0, 1.5


@dataclass
class Book:
    label: str
    english: Path
    chinese: Path
    before: str
    after: str
    files: int  # markdown files in the target


def commit(path: Path, message: str) -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD")


def sample_book(root: Path) -> Book:
    english, chinese, before, after = make_sample_repos(ROOT / "examples" / "book", root)
    config = english / ".github" / "amts.yml"
    # The demo's config names the demo's repositories; the bench's are named here.
    config.write_text(CONFIG, encoding="utf-8")
    git(english, "add", "-A")
    git(english, "commit", "-q", "--amend", "--no-edit")
    after = git(english, "rev-parse", "HEAD")
    return Book("sample book", english, chinese, before, after, _count(chinese))


def write_followed_english(english: Path) -> None:
    """The pinned English book with each file the zh translation follows replaced by its
    ``_origin.md``: the English the translation was made from."""
    shutil.copytree(SHARED_D2L / "en", english, dirs_exist_ok=True)
    for origin in (SHARED_D2L / "zh").rglob("*_origin.md"):
        relative = origin.relative_to(SHARED_D2L / "zh")
        target = english / relative.parent / relative.name.replace("_origin.md", ".md")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, target)


def d2l_book(root: Path) -> Book:
    """The English the zh translation follows, then a real upstream English change."""
    english, chinese = root / "d2l-en", root / "d2l-zh"
    init_repo(english, "English Author")
    write_followed_english(english)
    (english / ".github").mkdir(exist_ok=True)
    (english / ".github" / "amts.yml").write_text(CONFIG, encoding="utf-8")
    before = commit(english, "The English the translation follows")
    for relative in D2L_CHANGES:
        shutil.copyfile(SHARED_D2L / "en" / relative, english / relative)
    after = commit(english, "Reword two sections")
    init_repo(chinese, "Chinese Translator")
    shutil.copytree(SHARED_D2L / "zh", chinese, dirs_exist_ok=True)
    commit(chinese, "The Chinese translation")
    return Book("d2l en → zh", english, chinese, before, after, _count(chinese))


def _count(repo: Path) -> int:
    return sum(1 for _ in repo.rglob("*.md") if ".git" not in _.parts)


@contextmanager
def amts_serve(
    github: Any,
    data_dir: Path,
    log: Path,
    args: Sequence[str] = ("--workers", "2"),
    extra: dict[str, str] | None = None,
) -> Iterator[tuple[str, int]]:
    """``amts serve ARGS`` in its own process, acting as the emulator's App (``extra``: more
    environment); yields its URL and process id."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMTS_", "GIT_"))}
    env.update(extra or {})
    env.update(
        AMTS_WEBHOOK_SECRET=SECRET,
        AMTS_GITHUB_APP_ID=str(github.app_id),
        AMTS_GITHUB_PRIVATE_KEY=github.private_key_pem,
        AMTS_GITHUB_API_URL=github.api_url,
        AMTS_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*AMTS, "serve", "--port", "0", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not (
            found := re.search(r"listening on (http://\S+)", log.read_text(errors="replace"))
        ):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"amts serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
        yield found.group(1), process.pid
    finally:
        process.terminate()
        process.wait(timeout=120)


def wait_log(log: Path, text: str, count: int = 1, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while log.read_text("utf-8", "replace").count(text) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{text!r} never logged:\n{log.read_text()[-3000:]}")
        time.sleep(0.01)


def wait_for_pull(github: Any, log: Path, timeout: float = 600.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        pulls = github.pulls(TARGET, state="open")
        if pulls:
            return pulls[0]
        if time.monotonic() > deadline:
            raise RuntimeError(f"no pull request after {timeout:g} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)


def reset(github: Any) -> None:
    """Close the open sync pull request and delete its branch: the next push opens anew."""
    for pull in github.pulls(TARGET, state="open"):
        github.close_pr(TARGET, pull["number"])
        github.delete_branch(TARGET, pull["head"]["ref"])


def cache_memory(chinese: Path, data_dir: Path) -> Path:
    """The translation memory a merged sync PR leaves in the App's cache (``bot.sync.refresh``'s
    code, on the target's head, under the emulator's installation 1); also handed to
    ``amts sync --parallel-data``."""
    from amts.sync.git import GitRepo
    from bot.sync.refresh import MemoryCache, mine
    from bot.work.jobs import Tenant

    with GitRepo(chinese, "target") as target:
        rev = target.resolve("HEAD")
        pairs = mine(target, rev, None, None, src_lang="en", tgt_lang="zh")
    cache = MemoryCache.of(data_dir, Tenant(1, SOURCE, TARGET), "zh")
    cache.write(pairs, "en", "zh", rev)
    return cache.tsv


def time_bot(
    book: Book, root: Path, runs: int, cached: bool
) -> tuple[list[float], dict[str, Any], Path | None]:
    emulator = load_emulator()
    log = root / "amts-serve.log"
    data_dir = root / "amts-data"
    memory = cache_memory(book.chinese, data_dir) if cached else None
    times: list[float] = []
    with emulator.GitHubEmulator(root / "github") as github:
        github.add_repo(SOURCE, book.english)
        github.add_repo(TARGET, book.chinese)
        payload = push_payload(github, SOURCE, book.before, book.after)
        with amts_serve(github, data_dir, log) as (url, _):
            pull: dict[str, Any] = {}
            for run in range(runs + 1):  # run 0 warms the mirrors, untimed
                reset(github)
                if not cached:  # every timed run is a target's first sync: it mines
                    shutil.rmtree(data_dir / MEMORY_DIR, ignore_errors=True)
                    shutil.rmtree(data_dir / CACHE_DIR, ignore_errors=True)
                done = log.read_text("utf-8", "replace").count("sync.done")
                started = time.monotonic()
                status = deliver(url, SECRET, "push", payload)
                if status != 202:
                    raise RuntimeError(f"the push was answered {status}")
                pull = wait_for_pull(github, log)
                if run:
                    times.append(time.monotonic() - started)
                # the job's tail (its status views) holds the target's lock: the next push
                # would wait for it
                wait_log(log, "sync.done", done + 1)
            files = github.git(
                TARGET, "diff", "--name-only", f"{pull['base']['sha']}...{pull['head']['sha']}"
            ).splitlines()
    return times, {"title": pull["title"], "files": files}, memory


def time_amts_sync(book: Book, runs: int, memory: Path | None, tag: str) -> list[float]:
    times = []
    for run in range(runs + 1):  # run 0 warms the file cache, untimed
        extra = ["--parallel-data", str(memory)] if memory else []
        started = time.monotonic()
        done = subprocess.run(
            [
                *AMTS,
                "sync",
                "--source-repo",
                str(book.english),
                "--target-repo",
                str(book.chinese),
                "--tgt-lang",
                "zh",
                "--glossary",
                str(book.chinese / "TERMINOLOGY.md"),
                "--from",
                book.before,
                "--to",
                book.after,
                "--branch",
                f"amts/bench-{tag}-{run}",
                *extra,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"amts sync failed ({done.returncode}): {done.stderr.strip()}")
        if run:
            times.append(time.monotonic() - started)
    return times


def measure(book: Book, root: Path, runs: int, cached: bool) -> None:
    tag = "cached" if cached else "mined"
    bot, pull, memory = time_bot(book, root / f"bot-{tag}", runs, cached)
    cli = time_amts_sync(book, runs, memory, tag)
    bot_s, cli_s = statistics.median(bot), statistics.median(cli)
    ratio = bot_s / cli_s
    how = (
        "later syncs: translation memory cached by the first sync or a merged sync PR "
        "(amts sync --parallel-data)"
        if cached
        else "a target's first sync: translation memory mined from the target"
    )
    print(f"\n{book.label}, {book.files} markdown files in the target; {how}")
    print(f"  pull request: {pull['title']!r}, {len(pull['files'])} files changed")
    print(
        f"  push → PR     median {bot_s:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in bot)})"
        f"  goal ≤ {GOAL_SECONDS:g} s: {'met' if bot_s <= GOAL_SECONDS else 'NOT met'}"
    )
    print(f"  amts sync     median {cli_s:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in cli)})")
    print(
        f"  overhead      {ratio:.2f}×  goal ≤ {GOAL_RATIO:g}×: "
        f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per book (median)")
    args = parser.parse_args()
    print(
        f"push to PR: amts serve (SQLite, 2 worker processes, memory engine), warm mirrors, "
        f"{args.runs} timed runs; {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="amts-push-bench-") as tmp:
        root = Path(tmp)
        sample = sample_book(root / "sample")
        for cached in (False, True):
            measure(sample, root / "sample", args.runs, cached)
        if not SHARED_D2L.is_dir():
            print(f"\n{SHARED_D2L} is absent: the d2l-size book was not measured")
            return 2
        d2l = d2l_book(root / "d2l")
        for cached in (False, True):
            measure(d2l, root / "d2l", args.runs, cached)
    return 0


if __name__ == "__main__":
    sys.exit(main())
