"""Fast by construction (issue 13): each figure beside the peer it replaces, in one run.

Over the pinned d2l books in ``../shared/d2l`` (memory engine), five sections:

``ack``      webhook acknowledgement p99 while a d2l first sync runs in ``amts serve``: its
             defaults (worker processes, one per core) beside ``--in-process --workers 2``
             (the job threads inside the web process it had before). 500 signed deliveries
             from 4 clients, fired once the sync has started; goal ≤ 50 ms.
``workers``  two targets' first syncs (zh and pt, one push): ``amts serve`` defaults beside
             ``--workers 1``, and beside ``--workers 1`` mining on one core (the App the
             issue measured; the bench holds the other cores' locks, :mod:`amts.cores`);
             goal ≥ 1.8× on 2 cores. Peak memory (VmHWM) of every worker process is
             printed; goal < 200 MB each.
``premine``  a target's first pull request after the installation's premine job mined its
             memory, beside a first pull request that mines it on the push; goal ≤ 1.5 s.
``changed``  ``amts sync`` of every English file the zh translation is behind on (its
             ``_origin.md`` files against the pinned English): first (no memory, no
             cache), with a cached memory and no alignment cache (the figure before the
             cache), and warm (memory and alignment cache), pinned to one core (the
             files carried in one process) and with every core; goal warm ≤ 4 s.
``corpus``   ``amts parallel-data`` of the whole d2l-zh: without ``AMTS_DATA_DIR`` (a cache
             for the run only), with an empty one (cold) and again (warm); all align
             across processes when cold; outputs compared byte for byte; goals ≤ 5 s
             cold, ≤ 3 s warm.

Every timed App run starts from empty caches (memory and alignments) and warm mirrors.

    python bench/speed_bench.py [--runs 1] [--only ack,workers,premine,changed,corpus]

Exit status 2 when ``../shared/d2l`` is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import push_to_pr_bench
from push_to_pr_bench import (
    AMTS,
    SECRET,
    amts_serve,
    cache_memory,
    commit,
    d2l_book,
    wait_log,
    write_followed_english,
)
from webhook_bench import fire, make_deliveries

from amts import cores
from bot.demo import deliver, git, init_repo, load_emulator, push_payload

ROOT = Path(__file__).resolve().parents[1]
#: The pinned books: ``../shared/d2l`` beside the project (``AMTS_BENCH_SHARED`` names
#: another ``shared`` folder, e.g. from a git worktree).
SHARED_D2L = Path(os.environ.get("AMTS_BENCH_SHARED") or ROOT.parent / "shared") / "d2l"
push_to_pr_bench.SHARED_D2L = SHARED_D2L
SOURCE, ZH, PT = "bench/book-en", "bench/book-zh", "bench/book-pt"
ZH_TARGET = f"  - repo: {ZH}\n    lang: zh\n    glossary: TERMINOLOGY.md\n"
PT_TARGET = f"  - repo: {PT}\n    lang: pt\n"
CONFIG = "source_lang: en\ntargets:\n{targets}engine: memory\nbranch: amts/sync\n"
SECTIONS = ("ack", "workers", "premine", "changed", "corpus")


def load_note() -> str:
    load = os.getloadavg()
    return f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"


# -- the App against the emulator ---------------------------------------------------------


def serve(
    github: Any, data_dir: Path, log: Path, args: Sequence[str], extra: dict[str, str] | None = None
) -> contextlib.AbstractContextManager[tuple[str, int]]:
    """``amts serve ARGS`` as the emulator's App, with no scheduled reconcile (and premine)
    mid-bench; yields its URL and process id."""
    return amts_serve(
        github, data_dir, log, args, {**(extra or {}), "AMTS_RECONCILE_MINUTES": "1440"}
    )


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (worker processes and the ones they spawn)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def clean(data_dir: Path) -> None:
    """A target never seen: no memory, no alignments, no premine marker (mirrors stay)."""
    for folder in ("memory", "align-cache"):
        shutil.rmtree(data_dir / folder, ignore_errors=True)


def reset(github: Any, repos: Sequence[str]) -> None:
    for repo in repos:
        for pull in github.pulls(repo, state="open"):
            github.close_pr(repo, pull["number"])
            github.delete_branch(repo, pull["head"]["ref"])


def wait_pulls(github: Any, repos: Sequence[str], log: Path, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not all(github.pulls(repo, state="open") for repo in repos):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no pull requests after {timeout:g} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)


class World:
    """The d2l English, zh and (``pt``) pt repositories in the emulator; the book's
    config names the targets, so one push syncs each."""

    def __init__(self, root: Path, pt: bool = True) -> None:
        book = d2l_book(root / "repos")
        self.targets = (ZH, PT) if pt else (ZH,)
        config = CONFIG.format(targets=ZH_TARGET + (PT_TARGET if pt else ""))
        (book.english / ".github" / "amts.yml").write_text(config, encoding="utf-8")
        git(book.english, "add", "-A")
        git(book.english, "commit", "-q", "--allow-empty", "-m", "Configure the targets")
        self.before = book.before
        self.after = git(book.english, "rev-parse", "HEAD")
        pt = root / "repos" / "d2l-pt"
        init_repo(pt, "Portuguese Translator")
        shutil.copytree(SHARED_D2L / "pt", pt, dirs_exist_ok=True)
        commit(pt, "The Portuguese translation")
        self.english, self.chinese, self.portuguese = book.english, book.chinese, pt
        self.root = root

    @contextmanager
    def github(self) -> Iterator[Any]:
        emulator = load_emulator()
        self.emulators = getattr(self, "emulators", 0) + 1  # each emulator its own folder
        with emulator.GitHubEmulator(self.root / f"github-{self.emulators}") as github:
            github.add_repo(SOURCE, self.english)
            github.add_repo(ZH, self.chinese)
            github.add_repo(PT, self.portuguese)
            yield github

    def push(self, github: Any) -> dict[str, Any]:
        return push_payload(github, SOURCE, self.before, self.after)


def timed_syncs(world: World, github: Any, url: str, data_dir: Path, log: Path) -> float:
    """Seconds from a push to every target's pull request, from empty caches; returns when
    the jobs are done too (a job's tail, its status views, must not delay the next run)."""
    reset(github, world.targets)
    clean(data_dir)
    done = log.read_text("utf-8", "replace").count("sync.done")
    started = time.monotonic()
    if deliver(url, SECRET, "push", world.push(github)) != 202:
        raise RuntimeError("the push was not accepted")
    wait_pulls(github, world.targets, log)
    seconds = time.monotonic() - started
    wait_log(log, "sync.done", done + len(world.targets))
    return seconds


# -- sections -------------------------------------------------------------------------------


def section_workers(world: World, runs: int) -> None:
    print(f"\n[workers] two targets' first syncs (zh {ZH}, pt {PT}) from one push; {load_note()}")
    figures: dict[str, list[float]] = {}
    peaks: list[float] = []
    spare = cores.available_cores() - 1
    configurations = (
        ("amts serve (defaults)", (), 0),
        ("amts serve --workers 1", ("--workers", "1"), 0),
        # the App the issue measured: one worker, mining in its own process only
        ("--workers 1, mining on 1 core", ("--workers", "1"), spare),
    )
    for label, args, held in configurations:
        data_dir = world.root / f"data-workers-{len(figures)}"
        log = world.root / f"serve-workers-{len(figures)}.log"
        # the bench holds ``held`` of the cores amts serve sees (amts.cores): its jobs
        # find them busy and mine in fewer processes
        locks = world.root / f"cores-{len(figures)}"
        with (
            cores.claim(held, locks),
            world.github() as github,
            serve(github, data_dir, log, args, {cores.DIR_VARIABLE: str(locks)}) as (url, pid),
        ):
            timed_syncs(world, github, url, data_dir, log)  # warms the mirrors
            times = [timed_syncs(world, github, url, data_dir, log) for _ in range(runs)]
            if not args:
                peaks = [peak_mb(child) for child in descendants(pid)]
        figures[label] = times
        print(f"  {label:32} median {statistics.median(times):6.2f} s  (runs: {_runs(times)})")
    default, *peers = (statistics.median(t) for t in figures.values())
    for (label, _, _), peer in zip(configurations[1:], peers, strict=True):
        print(f"  speed-up over {label:32} {peer / default:.2f}×")
    print(
        f"  goal ≥ 1.8× over one worker: {_met(peers[-1] / default >= 1.8)} against the one"
        f" the issue measured (mining on one core), {_met(peers[0] / default >= 1.8)} against"
        " one worker that mines on every core"
    )
    if peaks:
        print(
            f"  peak memory of each worker process: {', '.join(f'{p:.0f}' for p in peaks)} MB"
            f"  goal < 200 MB: {_met(max(peaks) < 200)}"
        )


def section_ack(world: World, deliveries: int, clients: int) -> None:
    print(
        f"\n[ack] {deliveries} signed deliveries from {clients} clients while a d2l first sync "
        f"runs; {load_note()}"
    )
    results = {}
    for label, args in (
        ("amts serve (defaults)", ()),
        ("amts serve --in-process --workers 2", ("--in-process", "--workers", "2")),
    ):
        data_dir = world.root / f"data-ack-{len(results)}"
        log = world.root / f"serve-ack-{len(results)}.log"
        with world.github() as github, serve(github, data_dir, log, args) as (url, _):
            timed_syncs(world, github, url, data_dir, log)  # warms the mirrors
            reset(github, world.targets)
            clean(data_dir)
            text = log.read_text("utf-8", "replace")
            done_before, started_before = (
                text.count("sync.done"),
                text.count("sync.started subject"),
            )
            deliver(url, SECRET, "push", world.push(github))
            wait_log(log, "sync.started subject", started_before + 1)  # the first sync is running
            port = int(url.rsplit(":", 1)[1])
            latencies, statuses, seconds = fire(
                port, make_deliveries(deliveries, 0.02, secret=SECRET), clients
            )
            running = log.read_text("utf-8", "replace").count("sync.done") - done_before < 2
            wait_pulls(github, world.targets, log)
        latencies.sort()
        p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]
        results[label] = p99
        print(
            f"  {label:36} p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  "
            f"{len(latencies) / seconds:5.0f}/s  statuses {dict(statuses)}"
            f"  {'a sync ran throughout' if running else 'the syncs ended before the last answer'}"
        )
    default, threads = results.values()
    print(
        f"  p99 {default * 1000:.1f} ms vs {threads * 1000:.1f} ms ({threads / default:.1f}×)"
        f"  goal ≤ 50 ms: {_met(default <= 0.050)}"
    )


def section_premine(root: Path, runs: int) -> None:
    print(f"\n[premine] a target's first pull request (zh, one push); {load_note()}")
    world = World(root / "world-zh", pt=False)
    data_dir = world.root / "data-premine"
    log = world.root / "serve-premine.log"
    mined, premined = [], []
    with world.github() as github, serve(github, data_dir, log, ()) as (url, _):
        timed_syncs(world, github, url, data_dir, log)  # warms the mirrors
        for _ in range(runs):
            mined.append(timed_syncs(world, github, url, data_dir, log))
            reset(github, world.targets)
            clean(data_dir)
            done = log.read_text("utf-8", "replace").count("premine.done")
            installation = push_payload(github, SOURCE, world.before, world.after)["installation"]
            event = {
                "action": "created",
                "installation": installation,
                "sender": {"login": "maintainer", "type": "User"},
            }
            if deliver(url, SECRET, "installation", event) not in (200, 202):
                raise RuntimeError("the installation event was not accepted")
            wait_log(log, "premine.done", done + 1)
            synced = log.read_text("utf-8", "replace").count("sync.done")
            started = time.monotonic()
            deliver(url, SECRET, "push", world.push(github))
            wait_pulls(github, world.targets, log)
            premined.append(time.monotonic() - started)
            wait_log(log, "sync.done", synced + 1)  # its tail must not slow the next run
    print(
        f"  mined on the first push     median {statistics.median(mined):6.2f} s  "
        f"(runs: {_runs(mined)})"
    )
    print(
        f"  memory premined             median {statistics.median(premined):6.2f} s  "
        f"(runs: {_runs(premined)})  goal ≤ 1.5 s: {_met(statistics.median(premined) <= 1.5)}"
    )


def section_changed(root: Path, runs: int) -> None:
    """``amts sync`` of everything the zh translation is behind on."""
    english, chinese = root / "changed-en", root / "changed-zh"
    init_repo(english, "English Author")
    write_followed_english(english)
    before = commit(english, "The English the translation follows")
    shutil.copytree(SHARED_D2L / "en", english, dirs_exist_ok=True)
    after = commit(english, "The pinned English")
    changed = git(english, "diff", "--name-only", before, after, "--", "*.md").split()
    init_repo(chinese, "Chinese Translator")
    shutil.copytree(SHARED_D2L / "zh", chinese, dirs_exist_ok=True)
    commit(chinese, "The Chinese translation")
    memory = cache_memory(chinese, root / "changed-memory")
    print(
        f"\n[changed] amts sync of {len(changed)} changed English files into d2l-zh; {load_note()}"
    )
    print(f"  {followed_count(changed)}")
    data_dir = root / "data-changed"
    rows = (  # label, alignment cache, memory, the only core (none: all of them)
        ("first (no memory, no cache)", False, None, None),
        ("cached memory, no alignment cache", False, memory, None),
        ("warm, one core (taskset -c 0)", True, memory, "0"),
        ("warm (memory and alignment cache)", True, memory, None),
    )
    warm_seconds = None
    for label, cached, tsv, core in rows:
        times, cpu = [], []
        for run in range(runs + (1 if cached else 0)):  # a warm row's run 0 fills the cache
            args = [
                "sync",
                "--source-repo",
                str(english),
                "--target-repo",
                str(chinese),
                "--tgt-lang",
                "zh",
                "--glossary",
                str(chinese / "TERMINOLOGY.md"),
                "--from",
                before,
                "--to",
                after,
                "--branch",
                f"amts/bench-{len(times)}-{time.monotonic_ns()}",
            ]
            if tsv is not None and tsv.is_file():
                args += ["--parallel-data", str(tsv)]
            seconds, _ = _amts(args, data_dir if cached else None, core=core)
            if not cached or run:
                times.append(seconds)
                cpu.append(LAST_CPU[0])
        median = statistics.median(times)
        warm_seconds = median if cached and core is None else warm_seconds
        print(
            f"  {label:36} median {median:6.2f} s  (runs: {_runs(times)})  "
            f"CPU {statistics.median(cpu):.2f} s"
        )
    assert warm_seconds is not None
    print(f"  warm goal ≤ 4 s: {_met(warm_seconds <= 4.0)}")


def section_corpus(root: Path, runs: int) -> None:
    print(f"\n[corpus] amts parallel-data of the whole d2l-zh (with its glossary); {load_note()}")
    base = [
        "parallel-data",
        "--source-repo",
        str(SHARED_D2L / "en"),
        "--target-repo",
        str(SHARED_D2L / "zh"),
        "--tgt-lang",
        "zh",
        "--glossary",
        str(SHARED_D2L / "zh" / "TERMINOLOGY.md"),
    ]
    outputs, figures = {}, {}
    for label in ("no AMTS_DATA_DIR", "cold cache", "warm cache"):
        times, peaks, cpu = [], [], []
        for run in range(runs):
            data_dir = root / f"data-corpus-{run}"
            if label == "cold cache":
                shutil.rmtree(data_dir, ignore_errors=True)
            out = root / f"corpus-{label.split()[0]}-{run}.tsv"
            seconds, peak = _amts(
                [*base, "-o", str(out)], None if label.startswith("no") else data_dir
            )
            times.append(seconds)
            cpu.append(LAST_CPU[0])
            peaks.append(peak)
            outputs.setdefault(label, out.read_bytes())
        figures[label] = statistics.median(times)
        print(
            f"  {label:20} median {figures[label]:6.2f} s  (runs: {_runs(times)})  "
            f"CPU {statistics.median(cpu):.2f} s  peak {max(peaks):.0f} MB (largest process)"
        )
    same = len(set(outputs.values())) == 1
    print(f"  outputs byte-identical: {same}")
    print(
        f"  goals: cold ≤ 5 s {_met(figures['cold cache'] <= 5)}, warm ≤ 3 s "
        f"{_met(figures['warm cache'] <= 3)}"
    )


def followed_count(changed: Sequence[str]) -> str:
    """What the changed files are of the files d2l-zh follows (its ``_origin.md`` files):
    issue 13 counted all of them (139); those the pinned English no longer has (its
    chapters were reorganised) stay in the bench's English as they were, unchanged."""
    followed = {
        str(origin.relative_to(SHARED_D2L / "zh")).removesuffix("_origin.md") + ".md"
        for origin in (SHARED_D2L / "zh").rglob("*_origin.md")
    }
    gone = {path for path in followed if not (SHARED_D2L / "en" / path).is_file()}
    same = followed - gone - set(changed)
    return (
        f"of the {len(followed)} files d2l-zh follows: {len(set(changed) & followed)} changed, "
        f"{len(same)} the same as the pinned English, {len(gone)} no longer in it (moved "
        "chapters; not part of the range)"
    )


# -- helpers --------------------------------------------------------------------------------


#: CPU seconds (user + system, children included) of the last :func:`_amts` run: on a
#: shared machine the wall time also counts other people's work.
LAST_CPU = [0.0]


def _amts(
    args: list[str], data_dir: Path | None, check: bool = True, core: str | None = None
) -> tuple[float, float]:
    """Run ``amts ARGS`` (start-up included), on ``core`` alone if given; its seconds and
    the peak memory in MB of its largest process (children included); its CPU time goes
    to :data:`LAST_CPU`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTS_")}
    if data_dir is not None:
        env["AMTS_DATA_DIR"] = str(data_dir)
    with tempfile.TemporaryFile() as err:
        started = time.monotonic()
        pinned = ["taskset", "-c", core] if core is not None else []
        process = subprocess.Popen(
            [*pinned, *AMTS, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        # wait4: this child's own usage, its peak the largest of it and its children's.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if check and process.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"amts {args[0]} failed: {message}")
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="timed runs per figure (median)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma-separated")
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    sections = args.only.split(",")
    if unknown := set(sections) - set(SECTIONS):
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    if not SHARED_D2L.is_dir():
        print(f"{SHARED_D2L} is absent: nothing to measure")
        return 2
    print(
        f"issue 13 speed bench: {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.runs} timed run(s) per figure; {load_note()}"
    )
    with tempfile.TemporaryDirectory(prefix="amts-speed-bench-") as tmp:
        root = Path(tmp)
        world = World(root / "world") if {"ack", "workers"} & set(sections) else None
        for section in sections:
            if section == "ack":
                section_ack(world, args.deliveries, args.clients)
            elif section == "workers":
                section_workers(world, args.runs)
            elif section == "premine":
                section_premine(root, args.runs)
            elif section == "changed":
                section_changed(root, args.runs)
            elif section == "corpus":
                section_corpus(root, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
