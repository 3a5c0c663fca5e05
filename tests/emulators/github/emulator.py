"""The emulator object: its lifecycle, the request path, and the controls tests steer it with.

One WSGI application answers three kinds of request on one loopback origin, in this
order: a fault a test queued (:mod:`.faults`), git's smart HTTP at
``/{owner}/{repo}.git/…`` (:mod:`.git_http`), and the REST API (:mod:`.app`). Every
request is logged in :attr:`GitHubEmulator.requests` after it is answered. Tests
change the emulator only through the methods here, never through HTTP back doors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import io
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.serving import BaseWSGIServer
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_input_stream

from . import git_http
from .app import create_app, serve
from .apps import issue_token
from .auth import (
    GIT_USERNAME,
    app_private_key_pem,
    basic_credentials,
    check_token,
    looks_like_jwt,
    public_key_pem,
    split_authorization,
)
from .conversation import ConversationControls
from .faults import Faults, primary_rate_limit, secondary_rate_limit, server_error
from .gitrepo import BareRepo
from .history import HistoryControls
from .oauth import USER_TOKEN_PREFIX, OAuthControls
from .protocol import JSON_CONTENT_TYPE, ApiError
from .shapes import Shapes
from .state import Installation, Repo, State


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator received it and the status it answered.

    ``auth`` says how the caller identified itself: ``"app"`` (a JWT), ``"installation"``
    (a token), ``"user"`` (a user's OAuth token), ``"basic"`` (git's Basic auth) or ``""``;
    never the credential itself.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int
    auth: str


class GitHubEmulator(HistoryControls, ConversationControls, OAuthControls):
    """GitHub's REST API and git over HTTP on ``127.0.0.1``, for one App.

    ``root`` is a directory the emulator owns (bare repositories go under it).
    """

    def __init__(
        self,
        root: Path,
        *,
        app_id: int = 4242,
        app_slug: str = "amts",
        app_name: str = "AMTS",
        private_key_pem: str | None = None,
    ) -> None:
        self.root = Path(root)
        self.app_id, self.app_slug, self.app_name = app_id, app_slug, app_name
        self.private_key_pem = private_key_pem or app_private_key_pem()
        self.public_key_pem = public_key_pem(self.private_key_pem)
        self.token_lifetime = dt.timedelta(hours=1)
        self.state = State()
        self.faults = Faults()
        self.requests: list[LoggedRequest] = []
        self.ref_updates: list[git_http.RefUpdate] = []
        self.server_errors: list[str] = []
        self.url = ""
        self._log_lock = threading.Lock()
        self._calls = 0
        self._app = create_app(self)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> GitHubEmulator:
        (self.root / "repos").mkdir(parents=True, exist_ok=True)
        self._server, self._thread = serve(self)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> GitHubEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """What ``AMTS_GITHUB_API_URL`` (PyGithub's ``base_url``) should be."""
        return self.url

    @property
    def bot_login(self) -> str:
        """The App's user, author of everything it does through the API: ``amts[bot]``."""
        return f"{self.app_slug}[bot]"

    @property
    def shapes(self) -> Shapes:
        return Shapes(self.url, self.state, self.app_id, self.app_slug, self.app_name)

    def count_call(self) -> int:
        with self._log_lock:
            self._calls += 1
            return self._calls

    # ----------------------------------------------------------------------- WSGI

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        body = get_input_stream(environ).read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        statuses: list[int] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            statuses.append(int(status.split()[0]))
            return start_response(status, headers, exc_info)

        self.faults.wait_if_held(method, path)
        fault = self.faults.take(method, path)
        git = git_http.GIT_PATH.match(path)
        if fault is not None:
            kind = "text/plain" if git else JSON_CONTENT_TYPE
            text = fault.message if git else json.dumps(fault.body())
            result = Response(text, fault.status, fault.headers, content_type=kind)(
                environ, capture
            )
        elif git:
            result = self._git(environ, body, git)(environ, capture)
        else:
            result = self._app(environ, capture)
        self._log(environ, method, path, body, statuses[0] if statuses else 500)
        return result

    def _log(
        self, environ: Mapping[str, Any], method: str, path: str, body: bytes, status: int
    ) -> None:
        scheme, credential = split_authorization(environ.get("HTTP_AUTHORIZATION", ""))
        auth = {"basic": "basic", "token": "installation"}.get(scheme, "")
        if scheme == "bearer":
            auth = "app" if looks_like_jwt(credential) else "installation"
        if auth == "installation" and credential.startswith(USER_TOKEN_PREFIX):
            auth = "user"
        parsed = None
        if body and "json" in environ.get("CONTENT_TYPE", ""):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        with self._log_lock:
            self.requests.append(LoggedRequest(method, path, query, parsed, status, auth))

    def _git(self, environ: Mapping[str, Any], body: bytes, match: Any) -> Response:
        """Git's smart HTTP for a repository the caller's installation token covers."""
        with self.state.lock:
            repo = self.state.repos.get(f"{match['owner']}/{match['name']}".lower())
            if repo is None:
                return Response("Repository not found.\n", 404, content_type="text/plain")
            if not self._git_allowed(repo, environ.get("HTTP_AUTHORIZATION", "")):
                return Response(
                    "Invalid username or token. Password authentication is not supported.\n",
                    401,
                    {"WWW-Authenticate": 'Basic realm="GitHub"'},
                    content_type="text/plain",
                )
        answer, updates = git_http.serve(
            repo.git, repo.full_name, self.root / "repos", environ, body, match, self.bot_login
        )
        with self._log_lock:
            self.ref_updates.extend(updates)
        return Response(answer.body, answer.status, answer.headers)

    def _git_allowed(self, repo: Repo, authorization: str) -> bool:
        credentials = basic_credentials(authorization)
        if credentials is None or credentials[0] != GIT_USERNAME:
            return False
        try:
            token = check_token(self.state.tokens, credentials[1])
        except ApiError:
            return False
        return token.installation_id == repo.installation_id and token.allows(repo.full_name)

    # ------------------------------------------------- installations and repositories

    def add_installation(
        self, installation_id: int, account: str, *, account_type: str = "Organization"
    ) -> None:
        """The App installed on ``account`` (an ``"Organization"`` or a ``"User"``)."""
        if account_type not in ("Organization", "User"):
            raise ValueError("account_type must be 'Organization' or 'User'")
        with self.state.lock:
            self.state.installations[installation_id] = Installation(
                installation_id, account, account_type
            )
            self.state.account_types[account.lower()] = account_type

    def add_repo(
        self,
        full_name: str,
        source: Path | str | None = None,
        *,
        from_path: Path | str | None = None,
        installation_id: int = 1,
        default_branch: str | None = None,
        private: bool = False,
        description: str | None = None,
    ) -> Path:
        """A repository cloned (bare) from the local git repository ``source``; its git dir.

        Every branch and tag of ``source`` comes along; the default branch is
        ``default_branch`` or ``source``'s current branch. Without a source the
        repository is empty. An unknown ``installation_id`` is installed on the owner.
        """
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"a repository is 'owner/name', not {full_name!r}")
        source = source if source is not None else from_path
        with self.state.lock:
            if full_name.lower() in self.state.repos:
                raise ValueError(f"{full_name} exists already")
            if installation_id not in self.state.installations:
                self.add_installation(installation_id, owner)
            path = self.root / "repos" / owner / f"{name}.git"
            bare = BareRepo.create(path, Path(source) if source else None, default_branch)
            self.state.repos[full_name.lower()] = Repo(
                id=self.state.next_id(),
                owner=owner,
                name=name,
                installation_id=installation_id,
                git=bare,
                private=private,
                description=description,
            )
        return path

    def repo(self, full_name: str) -> Repo:
        """The record of a repository (KeyError-free: GitHub's 404 as :class:`ApiError`)."""
        with self.state.lock:
            return self.state.repo(full_name)

    def clone_url(self, full_name: str) -> str:
        return f"{self.url}/{self.repo(full_name).full_name}.git"

    def git_dir(self, full_name: str) -> Path:
        return self.repo(full_name).git.path

    def git(self, full_name: str, *args: str) -> str:
        """Run any git command in the bare repository; its stdout."""
        return self.repo(full_name).git.git(*args)

    def issue_token(self, installation_id: int = 1) -> str:
        """A fresh installation token, as ``POST …/access_tokens`` would give the App."""
        return issue_token(self.state, installation_id, self.token_lifetime).value

    def expire_tokens(self) -> None:
        """Make every token issued so far expired (the next call with one is a 401)."""
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        with self.state.lock:
            for value, token in list(self.state.tokens.items()):
                self.state.tokens[value] = dataclasses.replace(token, expires_at=past)

    # --------------------------------------------------------------------- faults

    def fail_next(
        self,
        method: str,
        path: str,
        status: int = 502,
        times: int = 1,
        *,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (GitHub's JSON body).

        ``path`` is the request path without query, exact or a shell pattern
        (``/repos/o/r/pulls/*``); ``method`` may be ``"*"``. Git paths work too.
        """
        self.faults.add(method, path, server_error(status, message), times)

    def rate_limit_next(
        self,
        method: str,
        path: str,
        retry_after: int = 1,
        *,
        status: int = 403,
        times: int = 1,
        primary: bool = False,
    ) -> None:
        """Answer the next matching requests with a rate limit.

        Secondary (default): ``status`` 403 or 429, ``Retry-After: retry_after`` and
        "You have exceeded a secondary rate limit…". Primary: 403 "API rate limit
        exceeded…" with ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset`` in
        ``retry_after`` seconds, no ``Retry-After``.
        """
        error = (
            primary_rate_limit(retry_after)
            if primary
            else secondary_rate_limit(retry_after, status)
        )
        self.faults.add(method, path, error, times)

    def find_requests(
        self, method: str | None = None, path: str | None = None
    ) -> list[LoggedRequest]:
        """Logged requests with this method and path (exact or a shell pattern)."""
        with self._log_lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path is None or r.path == path or fnmatch.fnmatchcase(r.path, path))
            ]
