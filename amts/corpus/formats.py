"""Parallel data files in the formats Amazon Translate's ``CreateParallelData`` accepts.

TSV and CSV start with a header of language codes; TMX is version 1.4. Files are
UTF-8. The writers write the pairs they are given: keeping each segment (the English,
the translation) within :data:`MAX_SEGMENT_BYTES` is the corpus builder's job
(:mod:`amts.corpus.parallel`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from amts import __version__
from amts.errors import InputError
from amts.files import read_text

#: Amazon Translate's quota, "maximum size of a single segment or record in a parallel data
#: input file: 1,000 bytes", in UTF-8 bytes. It holds for each segment of a record (the
#: English, the translation) on its own, as the parallel data AWS published for D2L shows:
#: pairs of 1,076 to 1,472 bytes with each side under 1,000.
MAX_SEGMENT_BYTES = 1000
FORMATS = ("tsv", "csv", "tmx")


def segment_bytes(text: str) -> int:
    """Size of one segment as Amazon Translate counts it: UTF-8 bytes."""
    return len(text.encode("utf-8"))


def largest_segment_bytes(source: str, target: str) -> int:
    """The larger side of a record: what the per-segment quota is checked against."""
    return max(segment_bytes(source), segment_bytes(target))


def write_tsv(out: TextIO, pairs: Iterable[tuple[str, str]], src_lang: str, tgt_lang: str) -> None:
    out.write(f"{src_lang}\t{tgt_lang}\n")
    for source, target in pairs:
        out.write(f"{source}\t{target}\n")


def write_csv(out: TextIO, pairs: Iterable[tuple[str, str]], src_lang: str, tgt_lang: str) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([src_lang, tgt_lang])
    writer.writerows(pairs)


def write_tmx(out: TextIO, pairs: Iterable[tuple[str, str]], src_lang: str, tgt_lang: str) -> None:
    from xml.sax.saxutils import escape, quoteattr  # imports urllib, http, ssl: only here

    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    out.write(
        f'  <header creationtool="amts" creationtoolversion={quoteattr(__version__)} '
        f'segtype="sentence" o-tmf="amts" adminlang="en" srclang={quoteattr(src_lang)} '
        'datatype="plaintext"/>\n  <body>\n'
    )
    for source, target in pairs:
        out.write(
            f"    <tu>\n"
            f"      <tuv xml:lang={quoteattr(src_lang)}><seg>{escape(source)}</seg></tuv>\n"
            f"      <tuv xml:lang={quoteattr(tgt_lang)}><seg>{escape(target)}</seg></tuv>\n"
            f"    </tu>\n"
        )
    out.write("  </body>\n</tmx>\n")


_WRITERS = {"tsv": write_tsv, "csv": write_csv, "tmx": write_tmx}


def render(pairs: Iterable[tuple[str, str]], fmt: str, src_lang: str, tgt_lang: str) -> str:
    out = io.StringIO()
    writer(fmt)(out, pairs, src_lang, tgt_lang)
    return out.getvalue()


def writer(fmt: str):
    try:
        return _WRITERS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None


def format_for(path: str | Path, default: str = "tsv") -> str:
    """The format a file name asks for (``pd.tmx`` → ``tmx``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else default


def read_pairs(path: str | Path) -> tuple[str, str, list[tuple[str, str]]]:
    """Read a parallel data file written by :func:`render`: (src_lang, tgt_lang, pairs)."""
    path = Path(path)
    text = read_text(path, "parallel data file")
    fmt = format_for(path)
    if fmt == "tmx":
        return _read_tmx(path, text)
    # TSV is written unquoted (a field never holds a tab or line break): a leading '"' is text.
    if fmt == "tsv":
        rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    else:
        rows = list(csv.reader(io.StringIO(text)))
    if not rows or len(rows[0]) != 2:
        raise InputError(f"{path}: expected a header line of two language codes, e.g. 'en\\tzh'")
    (src_lang, tgt_lang), body = rows[0], rows[1:]
    pairs = []
    for number, row in enumerate(body, start=2):
        if len(row) != 2:
            raise InputError(f"{path}:{number}: expected 2 columns, found {len(row)}")
        pairs.append((row[0], row[1]))
    return src_lang, tgt_lang, pairs


def _read_tmx(path: Path, text: str) -> tuple[str, str, list[tuple[str, str]]]:
    import xml.etree.ElementTree as ElementTree

    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise InputError(f"{path}: not valid TMX ({exc})") from exc
    header = root.find("header")
    src_lang = header.get("srclang", "") if header is not None else ""
    tgt_lang, pairs = "", []
    for unit in root.iter("tu"):
        variants = unit.findall("tuv")
        if len(variants) != 2:
            raise InputError(f"{path}: a <tu> must hold exactly two <tuv>")
        by_lang = {v.get(lang_attr): "".join(v.find("seg").itertext()) for v in variants}
        tgt_lang = next(lang for lang in by_lang if lang != src_lang)
        pairs.append((by_lang[src_lang], by_lang[tgt_lang]))
    return src_lang, tgt_lang, pairs
