"""The ``amts`` command line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from amts import document, formats
from amts.errors import AmtsError
from amts.glossary import Glossary, load_glossary
from amts.parallel import LEVELS, CorpusBuilder, FilePair, find_file_pairs, unit_text


class _Failure(click.ClickException):
    """One line on stderr and exit status 2, no traceback."""

    exit_code = 2


class _Command(click.Command):
    """Turns AMTS errors into one line on stderr and exit status 2, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AmtsError as exc:
            raise _Failure(str(exc)) from exc


@click.group()
@click.version_option(package_name="amts")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Keep translations of a markdown book in sync with its English source."""
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _languages(func):
    func = click.option("--tgt-lang", required=True, help="Target language code, e.g. zh.")(func)
    func = click.option("--src-lang", default="en", show_default=True)(func)
    return click.option(
        "--glossary",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Term glossary (TERMINOLOGY.md format) used as alignment anchors.",
    )(func)


def _glossary(path: Path | None, src_lang: str, tgt_lang: str) -> Glossary | None:
    return load_glossary(path, src_lang=src_lang, tgt_lang=tgt_lang) if path else None


@main.command(cls=_Command)
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@_languages
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
    """Align SOURCE (English) with TARGET (its translation): one pair per line."""
    builder = CorpusBuilder(
        src_lang, tgt_lang, level=level, glossary=_glossary(glossary, src_lang, tgt_lang)
    )
    alignment = builder.aligner.align(
        document.load(source), document.load(target), sentences=level == "sentence"
    )
    lines = []
    for src_text, tgt_text, confidence in builder._units(alignment):
        row = [unit_text(src_text), unit_text(tgt_text)]
        if with_confidence:
            row.append(f"{confidence:.3f}")
        lines.append("\t".join(row) + "\n")
    if output is None:
        sys.stdout.writelines(lines)
        return
    with formats.atomic_output(output) as out:
        out.writelines(lines)


@main.command("parallel-data", cls=_Command)
@click.option("--source-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@_languages
@click.option("--level", type=click.Choice(LEVELS), default="sentence", show_default=True)
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS), help="Default: from -o.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True)
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
        glossary=_glossary(glossary, src_lang, tgt_lang),
    )
    file_pairs = find_file_pairs(source_repo, target_repo, mapping, builder.summary)
    if not file_pairs:
        raise _Failure(f"no file pairs found in {source_repo} and {target_repo}")
    write = formats.writer(fmt or formats.format_for(output))
    try:
        with _progress(len(file_pairs)) as progress, formats.atomic_output(output) as out:
            records = builder.build(file_pairs, progress=progress)
            write(out, ((p.source, p.target) for p in records), src_lang, tgt_lang)
            if not builder.summary.files_paired:
                # Every file failed: an empty corpus must not replace a good one.
                raise _Failure(f"no file pair could be aligned; {output} was not written")
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


def make_engine(
    name: str,
    *,
    src_lang: str,
    tgt_lang: str,
    parallel_data: Path | None = None,
    glossary: Glossary | None = None,
):
    """The engine asked for. Amazon's settings come from ``AMTS_AWS_*`` variables; the
    parallel data and glossary given on the command line are what it is steered by."""
    from amts.engines import create_engine

    if name != "amazon":
        return create_engine(name)
    import os

    from amts.engines.amazon import AmazonSettings

    settings = AmazonSettings.from_env(os.environ)
    options = {}
    if not settings.parallel_data_name:
        options["parallel_data_name"] = f"amts-{src_lang}-{tgt_lang}"
    if parallel_data is not None:
        options["parallel_data_path"] = parallel_data
    if glossary is not None:
        options["glossary"] = glossary
        if not settings.terminology_name:
            options["terminology_name"] = f"amts-{src_lang}-{tgt_lang}"
    return create_engine("amazon", settings=settings, **options)


def markdown_report_path(report: Path, *outputs: Path) -> Path:
    """``report.json`` → ``report.md``, never one of the translation files being written."""
    candidate = report.with_suffix(".md")
    taken = {path.resolve() for path in outputs}
    if candidate.resolve() in taken or candidate.resolve() == report.resolve():
        candidate = report.with_name(report.name + ".md")
    return candidate


@main.command("update-file", cls=_Command)
@click.option("--old-source", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--new-source", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--old-target", required=True, type=click.Path(dir_okay=False, path_type=Path))
@_languages
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["memory", "amazon"]),
    default="memory",
    show_default=True,
)
@click.option(
    "--parallel-data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Parallel data of the target repo: the translation memory (and ACT data).",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the reviewer report as JSON here, and as markdown beside it (.md).",
)
def update_file(
    old_source: Path,
    new_source: Path,
    old_target: Path,
    src_lang: str,
    tgt_lang: str,
    glossary: Path | None,
    engine_name: str,
    parallel_data: Path | None,
    output: Path,
    report_path: Path | None,
) -> None:
    """Carry the change OLD_SOURCE → NEW_SOURCE into the translation OLD_TARGET."""
    from amts.memory import TranslationMemory
    from amts.update import Updater

    terms = _glossary(glossary, src_lang, tgt_lang)
    memory = TranslationMemory.from_file(parallel_data) if parallel_data else None
    engine = make_engine(
        engine_name,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        parallel_data=parallel_data,
        glossary=terms,
    )
    updater = Updater(src_lang, tgt_lang, engine, memory, terms)
    documents = [document.load(p) for p in (old_source, new_source, old_target)]
    text, report = updater.update(*documents, path=str(old_target))
    with formats.atomic_output(output) as out:
        out.write(text)
    if report_path is not None:
        from amts import report as reports

        reports.write_json(report, report_path)
        with formats.atomic_output(markdown_report_path(report_path, output)) as out:
            out.write(reports.render_markdown([report], json_report=report_path.name))
    counts = report.counts()
    click.echo(
        f"{len(report.changes)} blocks changed; sentences: "
        + ", ".join(f"{n} {origin}" for origin, n in counts.items() if n)
        + f"; {report.chars_sent} characters for the engine",
        err=True,
    )
    for note in report.notes[:20]:
        click.echo(f"note: {note}", err=True)


@main.command("sync", cls=_Command)
@click.option("--source-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@_languages
@click.option(
    "--from",
    "from_rev",
    metavar="REV",
    help="English revision the translation follows. Default: the target's .amts/state.json.",
)
@click.option("--to", "to_rev", metavar="REV", help="English revision to sync to. Default: HEAD.")
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["memory", "amazon"]),
    default="memory",
    show_default=True,
)
@click.option(
    "--parallel-data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Translation memory (and ACT data). Default: mined from the target repository.",
)
@click.option("--branch", help="Branch to create in the target. Default: amts/sync-<--to>.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="English paths not to carry, besides README.md, CONTRIBUTING.md, STYLE_GUIDE.md "
    "and .github/* (repeatable).",
)
@click.option(
    "--pr-body",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the pull request body (markdown) here.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the whole run as JSON here.",
)
def sync(
    source_repo: Path,
    target_repo: Path,
    src_lang: str,
    tgt_lang: str,
    glossary: Path | None,
    from_rev: str | None,
    to_rev: str | None,
    engine_name: str,
    parallel_data: Path | None,
    branch: str | None,
    exclude: tuple[str, ...],
    pr_body: Path | None,
    report_path: Path | None,
) -> None:
    """Carry the English changes --from..--to into the translation, as one commit on a new
    branch of the target repository (never pushed); print the pull request's title.

    Exit status: 0 when done or when there is nothing to sync, 1 when no English change
    could be carried (see --report), 2 on an error that changed nothing.
    """
    import shlex

    from amts.memory import TranslationMemory
    from amts.repo import GitRepo
    from amts.sync import DEFAULT_EXCLUDE, Synchronizer
    from amts.syncreport import render_pr_body, summary_lines, write_report
    from amts.update import Updater

    terms = _glossary(glossary, src_lang, tgt_lang)
    memory = None
    if parallel_data is not None:
        memory = TranslationMemory.from_file(parallel_data, src_lang, tgt_lang)
    engine = make_engine(
        engine_name,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        parallel_data=parallel_data,
        glossary=terms,
    )
    updater = Updater(src_lang, tgt_lang, engine, memory, terms)
    with GitRepo(source_repo, "source") as source, GitRepo(target_repo, "target") as target:
        excluded = (*DEFAULT_EXCLUDE, *exclude)
        result = Synchronizer(source, target, updater, excluded).run(from_rev, to_rev, branch)
    for line in summary_lines(result):
        click.echo(line, err=True)
    if report_path is not None and result.files:
        write_report(result, report_path)
    if result.nothing:
        # Nothing to do is a success; English changes that could not be carried are not.
        sys.exit(1 if result.failed else 0)
    retry = ["amts", "sync", "--source-repo", source_repo, "--target-repo", target_repo]
    retry += ["--src-lang", src_lang, "--tgt-lang", tgt_lang, "--from", result.base]
    retry += ["--to", result.to, "--engine", engine_name]
    for pattern in exclude:
        retry += ["--exclude", pattern]
    for option, value in (
        ("--parallel-data", parallel_data),
        ("--glossary", glossary),
        ("--branch", branch),
        ("--pr-body", pr_body),
        ("--report", report_path),
    ):
        if value is not None:
            retry += [option, value]
    if pr_body is not None:
        body = render_pr_body(
            result,
            src_lang=src_lang,
            retry_command=shlex.join(map(str, retry)),
            json_report=str(report_path) if report_path else None,
        )
        with formats.atomic_output(pr_body) as out:
            out.write(body)
    click.echo(result.title)


@main.command(cls=_Command)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("amts-demo"),
    show_default=True,
    help="Where the demo writes its files.",
)
def demo(out: Path) -> None:
    """The main job on the built-in sample book (examples/book): mine parallel data, carry
    an English change into the Chinese translation, write the reviewer report. Offline."""
    from amts.demo import run_demo

    run_demo(out, say=lambda line: click.echo(line))


if __name__ == "__main__":
    main()
