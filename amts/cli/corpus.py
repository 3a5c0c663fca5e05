"""``amts align`` and ``amts parallel-data``: alignments and corpora from translations."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from amts.align.cache import AlignmentCache
from amts.book import document
from amts.cli.base import Command, Failure, glossary_from, language_options, main
from amts.corpus import formats
from amts.corpus.parallel import LEVELS, CorpusBuilder, FilePair, find_file_pairs, unit_text
from amts.files import atomic_output


@main.command(cls=Command)
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@language_options
@click.option("--level", type=click.Choice(LEVELS), default="sentence", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["tsv"]), default="tsv", show_default=True)
@click.option("--with-confidence", is_flag=True, help="Add a third column: the confidence.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def align(
    source: Path,
    target: Path,
    src_lang: str,
    tgt_lang: str,
    glossary: Path | None,
    level: str,
    fmt: str,
    with_confidence: bool,
    output: Path | None,
) -> None:
    """Align SOURCE (English) with TARGET (its translation): one pair per line.

    Every unit comes out whole, however long: this is the alignment itself. Amazon
    Translate's size quota is for parallel data only (see ``amts parallel-data``).
    """
    builder = CorpusBuilder(
        src_lang,
        tgt_lang,
        level=level,
        glossary=glossary_from(glossary, src_lang, tgt_lang),
        max_segment_bytes=None,
    )
    alignment = builder.aligner.align(document.load(source), document.load(target))
    lines = []
    for src_text, tgt_text, confidence in builder.units(alignment):
        row = [unit_text(src_text), unit_text(tgt_text)]
        if with_confidence:
            row.append(f"{confidence:.3f}")
        lines.append("\t".join(row) + "\n")
    if output is None:
        sys.stdout.writelines(lines)
        return
    with atomic_output(output) as out:
        out.writelines(lines)


@main.command("parallel-data", cls=Command)
@click.option("--source-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@language_options
@click.option("--level", type=click.Choice(LEVELS), default="sentence", show_default=True)
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS), help="Default: from -o.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option(
    "--max-segment-bytes",
    type=click.IntRange(min=1),
    default=formats.MAX_SEGMENT_BYTES,
    show_default=True,
    help="Largest segment (the English or the translation of a record), in UTF-8 bytes: "
    "Amazon Translate's quota. A paragraph with a longer side is split at its sentences.",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="SRC=TGT",
    help="Pair a renamed file: source path = target path (repeatable).",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def parallel_data(
    source_repo: Path,
    target_repo: Path,
    src_lang: str,
    tgt_lang: str,
    glossary: Path | None,
    level: str,
    fmt: str | None,
    min_confidence: float,
    max_segment_bytes: int,
    mappings: tuple[str, ...],
    output: Path,
) -> None:
    """Build a parallel corpus for Amazon Translate from a translated repository."""
    mapping = dict(_split_mapping(item) for item in mappings)
    builder = CorpusBuilder(
        src_lang,
        tgt_lang,
        level=level,
        min_confidence=min_confidence,
        glossary=glossary_from(glossary, src_lang, tgt_lang),
        max_segment_bytes=max_segment_bytes,
        cache=AlignmentCache.from_env(),
    )
    file_pairs = find_file_pairs(source_repo, target_repo, mapping, builder.summary)
    if not file_pairs:
        raise Failure(f"no file pairs found in {source_repo} and {target_repo}")
    write = formats.writer(fmt or formats.format_for(output))
    try:
        with _progress(len(file_pairs)) as progress, atomic_output(output) as out:
            records = builder.build(file_pairs, progress=progress)
            write(out, ((p.source, p.target) for p in records), src_lang, tgt_lang)
            if not builder.summary.files_paired:
                # Every file failed: an empty corpus must not replace a good one.
                raise Failure(f"no file pair could be aligned; {output} was not written")
    finally:
        for line in builder.summary.lines():
            click.echo(line, err=True)
    click.echo(f"wrote {output}", err=True)


@contextmanager
def _progress(length: int) -> Iterator[Callable[[FilePair], None] | None]:
    """A progress bar on a terminal only: a log or a pipe gets the summary alone."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(
        length=length, label="aligning", file=sys.stderr, item_show_func=_name
    ) as bar:
        yield lambda pair: bar.update(1, pair)


def _name(pair: FilePair | None) -> str | None:
    return pair.name if pair is not None else None


def _split_mapping(item: str) -> tuple[str, str]:
    source, sep, target = item.partition("=")
    if not sep or not source or not target:
        raise click.BadParameter(f"expected SRC=TGT, got {item!r}", param_hint="--map")
    return source, target
