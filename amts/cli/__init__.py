"""The ``amts`` command line: one module per command, all registered on :data:`main`."""

from amts.cli import corpus, demo, lag, sync, update  # noqa: F401 - registers the commands
from amts.cli.base import main

__all__ = ["main"]
