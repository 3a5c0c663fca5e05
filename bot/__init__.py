"""The GitHub App around the AMTS core (webhooks, comment commands, pull requests, jobs).

Nothing here yet: the roadmap builds it on top of ``amts`` (see README, "Roadmap").
``amts`` never imports from this package.
"""
