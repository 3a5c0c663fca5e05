"""``amts update-file``: carry one English change into its translation."""

from __future__ import annotations

from pathlib import Path

import click

from amts.book import document
from amts.cli.base import Command, engine_options, language_options, main, make_updater
from amts.files import atomic_output


def markdown_report_path(report: Path, *outputs: Path) -> Path:
    """``report.json`` → ``report.md``, never one of the translation files being written."""
    candidate = report.with_suffix(".md")
    taken = {path.resolve() for path in outputs}
    if candidate.resolve() in taken or candidate.resolve() == report.resolve():
        candidate = report.with_name(report.name + ".md")
    return candidate


@main.command("update-file", cls=Command)
@click.option("--old-source", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--new-source", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--old-target", required=True, type=click.Path(dir_okay=False, path_type=Path))
@language_options
@engine_options("Parallel data of the target repo: the translation memory (and ACT data).")
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

    updater = make_updater(
        engine_name,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        parallel_data=parallel_data,
        glossary=glossary,
    )
    documents = [document.load(p) for p in (old_source, new_source, old_target)]
    text, report = updater.update(*documents, path=str(old_target))
    with atomic_output(output) as out:
        out.write(text)
    if report_path is not None:
        from amts import report as reports

        reports.write_json(report, report_path)
        with atomic_output(markdown_report_path(report_path, output)) as out:
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
