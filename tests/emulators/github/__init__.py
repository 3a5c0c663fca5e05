"""A local GitHub for tests: the REST endpoints the App uses, and git over HTTP.

PyGithub and the git command line talk to it over real HTTP on ``127.0.0.1`` exactly
as to github.com (``base_url=emulator.url``; ``clone_url`` in every repository's JSON
points at the emulator's git endpoint), so the bot's code under test is its
production code path. The App's identity is :attr:`GitHubEmulator.app_id` and
:attr:`GitHubEmulator.private_key_pem`; the emulator verifies its JWTs, issues
installation tokens and requires them on every repository call and every git request.

Tests steer it through the Python object (:meth:`~GitHubEmulator.add_repo`,
:meth:`~GitHubEmulator.push_as_human`, :meth:`~GitHubEmulator.merge_pr`,
:meth:`~GitHubEmulator.fail_next`, …) and assert on what it received
(:attr:`~GitHubEmulator.requests`, :attr:`~GitHubEmulator.ref_updates`) and on its state
(:meth:`~GitHubEmulator.pulls`, :meth:`~GitHubEmulator.comments`, git itself).

The modules: :mod:`.emulator` (the object, the request path and the test controls),
:mod:`.app` (Flask and the server), :mod:`.web` (what every endpoint shares),
:mod:`.protocol` (errors, timestamps, paging), :mod:`.auth` (JWT and tokens),
one module per group of endpoints (:mod:`.apps`, :mod:`.repos`, :mod:`.pulls`,
:mod:`.issues`, :mod:`.checks`, :mod:`.oauth` for signing in with GitHub), :mod:`.shapes`
(shared JSON shapes), :mod:`.state` (records), :mod:`.history` and :mod:`.conversation`
(the test controls over git history and over pull requests), :mod:`.gitrepo` (the bare
repositories), :mod:`.git_http` (``git http-backend``) and :mod:`.faults`.
"""

from __future__ import annotations

from .auth import GIT_USERNAME, app_private_key_pem, git_auth_env
from .emulator import GitHubEmulator, LoggedRequest
from .git_http import CREATE, DELETE, FAST_FORWARD, NON_FAST_FORWARD, RefUpdate
from .gitrepo import HUMAN, GitError, Identity
from .protocol import ApiError

__all__ = [
    "CREATE",
    "DELETE",
    "FAST_FORWARD",
    "GIT_USERNAME",
    "HUMAN",
    "NON_FAST_FORWARD",
    "ApiError",
    "GitError",
    "GitHubEmulator",
    "Identity",
    "LoggedRequest",
    "RefUpdate",
    "app_private_key_pem",
    "git_auth_env",
]
