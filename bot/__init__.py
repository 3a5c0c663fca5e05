"""The GitHub App around the AMTS core: webhooks, a durable queue, workers that keep one
sync pull request per translation current, and ``/amts`` comment commands.

``amts`` never imports from this package; ``bot.cli`` adds ``amts serve`` and
``amts worker`` to the ``amts`` command line.
"""
