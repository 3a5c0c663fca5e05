"""``amts lag``: how far each translated file is behind the English."""

from __future__ import annotations

import json
from pathlib import Path

import click

from amts.cli.base import Command, main


@main.command("lag", cls=Command)
@click.option("--source-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--tgt-lang", required=True, help="Target language code, e.g. zh.")
@click.option("--src-lang", default="en", show_default=True)
@click.option("--rev", metavar="REV", help="English revision to measure against. Default: HEAD.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="English paths that are not the book, besides README.md, CONTRIBUTING.md, "
    "STYLE_GUIDE.md and .github/* (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="The fixed JSON shape the App reads.")
def lag(
    source_repo: Path,
    target_repo: Path,
    tgt_lang: str,
    src_lang: str,
    rev: str | None,
    exclude: tuple[str, ...],
    as_json: bool,
) -> None:
    """Per translated file: English blocks up to date, behind or missing; English files with
    no translation; translations whose English is gone (and where it went). Totals per
    chapter and for the language. `amts sync --catch-up PATH` carries a file's lag."""
    from amts.lag.measure import measure_lag
    from amts.sync.synchronizer import DEFAULT_EXCLUDE

    report = measure_lag(
        source_repo,
        target_repo,
        tgt_lang,
        rev=rev,
        src_lang=src_lang,
        exclude=(*DEFAULT_EXCLUDE, *exclude),
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.table(), nl=False)
