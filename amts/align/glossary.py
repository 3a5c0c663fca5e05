"""Term glossaries kept by the translation teams (d2l-zh's ``TERMINOLOGY.md``).

A glossary steers two things: alignment (an English term and its agreed
translation are a lexical anchor across languages) and the engine (Amazon
Translate's custom terminology).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from amts.errors import InputError
from amts.files import read_text


@dataclass(frozen=True)
class Glossary:
    """English term → target term, in file order."""

    pairs: tuple[tuple[str, str], ...] = field(default=())
    src_lang: str = "en"
    tgt_lang: str = "zh"

    def __len__(self) -> int:
        return len(self.pairs)

    def to_csv(self) -> str:
        """The CSV that Amazon Translate's ``ImportTerminology`` takes (header: language codes)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([self.src_lang, self.tgt_lang])
        writer.writerows(self.pairs)
        return out.getvalue()


def parse_glossary(text: str, *, src_lang: str = "en", tgt_lang: str = "zh") -> Glossary:
    """Parse ``TERMINOLOGY.md``: one ``target，source`` entry per line, headings ignored."""
    pairs = []
    seen = set()
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if (entry := _entry(line)) is None:
            continue
        source, target = entry
        if (source, target) not in seen:
            seen.add((source, target))
            pairs.append((source, target))
    return Glossary(tuple(pairs), src_lang, tgt_lang)


def _entry(line: str) -> tuple[str, str] | None:
    """(source, target) of ``鞍点，saddle point``: target term, a full-width or ASCII comma,
    English term; None for anything else. String methods, not a lazy pattern, so that a
    long line costs one pass."""
    cuts = [cut for cut in (line.find("，"), line.find(",")) if cut != -1]
    if not cuts:
        return None
    target, source = line[: min(cuts)].strip(), line[min(cuts) + 1 :].strip()
    if not target or "#" in target or not source:
        return None
    return source, target


def load_glossary(path: str | Path, *, src_lang: str = "en", tgt_lang: str = "zh") -> Glossary:
    path = Path(path)
    text = read_text(path, "glossary file")
    glossary = parse_glossary(text, src_lang=src_lang, tgt_lang=tgt_lang)
    if not glossary.pairs:
        raise InputError(f"{path}: no 'target，source' entries found; is this a glossary?")
    return glossary
