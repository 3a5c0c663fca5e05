"""Hand-checked English↔Chinese alignments of d2l sections, and a scorer for aligners.

The gold files in ``zh/`` store character offsets into the d2l checkout, never the
book's text, so the text is read back from the checkout at load time; a sha256 of
each file guards against offsets silently pointing into an edited file. This module
uses the standard library only so that it can be loaded by path from anywhere.

Run ``python bench/gold/gold.py`` to print every pair for a read-through.
"""

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent
#: Where the d2l checkout lives in the AMTS workspace (``<zh_root>/<chapter>/<section>.md``).
DEFAULT_ZH_ROOT = GOLD_DIR.parents[2] / "shared" / "d2l" / "zh"

Pair = tuple[str, str]

# Markers are stripped at the start of every line, not only of the text: a multi-unit
# side is its units joined with "\n", and each unit's own marker then starts a line.
_HEADING = re.compile(r"^[ \t]*#{1,6}(?:[ \t]+|$)", re.MULTILINE)
_LIST_MARKER = re.compile(r"^[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]+", re.MULTILINE)
# One level of nested brackets in the caption, an optional title after the path.
_FIGURE = re.compile(r"!\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^()]*\)")


class GoldError(ValueError):
    """A gold file that cannot be trusted: malformed, or its source text has changed."""


def normalize(unit: str) -> str:
    """Reduce a unit to what both tools agree on, so units cut by different tools compare.

    Drops a heading's ``#``s and a list marker (``* ``, ``- ``, ``+ ``, ``1. ``) at the
    start of each line, reduces ``![caption](path)`` to ``caption``, then removes all
    whitespace (line breaks, indentation, the spaces a joiner put between units).
    """
    text = _HEADING.sub("", unit)
    text = _LIST_MARKER.sub("", text)
    text = _FIGURE.sub(r"\1", text)
    return "".join(text.split())


@dataclass(frozen=True)
class GoldSection:
    """One section's gold pairs; each side is its units' texts joined with ``"\\n"``."""

    source: str
    target: str
    paragraphs: list[Pair]
    sentences: list[Pair]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_checked(zh_root: Path, rel: str, expected: str, gold: Path) -> str:
    """The file's text, or a GoldError saying the offsets no longer apply to it."""
    path = zh_root / rel
    if not path.is_file():
        raise GoldError(f"{gold.name}: {path} not found; is zh_root the d2l 'zh' directory?")
    actual = _sha256(path)
    if actual != expected:
        raise GoldError(
            f"{gold.name}: {rel} has changed since the gold pairs were made "
            f"(sha256 {actual[:12]}…, expected {expected[:12]}…); its offsets no longer "
            "point at the units that were checked, so re-check and rebuild this gold file"
        )
    return path.read_text(encoding="utf-8")


def _side(spans: object, text: str, where: str) -> list[tuple[int, int]]:
    """One side's spans, checked to be in bounds, in order and disjoint."""
    if not isinstance(spans, list) or not spans:
        raise GoldError(f"{where}: expected a non-empty list of [start, end] spans")
    checked: list[tuple[int, int]] = []
    previous_end = 0
    for span in spans:
        if (
            not isinstance(span, list)
            or len(span) != 2
            or not all(type(x) is int for x in span)
            or not previous_end <= span[0] < span[1] <= len(text)
        ):
            raise GoldError(f"{where}: bad or out-of-order span {span!r}")
        checked.append((span[0], span[1]))
        previous_end = span[1]
    return checked


def _no_shared_units(spans: list[tuple[int, int]], where: str) -> None:
    """Each unit may be in one pair only: no two pairs' units may overlap."""
    ordered = sorted(spans)
    for (_, end), (start, _) in pairwise(ordered):
        if start < end:
            raise GoldError(f"{where}: units overlap or repeat near offset {start}")


def _pairs(data: dict, level: str, src: str, tgt: str, gold: Path) -> list[Pair]:
    entries = data.get(level)
    if not isinstance(entries, list):
        raise GoldError(f"{gold.name}: '{level}' must be a list of pairs")
    pairs: list[Pair] = []
    all_src: list[tuple[int, int]] = []
    all_tgt: list[tuple[int, int]] = []
    for index, entry in enumerate(entries):
        where = f"{gold.name}: {level}[{index}]"
        if not isinstance(entry, dict):
            raise GoldError(f"{where}: expected an object with 'src' and 'tgt'")
        src_spans = _side(entry.get("src"), src, f"{where}.src")
        tgt_spans = _side(entry.get("tgt"), tgt, f"{where}.tgt")
        all_src += src_spans
        all_tgt += tgt_spans
        pairs.append(
            (
                "\n".join(src[a:b] for a, b in src_spans),
                "\n".join(tgt[a:b] for a, b in tgt_spans),
            )
        )
    _no_shared_units(all_src, f"{gold.name}: {level} src")
    _no_shared_units(all_tgt, f"{gold.name}: {level} tgt")
    return pairs


def load_gold(path: Path, zh_root: Path) -> GoldSection:
    """Read a gold file and cut its units out of the d2l checkout at ``zh_root``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read gold file: {exc}") from exc
    missing = [
        key
        for key in ("source", "target", "source_sha256", "target_sha256")
        if not isinstance(data.get(key), str)
    ]
    if missing:
        raise GoldError(f"{path.name}: missing {', '.join(missing)}")
    src = _read_checked(Path(zh_root), data["source"], data["source_sha256"], path)
    tgt = _read_checked(Path(zh_root), data["target"], data["target_sha256"], path)
    return GoldSection(
        source=data["source"],
        target=data["target"],
        paragraphs=_pairs(data, "paragraphs", src, tgt, path),
        sentences=_pairs(data, "sentences", src, tgt, path),
    )


def gold_files() -> list[Path]:
    """Every gold file, in a stable order."""
    return sorted((GOLD_DIR / "zh").glob("*.json"))


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of predicted pairs, with the counts they come from."""

    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int
    correct: int


def score(predicted: Iterable[Pair], gold: list[Pair]) -> PRF:
    """Exact-match P/R/F1: a predicted pair is correct when both normalized sides equal a
    gold pair's; each gold pair can be matched once, so repeated predictions do not count
    twice. Scores are 0.0 where their denominator is zero."""
    remaining = Counter((normalize(src), normalize(tgt)) for src, tgt in gold)
    n_predicted = correct = 0
    for src, tgt in predicted:
        n_predicted += 1
        key = (normalize(src), normalize(tgt))
        if remaining[key] > 0:
            remaining[key] -= 1
            correct += 1
    return _prf(correct, n_predicted, len(gold))


def _prf(correct: int, predicted: int, gold: int) -> PRF:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, predicted, gold, correct)


def total(scores: Iterable[PRF]) -> PRF:
    """Micro-average: the counts of several sections pooled, then scored."""
    scores = list(scores)
    return _prf(
        sum(s.correct for s in scores),
        sum(s.predicted for s in scores),
        sum(s.gold for s in scores),
    )


def main(argv: list[str] | None = None) -> int:
    """Print every pair of the gold files, for reading them through by eye."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("files", nargs="*", type=Path, help="gold files (default: all)")
    parser.add_argument("--zh-root", type=Path, default=DEFAULT_ZH_ROOT)
    parser.add_argument("--level", choices=("paragraphs", "sentences"), action="append")
    args = parser.parse_args(argv)
    for path in args.files or gold_files():
        section = load_gold(path, args.zh_root)
        for level in args.level or ["paragraphs", "sentences"]:
            pairs: list[Pair] = getattr(section, level)
            print(f"##### {section.source} — {level} ({len(pairs)} pairs)")
            for index, (src, tgt) in enumerate(pairs):
                print(f"--- {level[0]}{index}\nEN: {src}\nZH: {tgt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
