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

    python bench/replay_bench.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
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
SHARED = ROOT.parent / "shared"
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


def build_memory_corpus(out: Path) -> int:
    """Sentence pairs of the zh book, without any file a replay case touches."""
    excluded = {json.loads((case / "meta.json").read_text())["path"] for case in case_dirs()}
    builder = CorpusBuilder("en", "zh", level="sentence")
    pairs = [p for p in find_file_pairs(SHARED / "d2l" / "en", ZH) if p.name not in excluded]
    with atomic_output(out) as handle:
        formats.write_tsv(handle, ((r.source, r.target) for r in builder.build(pairs)), "en", "zh")
    return builder.summary.pairs_written


def score(command: str, jobs: int, out: Path) -> dict:
    subprocess.run(
        [
            sys.executable,
            "score.py",
            "--split",
            "dev",
            "--jobs",
            str(jobs),
            "--cmd",
            command,
            "--out",
            str(out),
        ],
        cwd=REPLAY,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(out.read_text())


def _sentences(doc: Document) -> list[str]:
    return [
        unit_text(s.of(doc))
        for index, block in enumerate(doc.blocks)
        if block.is_prose
        for s in sentence_segments(doc, [index], "en")
    ]


def cost(corpus: Path) -> dict[str, int]:
    """Engine characters of AMTS against changed and whole-file characters, over all cases."""
    memory = TranslationMemory.from_file(corpus)
    glossary = load_glossary(GLOSSARY)
    totals = {"sent": 0, "changed": 0, "whole": 0, "memory_hits": 0}
    for case in case_dirs():
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not REPLAY.is_dir():
        print(f"no replay cases at {REPLAY}: this benchmark needs ../shared", file=sys.stderr)
        return 2
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
        rows = {}
        for name, command in {**BASELINES, "amts (memory)": amts}.items():
            started = time.perf_counter()
            result = score(command, args.jobs, tmp / "result.json")
            rows[name] = (result["summary"]["all"], time.perf_counter() - started)
        totals = cost(corpus)

    print(f"\n{'tool':<16}" + "".join(f"{m:>8}" for m in METRICS) + f"{'failed':>8}{'time':>8}")
    for name, (summary, seconds) in rows.items():
        cells = "".join(
            f"{summary[m]:8.3f}" if summary.get(m) is not None else f"{'-':>8}" for m in METRICS
        )
        print(f"{name:<16}{cells}{summary['failed']:>5}/{summary['cases']:<2}{seconds:7.1f}s")
    print(
        "goals (amts):   "
        + "  ".join(f"{m} ≥ {v:.2f}" for m, v in GOALS.items())
        + "  chrf > 0  failed = 0"
    )

    def meets(summary: dict) -> list[str]:
        """The goals a row misses."""
        missed = [m for m, goal in GOALS.items() if summary[m] < goal]
        return missed + (["failed"] if summary["failed"] else [])

    print()
    for name, (summary, _) in rows.items():
        missed = meets(summary)
        print(f"{name:<16}{'meets every goal' if not missed else 'misses: ' + ', '.join(missed)}")
    amts_summary = rows["amts (memory)"][0]
    checks = {f"amts {m}": m not in meets(amts_summary) for m in [*GOALS, "failed"]}
    checks["amts chrf > 0"] = (amts_summary.get("chrf") or 0.0) > 0.0
    for name, (summary, _) in rows.items():
        if name != "amts (memory)":
            checks[f"beats {name}"] = bool(meets(summary))
    print(f"amts keep={amts_summary['keep']:.4f} stale={amts_summary['stale']:.4f} (unrounded)")

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
