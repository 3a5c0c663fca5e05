"""The command group and what every ``amts`` command shares: errors, options, engines."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from amts.align.glossary import Glossary, load_glossary
from amts.errors import AmtsError

if TYPE_CHECKING:
    from amts.align.cache import AlignmentCache


class Failure(click.ClickException):
    """One line on stderr and exit status 2, no traceback."""

    exit_code = 2


class Command(click.Command):
    """Turns AMTS errors into one line on stderr and exit status 2, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AmtsError as exc:
            raise Failure(str(exc)) from exc


@click.group()
@click.version_option(package_name="amts")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Keep translations of a markdown book in sync with its English source."""
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def language_options(func):
    func = click.option("--tgt-lang", required=True, help="Target language code, e.g. zh.")(func)
    func = click.option("--src-lang", default="en", show_default=True)(func)
    return click.option(
        "--glossary",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Term glossary (TERMINOLOGY.md format) used as alignment anchors.",
    )(func)


def glossary_from(path: Path | None, src_lang: str, tgt_lang: str) -> Glossary | None:
    return load_glossary(path, src_lang=src_lang, tgt_lang=tgt_lang) if path else None


def make_engine(
    name: str,
    *,
    src_lang: str,
    tgt_lang: str,
    parallel_data: Path | None = None,
    glossary: Glossary | None = None,
    resource_name: str | None = None,
):
    """The engine asked for. Amazon's settings come from ``AMTS_AWS_*`` variables; the
    parallel data and glossary given on the command line are what it is steered by, in
    resources named ``resource_name`` (default ``amts-<src>-<tgt>``) unless the settings
    name them."""
    from amts.engines import create_engine

    if name != "amazon":
        return create_engine(name)
    import os

    from amts.engines.amazon import AmazonSettings

    settings = AmazonSettings.from_env(os.environ)
    options = {}
    name = resource_name or f"amts-{src_lang}-{tgt_lang}"
    if not settings.parallel_data_name:
        options["parallel_data_name"] = name
    if parallel_data is not None:
        options["parallel_data_path"] = parallel_data
    if glossary is not None:
        options["glossary"] = glossary
        if not settings.terminology_name:
            options["terminology_name"] = name
    return create_engine("amazon", settings=settings, **options)


def engine_options(help_parallel_data: str):
    """``--engine`` and ``--parallel-data``, shared by the commands that translate."""

    def decorate(func):
        from amts.engines import ENGINES

        func = click.option(
            "--parallel-data",
            type=click.Path(dir_okay=False, path_type=Path),
            help=help_parallel_data,
        )(func)
        return click.option(
            "--engine",
            "engine_name",
            type=click.Choice(sorted(ENGINES)),
            default="memory",
            show_default=True,
            help="memory: the translation memory only (offline); amazon: Amazon Translate.",
        )(func)

    return decorate


def make_updater(
    engine_name: str,
    *,
    src_lang: str,
    tgt_lang: str,
    parallel_data: Path | None,
    glossary: Path | None,
    resource_name: str | None = None,
    cache: AlignmentCache | None = None,
):
    """The updater the options ask for: translation memory, glossary, engine (its
    resources named ``resource_name``, see :func:`make_engine`); alignments cached in
    ``cache`` (default: under ``$AMTS_DATA_DIR`` when set, else for this run)."""
    from amts.align.cache import AlignmentCache
    from amts.memory import TranslationMemory
    from amts.update.updater import Updater

    terms = glossary_from(glossary, src_lang, tgt_lang)
    memory = None
    if parallel_data is not None:
        memory = TranslationMemory.from_file(parallel_data, src_lang, tgt_lang)
    engine = make_engine(
        engine_name,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        parallel_data=parallel_data,
        glossary=terms,
        resource_name=resource_name,
    )
    cache = cache if cache is not None else AlignmentCache.from_env()
    return Updater(src_lang, tgt_lang, engine, memory, terms, cache=cache)
