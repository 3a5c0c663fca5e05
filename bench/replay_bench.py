"""Targeted updates on real d2l-zh sync commits, beside the naive baselines, in one run.

Uses ``../shared/bench/replay-dev``: its ``score.py`` runs each tool on every case
(old English, new English, old Chinese) and compares the output with what the
maintainers committed. AMTS runs ``amts update-file --engine memory`` with a
translation memory mined from the rest of the Chinese book (every file of a
replay case is left out of it, so no case can find its own future translation).

Cost: characters AMTS hands to an engine (after the memory lookup), beside the
characters of the English sentences that changed (sentences of the new English
that the old English does not have, counted here independently) and beside the
characters of re-translating the changed files whole.

The 16 dev cases are split in two halves by file path (the sorted unique paths at
even positions form half A, at odd positions half B), so that a rule chosen on one
half can be checked on the other: a rule is chosen on A, B is held out. By default
every tool runs once over all cases and the figures are printed for A, B and all.
``--losses`` prints, for AMTS, each case's figures and the blocks it lost: kept blocks it
changed, stale blocks it left, labels it lost. Study them on half A only.

    python bench/replay_bench.py [--jobs 2] [--half A|B|all] [--losses]

``../shared`` is found beside the project, or where ``AMTS_SHARED`` (or
``AMTS_BENCH_SHARED``) says.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from amts.align.aligner import sentence_segments
from amts.align.glossary import load_glossary
from amts.book import document
from amts.book.document import Document
from amts.corpus import formats
from amts.corpus.parallel import CorpusBuilder, find_file_pairs, unit_text
from amts.engines import create_engine
from amts.files import atomic_output
from amts.memory import TranslationMemory
from amts.update.diff import normalize
from amts.update.updater import Updater

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(
    os.environ.get("AMTS_SHARED") or os.environ.get("AMTS_BENCH_SHARED") or ROOT.parent / "shared"
)
REPLAY = SHARED / "bench" / "replay-dev"
ZH = SHARED / "d2l" / "zh"
GLOSSARY = ZH / "TERMINOLOGY.md"
METRICS = ("keep", "stale", "code", "labels", "chrf")
GOALS = {"keep": 0.99, "stale": 0.95, "code": 1.0, "labels": 0.99}

BASELINES = {
    "do nothing": "cp {old_zh} {out}",
    "new English": "cp {new_en} {out}",
    "line patch": "python3 baselines/linepatch.py {old_en} {new_en} {old_zh} {out}",
    "3-way merge": "sh baselines/merge.sh {old_en} {new_en} {old_zh} {out}",
    "merge, theirs": "sh baselines/merge.sh {old_en} {new_en} {old_zh} {out} --theirs",
}


def case_dirs() -> list[Path]:
    splits = json.loads((REPLAY / "splits.json").read_text())
    return [REPLAY / "cases" / case for case in splits["dev"]]


def case_path(case: Path) -> str:
    """The book file a case changes."""
    return json.loads((case / "meta.json").read_text())["path"]


def halves() -> dict[str, list[str]]:
    """Case ids of half A and half B: the sorted unique paths alternate between them."""
    paths = sorted({case_path(case) for case in case_dirs()})
    half_of = {path: "AB"[position % 2] for position, path in enumerate(paths)}
    split: dict[str, list[str]] = {"A": [], "B": []}
    for case in case_dirs():
        split[half_of[case_path(case)]].append(case.name)
    return split


def aggregate(cases: list[dict]) -> dict:
    """score.py's summary (the mean of each metric over the cases that define it) for a subset."""
    summary: dict = {"cases": len(cases), "failed": sum(1 for c in cases if c["failed"])}
    for metric in METRICS:
        values = [c["metrics"][metric] for c in cases if c["metrics"].get(metric) is not None]
        summary[metric] = sum(values) / len(values) if values else None
    return summary


def build_memory_corpus(out: Path) -> int:
    """Sentence pairs of the zh book, without any file a replay case touches."""
    excluded = {case_path(case) for case in case_dirs()}
    builder = CorpusBuilder("en", "zh", level="sentence")
    pairs = [p for p in find_file_pairs(SHARED / "d2l" / "en", ZH) if p.name not in excluded]
    with atomic_output(out) as handle:
        formats.write_tsv(handle, ((r.source, r.target) for r in builder.build(pairs)), "en", "zh")
    return builder.summary.pairs_written


def score(
    command: str, jobs: int, out: Path, only: list[str], outputs: Path | None = None
) -> dict[str, dict]:
    """Per-case results of score.py for the cases ``only``, by case id; each tool output is
    kept in ``outputs`` when given."""
    saving = ["--save-outputs", str(outputs)] if outputs is not None else []
    subprocess.run(
        [
            sys.executable,
            "score.py",
            "--split",
            "dev",
            "--jobs",
            str(jobs),
            "--only",
            ",".join(only),
            "--cmd",
            command,
            "--out",
            str(out),
            *saving,
        ],
        cwd=REPLAY,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return {case["id"]: case for case in json.loads(out.read_text())["cases"]}


def print_losses(cases: dict[str, dict], outputs: Path, ids: list[str]) -> None:
    """Each case's figures and the blocks lost, as score.py counts them: kept blocks of the
    maintainers' file the output lacks, stale blocks it still has, labels it lost."""
    sys.path.insert(0, str(REPLAY))
    import score as replay  # the benchmark's own scorer (standard library only)

    for case in sorted(ids):
        metrics = cases[case]["metrics"]
        print(
            f"\n{case}: "
            + "  ".join(
                f"{m}={metrics[m]:.3f}"
                for m in ("keep", "stale", "labels")
                if metrics.get(m) is not None
            )
        )
        folder = REPLAY / "cases" / case
        old_en, new_en, old_zh, new_zh = (
            replay.read_text(folder / name)
            for name in ("old.en.md", "new.en.md", "old.zh.md", "new.zh.md")
        )
        produced = outputs / f"{case}.zh.md"
        if not produced.is_file():
            print("  no output (failed)")
            continue
        output = replay.read_text(produced)
        info = replay.case_info(old_en, new_en, old_zh, new_zh)
        old, new, out = (
            replay.ms(replay.texts(replay.split_blocks(t))) for t in (old_zh, new_zh, output)
        )
        old_list = replay.texts(replay.split_blocks(old_zh))
        stale = replay.ms(old_list[i] for i in info["stale_en_positions"])
        labels = replay.ms(replay._LABEL_RE.findall(new_zh)) - replay.ms(
            replay._LABEL_RE.findall(output)
        )
        for title, blocks in (
            ("kept block changed", (old & new) - out),
            ("stale block left", stale & out),
            ("label lost", labels),
        ):
            for block in blocks.elements():
                print(f"  {title}: " + block[:160].replace("\n", "\n    "))


def _sentences(doc: Document) -> list[str]:
    return [
        unit_text(s.of(doc))
        for index, block in enumerate(doc.blocks)
        if block.is_prose
        for s in sentence_segments(doc, [index], "en")
    ]


def cost(corpus: Path, only: list[str]) -> dict[str, int]:
    """Engine characters of AMTS against changed and whole-file characters, over the cases."""
    memory = TranslationMemory.from_file(corpus)
    glossary = load_glossary(GLOSSARY)
    totals = {"sent": 0, "changed": 0, "whole": 0, "memory_hits": 0}
    for case in (c for c in case_dirs() if c.name in only):
        old_en, new_en, old_zh = (
            document.load(case / n) for n in ("old.en.md", "new.en.md", "old.zh.md")
        )
        updater = Updater("en", "zh", create_engine("memory"), memory, glossary)
        _, report = updater.update(old_en, new_en, old_zh)
        old_sentences = {normalize(s) for s in _sentences(old_en)}
        new_sentences = _sentences(new_en)
        totals["sent"] += report.chars_sent
        totals["changed"] += sum(len(s) for s in new_sentences if normalize(s) not in old_sentences)
        if report.changes:
            totals["whole"] += sum(len(s) for s in new_sentences)
        totals["memory_hits"] += report.counts()["memory"]
    return totals


def print_table(title: str, rows: dict[str, tuple[dict, float]]) -> None:
    print(f"\n{title}")
    print(f"{'tool':<16}" + "".join(f"{m:>8}" for m in METRICS) + f"{'failed':>8}{'time':>8}")
    for name, (summary, seconds) in rows.items():
        cells = "".join(
            f"{summary[m]:8.3f}" if summary.get(m) is not None else f"{'-':>8}" for m in METRICS
        )
        print(f"{name:<16}{cells}{summary['failed']:>5}/{summary['cases']:<2}{seconds:7.1f}s")


def misses(summary: dict) -> list[str]:
    """The goals a row misses."""
    missed = [m for m, goal in GOALS.items() if summary[m] < goal]
    return missed + (["failed"] if summary["failed"] else [])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--half",
        choices=("A", "B", "all"),
        default="all",
        help="run half A (rules are chosen there), half B (held out) or all cases, "
        "printing A, B and all (default)",
    )
    parser.add_argument(
        "--losses",
        action="store_true",
        help="print each case's figures and lost blocks for amts (study them on half A only)",
    )
    args = parser.parse_args()
    if not REPLAY.is_dir():
        print(f"no replay cases at {REPLAY}: this benchmark needs ../shared", file=sys.stderr)
        return 2
    split = halves()
    for half, ids in split.items():
        print(f"half {half} ({len(ids)} cases): " + ", ".join(ids))
    scopes = {"A": split["A"], "B": split["B"], "all": split["A"] + split["B"]}
    if args.half != "all":
        scopes = {args.half: scopes[args.half]}
    selected = sorted({case for ids in scopes.values() for case in ids})
    with tempfile.TemporaryDirectory(prefix="amts-replay-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "memory.tsv"
        started = time.perf_counter()
        pairs = build_memory_corpus(corpus)
        print(
            f"translation memory: {pairs} sentence pairs from the zh book "
            f"(replay files left out), built in {time.perf_counter() - started:.1f} s"
        )
        amts = (
            f"{shlex.quote(sys.executable)} -m amts.cli update-file --old-source {{old_en}} "
            "--new-source {new_en} --old-target {old_zh} --tgt-lang zh --engine memory "
            f"--glossary {shlex.quote(str(GLOSSARY))} "
            f"--parallel-data {shlex.quote(str(corpus))} -o {{out}}"
        )
        results = {}
        for name, command in {**BASELINES, "amts (memory)": amts}.items():
            started = time.perf_counter()
            outputs = tmp / "outputs" if name == "amts (memory)" and args.losses else None
            cases = score(command, args.jobs, tmp / "result.json", selected, outputs)
            results[name] = (cases, time.perf_counter() - started)
        totals = cost(corpus, selected)
        if args.losses:
            print("\nlosses of amts (memory), case by case")
            print_losses(results["amts (memory)"][0], tmp / "outputs", selected)

    tables = {
        scope: {
            name: (aggregate([cases[case] for case in ids]), seconds)
            for name, (cases, seconds) in results.items()
        }
        for scope, ids in scopes.items()
    }
    for scope, rows in tables.items():
        title = {"A": "half A (rules chosen here)", "B": "half B (held out)"}.get(scope, "all")
        print_table(f"{title}, {len(scopes[scope])} cases", rows)
    print(
        "goals (amts):   "
        + "  ".join(f"{m} ≥ {v:.2f}" for m, v in GOALS.items())
        + "  chrf > 0  failed = 0"
    )
    for scope, rows in tables.items():
        summary = rows["amts (memory)"][0]
        print(
            f"amts on {scope:<3}: keep={summary['keep']:.4f} stale={summary['stale']:.4f} "
            "(unrounded)"
        )

    # The checks apply to the widest scope that ran.
    rows = tables[list(tables)[-1]]
    print()
    for name, (summary, _) in rows.items():
        missed = misses(summary)
        print(f"{name:<16}{'meets every goal' if not missed else 'misses: ' + ', '.join(missed)}")
    amts_summary = rows["amts (memory)"][0]
    checks = {f"amts {m}": m not in misses(amts_summary) for m in [*GOALS, "failed"]}
    checks["amts chrf > 0"] = (amts_summary.get("chrf") or 0.0) > 0.0
    for name, (summary, _) in rows.items():
        if name != "amts (memory)":
            checks[f"beats {name}"] = bool(misses(summary))

    sent, changed, whole = totals["sent"], totals["changed"], totals["whole"]
    print(
        f"\ncost: {sent} characters to the engine after {totals['memory_hits']} memory hits; "
        f"{changed} characters of changed English sentences; {whole} characters of the "
        f"changed files whole"
    )
    print(
        f"cost ratio to changed sentences: {sent / max(changed, 1):.3f} (goal ≤ 1.10); "
        f"to re-translating whole files: {sent / max(whole, 1):.3f}"
    )
    checks["cost"] = sent <= 1.1 * changed
    failed = [name for name, ok in checks.items() if not ok]
    print("checks: " + ("all passed" if not failed else "FAILED: " + ", ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
