"""``amts demo``: the main job on the sample book, offline."""

from __future__ import annotations

from pathlib import Path

import click

from amts.cli.base import Command, main


@main.command(cls=Command)
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
