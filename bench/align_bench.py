"""Alignment accuracy and speed: AMTS's aligner against NLTK's Gale-Church, on the gold set.

Both aligners see the same units (AMTS's prose blocks and sentences) of the same
file pairs; only the pairing differs. NLTK gets the length ratio learned from the
file pair (its lengths are scaled to the source's), so it is not penalized for
Chinese being shorter. Sentences: NLTK aligns them inside its own paragraph beads.

    python bench/align_bench.py [--glossary ../shared/d2l/zh/TERMINOLOGY.md] [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from nltk.translate import gale_church

from amts.align.aligner import ALIGNER_VERSION, Aligner, sentence_segments
from amts.align.anchors import FeatureExtractor
from amts.align.glossary import load_glossary
from amts.book import document

HERE = Path(__file__).resolve().parent
SHARED_ZH = HERE.parents[1] / "shared" / "d2l" / "zh"


def _load_gold_module():
    spec = importlib.util.spec_from_file_location("gold", HERE / "gold" / "gold.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gold"] = module
    spec.loader.exec_module(module)
    return module


gold = _load_gold_module()


def amts_pairs(aligner: Aligner, source, target):
    alignment = aligner.align(source, target)
    paragraphs = [
        (
            "\n".join(source.blocks[i].content for i in link.src),
            "\n".join(target.blocks[j].content for j in link.tgt),
        )
        for link in alignment.blocks
        if link.src and link.tgt and source.blocks[link.src[0]].is_prose
    ]
    sentences = [
        ("\n".join(s.of(source) for s in link.src), "\n".join(t.of(target) for t in link.tgt))
        for link in alignment.sentences
    ]
    return paragraphs, sentences


def _beads(links: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """NLTK returns index pairs; consecutive pairs sharing an index form one bead."""
    beads: list[tuple[list[int], list[int]]] = []
    for i, j in links:
        if beads and (i in beads[-1][0] or j in beads[-1][1]):
            if i not in beads[-1][0]:
                beads[-1][0].append(i)
            if j not in beads[-1][1]:
                beads[-1][1].append(j)
        else:
            beads.append(([i], [j]))
    return beads


def nltk_pairs(source, target, src_lang: str, tgt_lang: str):
    length = FeatureExtractor(lowercase_terms=True)
    src_blocks = [i for i, b in enumerate(source.blocks) if b.is_prose]
    tgt_blocks = [j for j, b in enumerate(target.blocks) if b.is_prose]
    src_len = [length(source.blocks[i].content).length for i in src_blocks]
    tgt_len = [length(target.blocks[j].content).length for j in tgt_blocks]
    ratio = (sum(tgt_len) + 1) / (sum(src_len) + 1)
    scaled = [max(1, round(n / ratio)) for n in tgt_len]
    paragraphs, sentences = [], []
    params = gale_church.LanguageIndependent
    for src_bead, tgt_bead in _beads(
        gale_church.align_blocks([round(n) for n in src_len], scaled, params)
    ):
        src_ids = [src_blocks[i] for i in src_bead]
        tgt_ids = [tgt_blocks[j] for j in tgt_bead]
        paragraphs.append(
            (
                "\n".join(source.blocks[i].content for i in src_ids),
                "\n".join(target.blocks[j].content for j in tgt_ids),
            )
        )
        src_sent = sentence_segments(source, src_ids, src_lang)
        tgt_sent = sentence_segments(target, tgt_ids, tgt_lang)
        if not src_sent or not tgt_sent:
            continue
        s_len = [max(1, round(length(s.of(source)).length)) for s in src_sent]
        t_len = [max(1, round(length(t.of(target)).length / ratio)) for t in tgt_sent]
        for a, b in _beads(gale_church.align_blocks(s_len, t_len, params)):
            sentences.append(
                (
                    "\n".join(src_sent[i].of(source) for i in a),
                    "\n".join(tgt_sent[j].of(target) for j in b),
                )
            )
    return paragraphs, sentences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zh-root", type=Path, default=SHARED_ZH)
    parser.add_argument("--glossary", type=Path, help="TERMINOLOGY.md for AMTS's aligner")
    parser.add_argument("--repeat", type=int, default=5, help="timing repetitions (best kept)")
    args = parser.parse_args()
    if not args.zh_root.is_dir():
        print(f"no book at {args.zh_root}: this benchmark needs ../shared/d2l/zh", file=sys.stderr)
        return 2
    sections = [gold.load_gold(path, args.zh_root) for path in gold.gold_files()]
    files = [
        (document.load(args.zh_root / s.source), document.load(args.zh_root / s.target), s)
        for s in sections
    ]
    glossary = load_glossary(args.glossary) if args.glossary else None
    aligner = Aligner("en", "zh", glossary)

    results = {}
    for name, run in (
        ("amts", lambda s, t: amts_pairs(aligner, s, t)),
        ("nltk-gale-church", lambda s, t: nltk_pairs(s, t, "en", "zh")),
    ):
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            outputs = [run(source, target) for source, target, _ in files]
            best = min(best, time.perf_counter() - start)
        para = gold.total(
            gold.score(paragraphs, g.paragraphs)
            for (paragraphs, _), (_, _, g) in zip(outputs, files, strict=True)
        )
        sent = gold.total(
            gold.score(sentences, g.sentences)
            for (_, sentences), (_, _, g) in zip(outputs, files, strict=True)
        )
        results[name] = (para, sent, best)

    print(
        f"gold set: {len(sections)} sections, "
        f"{sum(len(s.paragraphs) for s in sections)} paragraph pairs, "
        f"{sum(len(s.sentences) for s in sections)} sentence pairs"
    )
    print(f"{'aligner':<18} {'level':<10} {'P':>6} {'R':>6} {'F1':>6}   time")
    for name, (para, sent, seconds) in results.items():
        for level, prf in (("paragraph", para), ("sentence", sent)):
            timing = f"   {seconds * 1000:7.1f} ms (both levels)" if level == "paragraph" else ""
            print(
                f"{name:<18} {level:<10} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f}"
                + timing
            )
    ratio = results["amts"][2] / results["nltk-gale-church"][2]
    print(f"time ratio amts/nltk: {ratio:.2f} (goal ≤ 2.00)")
    print(
        f"signature: aligner:amts-{ALIGNER_VERSION}|glossary:{'yes' if glossary else 'no'}"
        f"|gold:{len(sections)}sections|repeat:{args.repeat}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
