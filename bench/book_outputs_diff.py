"""Does a speed change keep every output on the real books? This tree against an older
revision (default ``main``), in the same run.

For every markdown file of the d2l books (../shared/d2l/{en,zh,pt}, or ``AMTS_SHARED``)
each tree prints one line per file and output: the file's blocks (kind, offsets, line,
content span), the protected spans and the sentences of each prose block's content, and,
for each English file that has a Chinese translation, the translation and report of
carrying that file as new into an empty translation with a memory of the pair's aligned
sentences (exact and repaired lookups, the updater's writing). Each output is a digest;
the two trees' digests are compared file by file.

    AMTS_SHARED=/work/shared python bench/book_outputs_diff.py [--old main] [--no-update]

Exit status: 0 identical, 1 some file differs (named), 2 no books to read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = Path(os.environ.get("AMTS_SHARED") or ROOT.parent / "shared") / "d2l"
LANGUAGES = ("en", "zh", "pt")


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()


def child(update: bool) -> None:
    """One JSON line per file and output: its path, what it is and a digest of it."""
    from amts.book import document
    from amts.book.protect import protected_spans
    from amts.book.sentences import split_sentences

    docs: dict[tuple[str, str], document.Document] = {}
    for lang in LANGUAGES:
        for path in sorted((BOOK / lang).rglob("*.md")):
            name = str(path.relative_to(BOOK / lang))
            doc = docs[lang, name] = document.parse(path.read_text(encoding="utf-8"), name)
            blocks, spans, sentences = [], [], []
            for block in doc.blocks:
                blocks.append((block.kind.value, block.start, block.line, block.content_span()))
                if block.is_prose:
                    content = block.content
                    spans.append([(s.kind.value, s.start, s.end) for s in protected_spans(content)])
                    sentences.append([(s.start, s.end) for s in split_sentences(content, lang)])
            for what, value in (("blocks", blocks), ("spans", spans), ("sentences", sentences)):
                print(json.dumps([lang, name, what, _digest(value)]))
    if update:
        _carried(docs)


def _carried(docs: dict) -> None:
    from amts.align.aligner import Aligner
    from amts.book import document
    from amts.engines.memory import MemoryEngine
    from amts.memory import TranslationMemory
    from amts.update.updater import Updater

    aligner = Aligner("en", "zh")
    empty = document.parse("", "new.md")
    for (lang, name), english in docs.items():
        if lang != "en" or ("zh", name) not in docs:
            continue
        memory = TranslationMemory.from_alignment(aligner.align(english, docs["zh", name]))
        updater = Updater("en", "zh", MemoryEngine(memory), memory)
        text, report = updater.update(empty, english, empty, path=name)
        print(json.dumps(["en>zh", name, "update", _digest([text, report.to_dict()])]))


def _lines(tree: Path, update: bool) -> dict[tuple[str, str, str], str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, __file__, "--child", *(["--no-update"] if not update else [])]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return {tuple(row[:3]): row[3] for row in map(json.loads, out.splitlines())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--old", default="main", help="the revision to compare with")
    parser.add_argument("--no-update", action="store_true", help="books only, no updater")
    args = parser.parse_args()
    if args.child:
        child(not args.no_update)
        return 0
    if not all((BOOK / lang).is_dir() for lang in LANGUAGES):
        print(f"no books under {BOOK}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="amts-old-") as old_tree:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.old, "amts"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", old_tree], input=archive, check=True)
        old = _lines(Path(old_tree), not args.no_update)
    new = _lines(ROOT, not args.no_update)
    differ = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    for lang, name, what in differ:
        print(f"differs: {lang} {name} {what}")
    files = len({key[:2] for key in new})
    print(f"# {len(new)} outputs of {files} files compared with {args.old}: {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
