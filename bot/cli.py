"""The ``amts`` console script: the core's commands plus ``serve``, ``worker`` and
``check-settings``.

The App's commands are added to :data:`amts.cli.main` here, so the core never imports
the App; ``pyproject.toml`` points the ``amts`` script at this module's ``main``.
"""

from __future__ import annotations

import logging

import click

from amts.cli import main
from amts.cli.base import Command, Failure
from bot.demo import add_bot_option
from bot.errors import BotError
from bot.settings import Settings

__all__ = ["main"]

add_bot_option(main.commands["demo"])


class BotCommand(Command):
    """Settings and other App errors: one line naming what to fix, exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BotError as exc:
            raise Failure(str(exc)) from exc


def _log_bot_lines(settings: Settings) -> None:
    from bot.logs import configure

    configure(min(logging.INFO, logging.getLogger().getEffectiveLevel()), settings.log_format)


@main.command(cls=BotCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0: any free."
)
@click.option(
    "--workers",
    type=click.IntRange(0),
    help="Worker processes running the jobs (default: one per core; 0: only receive and queue).",
)
@click.option(
    "--in-process",
    is_flag=True,
    hidden=True,
    help="Run the jobs as threads of the web process, as before worker processes (benchmarks).",
)
def serve(host: str, port: int, workers: int | None, in_process: bool) -> None:
    """Run the GitHub App on this machine: webhook server and worker processes.

    Settings come from AMTS_* variables (AMTS_WEBHOOK_SECRET is required); the queue is
    SQLite under AMTS_DATA_DIR unless AMTS_QUEUE_URL names another.
    """
    from bot.web.serve import run_server
    from bot.work.supervisor import default_workers

    settings = Settings.from_env()
    if workers is None:
        workers = default_workers()
    if workers:
        settings.require_app()
    _log_bot_lines(settings)
    run_server(
        settings,
        host,
        port,
        workers,
        announce=lambda url: click.echo(f"amts serve: listening on {url}", err=True),
        in_process=in_process,
    )


@main.command(cls=BotCommand)
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1), help="Job threads."
)
def worker(workers: int) -> None:
    """Run the App's jobs from the shared queue (AMTS_QUEUE_URL, Redis for many workers)."""
    from bot.work.worker import run_worker

    settings = Settings.from_env()
    _log_bot_lines(settings)
    run_worker(settings, workers)


@main.command("check-settings", cls=BotCommand)
def check_settings() -> None:
    """Check the App's settings and exit: 0 when the web process and the workers would
    start with them, else one line naming the variable to fix (exit status 2).

    deploy/docker-compose.yml runs it once before web and worker: a configuration error
    fails the same way on every restart, so it stops ``docker compose up`` instead of
    restarting the containers for ever.
    """
    settings = Settings.from_env()
    settings.require_app()
    click.echo("amts: settings are valid", err=True)


if __name__ == "__main__":
    main()
