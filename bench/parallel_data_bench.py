"""Parallel data from the real d2l-zh book: time, peak memory and validity of each format.

Runs the installed ``amts`` CLI as a child process, as a maintainer would, once per
format (TSV, then TMX, then CSV) at sentence level and once (TSV) at paragraph level
over ../shared/d2l/{en,zh}; ``os.wait4`` gives each child's own resource usage, so
every peak is that run's alone. The outputs are then checked without AMTS's code: the
TMX is well-formed TMX 1.4 holding the TSV's pairs, the CSV parses back to the TSV's
pairs, every segment (each side of a record) is at most 1,000 UTF-8 bytes, Amazon
Translate's quota.

    python bench/parallel_data_bench.py [--out-dir /tmp]

Exit status: 0 all checks and goals met, 1 one failed, 2 nothing to measure.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BOOK = SHARED / "d2l"
FORMATS = ("tsv", "tmx", "csv")
GOAL_SECONDS = 20.0
GOAL_MB = 500.0
#: Amazon Translate's quota for one segment (each side of a record); set here, not read from amts.
MAX_SEGMENT_BYTES = 1000
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Pair = tuple[str, str]


@dataclass
class Run:
    fmt: str
    output: Path
    seconds: float
    peak_mb: float
    returncode: int
    stderr: str
    pairs: list[Pair] = field(default_factory=list)

    @property
    def reported(self) -> int | None:
        """The 'pairs written' figure of the run's own summary."""
        return self.summary("pairs written")

    def summary(self, prefix: str) -> int | None:
        """A figure of the run's own summary: the number after the line's last ': '."""
        for line in self.stderr.splitlines():
            if line.startswith(prefix):
                return int(line.rsplit(": ", 1)[1])
        return None


class Checks:
    """Collects pass/fail lines so every check is printed, not just the first failure."""

    def __init__(self) -> None:
        self.failed = 0

    def __call__(self, ok: bool, what: str) -> bool:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}")
        self.failed += not ok
        return ok


def amts_script() -> str | None:
    found = shutil.which("amts")
    if found:
        return found
    beside = Path(sys.executable).with_name("amts")
    return str(beside) if beside.exists() else None


def run(amts: str, fmt: str, out_dir: Path, level: str = "sentence") -> Run:
    """One CLI run in its own child; wall time and that child's peak resident set."""
    output = out_dir / (f"pd.{fmt}" if level == "sentence" else f"pd-{level}.{fmt}")
    command = [
        amts,
        "parallel-data",
        "--source-repo",
        str(BOOK / "en"),
        "--target-repo",
        str(BOOK / "zh"),
        "--tgt-lang",
        "zh",
        "--level",
        level,
        "--format",
        fmt,
        "-o",
        str(output),
    ]
    # A file, not a pipe: a child writing more than a pipe holds would block before wait4.
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        text = stderr.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak_bytes = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(fmt, output, seconds, peak_bytes / 1e6, process.returncode, text)


def read_tsv(path: Path) -> list[Pair]:
    """Split by hand: TSV records are unquoted, exactly one tab each."""
    lines = path.read_bytes().decode("utf-8").split("\n")
    if lines[0] != "en\tzh":
        raise ValueError(f"header is {lines[0]!r}, expected 'en\\tzh'")
    if lines[-1] != "":
        raise ValueError("the last record has no line break")
    pairs = []
    for number, line in enumerate(lines[1:-1], start=2):
        fields = line.split("\t")
        if len(fields) != 2:
            raise ValueError(f"line {number}: {len(fields)} fields")
        pairs.append((fields[0], fields[1]))
    return pairs


def read_csv(path: Path) -> list[Pair]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    if rows[0] != ["en", "zh"]:
        raise ValueError(f"header is {rows[0]!r}, expected ['en', 'zh']")
    if any(len(row) != 2 for row in rows[1:]):
        raise ValueError("a row without exactly two fields")
    return [(row[0], row[1]) for row in rows[1:]]


def read_tmx(path: Path) -> list[Pair]:
    root = ElementTree.parse(path).getroot()
    header = root.find("header")
    if root.tag != "tmx" or root.get("version") != "1.4":
        raise ValueError(f"root is <{root.tag} version={root.get('version')!r}>, not TMX 1.4")
    if header is None or header.get("srclang") != "en":
        raise ValueError("no <header srclang='en'>")
    pairs = []
    for unit in root.iter("tu"):
        variants = unit.findall("tuv")
        langs = [v.get(XML_LANG) for v in variants]
        if langs != ["en", "zh"] or any(v.find("seg") is None for v in variants):
            raise ValueError(
                f"a <tu> with <tuv xml:lang> {langs}, expected ['en', 'zh'] with <seg>"
            )
        segments = ["".join(v.find("seg").itertext()) for v in variants]
        pairs.append((segments[0], segments[1]))
    return pairs


READERS = {"tsv": read_tsv, "csv": read_csv, "tmx": read_tmx}


def check_paragraphs(r: Run, check: Checks) -> None:
    """The paragraph-level corpus: its size, the paragraphs split, each segment's size."""
    split = r.summary("paragraphs split at sentence boundaries") or 0
    print(
        f"paragraph level (tsv): {r.seconds:.2f} s, {r.peak_mb:.1f} MB, "
        f"{r.reported} pairs written, {split} paragraphs split (a segment over "
        f"{MAX_SEGMENT_BYTES} bytes)"
    )
    if not check(r.returncode == 0, f"paragraph: exit status 0 (got {r.returncode})"):
        print("    " + "\n    ".join(r.stderr.splitlines()[-5:]))
        return
    pairs = read_tsv(r.output)
    check(r.reported == len(pairs), f"paragraph: summary {r.reported}, file {len(pairs)} pairs")
    sizes = [(len(s.encode("utf-8")), len(t.encode("utf-8"))) for s, t in pairs]
    largest = max(max(pair) for pair in sizes)
    together = sum(1 for s, t in sizes if s + t > MAX_SEGMENT_BYTES)
    check(
        largest <= MAX_SEGMENT_BYTES,
        f"paragraph: every segment <= {MAX_SEGMENT_BYTES} bytes (largest {largest}; "
        f"{together} records over {MAX_SEGMENT_BYTES} bytes with both sides together)",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    if not (BOOK / "en").is_dir() or not (BOOK / "zh").is_dir():
        print(
            f"no books at {BOOK}/{{en,zh}}: this benchmark needs ../shared/d2l beside the project",
            file=sys.stderr,
        )
        return 2
    amts = amts_script()
    if amts is None:
        print("the amts console script is not installed: pip install -e .", file=sys.stderr)
        return 2
    if not hasattr(os, "wait4"):
        print("os.wait4 is unavailable here: this benchmark needs a POSIX system", file=sys.stderr)
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)

    runs = [run(amts, fmt, args.out_dir) for fmt in FORMATS]
    paragraphs = run(amts, "tsv", args.out_dir, level="paragraph")
    print(f"amts parallel-data, d2l en -> zh, sentence level ({amts})")
    print(
        f"{'format':<8}{'wall s':>8}  {'goal':<8}{'peak MB':>9}  {'goal':<9}{'pairs written':>14}"
    )
    for r in runs:
        print(
            f"{r.fmt:<8}{r.seconds:>8.2f}  {'<= 20':<8}{r.peak_mb:>9.1f}  {'<= 500':<9}"
            f"{r.reported if r.reported is not None else '?':>14}"
        )

    check = Checks()
    print("checks:")
    for r in runs:
        if not check(r.returncode == 0, f"{r.fmt}: exit status 0 (got {r.returncode})"):
            print("    " + "\n    ".join(r.stderr.splitlines()[-5:]))
            continue
        try:
            r.pairs = READERS[r.fmt](r.output)
        except (ValueError, UnicodeDecodeError, ElementTree.ParseError) as exc:
            check(False, f"{r.fmt}: {r.output} parses ({exc})")
            continue
        check(True, f"{r.fmt}: {r.output} is UTF-8 and parses, {len(r.pairs)} pairs")
        check(
            r.reported == len(r.pairs),
            f"{r.fmt}: summary says {r.reported} pairs written, the file holds {len(r.pairs)}",
        )
        check(r.seconds <= GOAL_SECONDS, f"{r.fmt}: wall {r.seconds:.2f} s <= {GOAL_SECONDS:.0f} s")
        check(r.peak_mb <= GOAL_MB, f"{r.fmt}: peak {r.peak_mb:.1f} MB <= {GOAL_MB:.0f} MB")
    by_fmt = {r.fmt: r.pairs for r in runs}
    tsv, tmx, csv_pairs = by_fmt["tsv"], by_fmt["tmx"], by_fmt["csv"]
    if tsv:
        check(len(tmx) == len(tsv), f"tmx: {len(tmx)} <tu>, tsv: {len(tsv)} rows")
        check(tmx == tsv, "tmx: the same pairs as the tsv, in order")
        check(csv_pairs == tsv, "csv: parsed back, equal to the tsv pairs")
        largest = max(len(side.encode("utf-8")) for pair in tsv for side in pair)
        check(
            largest <= MAX_SEGMENT_BYTES,
            f"every segment <= {MAX_SEGMENT_BYTES} bytes (largest {largest})",
        )
        check(len(set(tsv)) == len(tsv), "no pair repeated")
        check(
            all(s.strip() and t.strip() for s, t in tsv),
            "no empty segment",
        )
    else:
        check(False, "tsv pairs to compare the other formats with")
    check_paragraphs(paragraphs, check)
    print("result:", "FAIL" if check.failed else "ok", f"({check.failed} failed)")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
