"""``amts sync``: carry an English revision range into a translation repository."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from amts.cli.base import Command, engine_options, language_options, main, make_updater
from amts.files import atomic_output


@main.command("sync", cls=Command)
@click.option("--source-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--target-repo", required=True, type=click.Path(file_okay=False, path_type=Path))
@language_options
@click.option(
    "--from",
    "from_rev",
    metavar="REV",
    help="English revision the translation follows. Default: the target's .amts/state.json.",
)
@click.option("--to", "to_rev", metavar="REV", help="English revision to sync to. Default: HEAD.")
@engine_options("Translation memory (and ACT data). Default: mined from the target repository.")
@click.option("--branch", help="Branch to create in the target. Default: amts/sync-<--to>.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="English paths not to carry, besides README.md, CONTRIBUTING.md, STYLE_GUIDE.md "
    "and .github/* (repeatable).",
)
@click.option(
    "--max-file-bytes",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Skip (with a note) markdown files larger than N bytes. Default: 1000000.",
)
@click.option(
    "--catch-up",
    "catch_up",
    multiple=True,
    metavar="PATH[#LABEL]",
    help="Carry all the lag of this English file, directory or section (by :label: or "
    "heading) instead of a revision range, up to --to (default: the English the target "
    "follows); repeatable. `amts lag` shows the lag.",
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
    max_file_bytes: int | None,
    catch_up: tuple[str, ...],
    pr_body: Path | None,
    report_path: Path | None,
) -> None:
    """Carry the English changes --from..--to into the translation, as one commit on a new
    branch of the target repository (never pushed); print the pull request's title.

    Exit status: 0 when done or when there is nothing to sync, 1 when no English change
    could be carried (see --report), 2 on an error that changed nothing.
    """
    import shlex

    from amts.collector import one_shot
    from amts.errors import InputError
    from amts.files import MAX_FILE_BYTES
    from amts.sync.git import GitRepo
    from amts.sync.report import render_pr_body, summary_lines, write_report
    from amts.sync.synchronizer import DEFAULT_EXCLUDE, Synchronizer

    updater = make_updater(
        engine_name,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        parallel_data=parallel_data,
        glossary=glossary,
    )
    with (
        one_shot(),  # one process, one sync: the memory lives to the end
        GitRepo(source_repo, "source") as source,
        GitRepo(target_repo, "target") as target,
    ):
        excluded = (*DEFAULT_EXCLUDE, *exclude)
        limit = max_file_bytes or MAX_FILE_BYTES
        synchronizer = Synchronizer(
            source,
            target,
            updater,
            excluded,
            max_file_bytes=limit,
            keep_reports=report_path is not None,  # the JSON report has every block
        )
        if catch_up:
            if from_rev:
                raise InputError(
                    "--from and --catch-up do not go together: a catch-up "
                    "carries everything a file lags on; drop --from"
                )
            result = synchronizer.catch_up(catch_up, to_rev, branch)
        else:
            result = synchronizer.run(from_rev, to_rev, branch)
    for line in summary_lines(result):
        click.echo(line, err=True)
    if report_path is not None and result.files:
        write_report(result, report_path)
    if result.nothing:
        # Nothing to do is a success; English changes that could not be carried are not.
        sys.exit(1 if result.failed else 0)
    retry = ["amts", "sync", "--source-repo", source_repo, "--target-repo", target_repo]
    retry += ["--src-lang", src_lang, "--tgt-lang", tgt_lang]
    retry += [item for path in catch_up for item in ("--catch-up", path)] or ["--from", result.base]
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
        with atomic_output(pr_body) as out:
            out.write(body)
    click.echo(result.title)
