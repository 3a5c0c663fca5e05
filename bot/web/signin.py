"""Sign in with GitHub (optional): a maintainer sees the status page's rows of the
repositories they can write to, and nothing of anyone else's.

Off unless ``AMTS_GITHUB_CLIENT_ID`` and ``AMTS_GITHUB_CLIENT_SECRET`` are set (the GitHub
App's own OAuth credentials, on its settings page, whose callback URL is
``<AMTS_PUBLIC_URL>/oauth/callback``). GitHub's web flow: ``/oauth/start`` sends the
browser to GitHub with a random ``state`` kept in a cookie; ``/oauth/callback`` checks it,
trades the code for the user's token, server to server, and asks GitHub with that token
which of the repositories the App keeps records of the user can push to
(``permissions.push`` of ``GET /repos/{o}/{r}``: GitHub's answer, not ours). Only the login
and that list are kept, in a session record in the queue's storage for
:data:`SESSION_SECONDS`; the user's token is dropped. The cookie holds the session's random
id and the storage its hash, so the storage does not hold a usable cookie.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from flask import Flask, Request, Response, abort, redirect, request
from huey.constants import EmptyData

from bot.settings import Settings
from bot.web.auth import same

if TYPE_CHECKING:
    from bot.work.queue import Queue

logger = logging.getLogger(__name__)

SESSION_COOKIE = "amts_session"
STATE_COOKIE = "amts_oauth_state"
SESSION_PREFIX = "session:"
SESSION_SECONDS = 3600  # permissions change: sign in again after an hour
STATE_SECONDS = 600  # GitHub's codes live ten minutes
CALL_SECONDS = 10  # each call to GitHub
CHECK_SECONDS = 30  # all the permission checks of one sign-in
MAX_REPOS = 300  # repositories checked at one sign-in
MAX_ANSWER_BYTES = 1024 * 1024


class SignInError(Exception):
    """GitHub did not let the user in (a bad code, a refused client, GitHub down)."""


def web_url(api_url: str) -> str:
    """GitHub's web origin for its API's: ``https://github.com`` for ``api.github.com``,
    ``https://HOST`` for Enterprise's ``https://HOST/api/v3``; else the API's own origin."""
    parts = urlsplit(api_url)
    if parts.netloc == "api.github.com":
        return f"{parts.scheme}://github.com"
    if parts.path.rstrip("/").endswith("/api/v3"):
        return api_url.rstrip("/").removesuffix("/api/v3")
    return f"{parts.scheme}://{parts.netloc}"


class GitHubSignIn:
    """The App's OAuth client on GitHub, and the sessions it opened."""

    def __init__(self, settings: Settings, queue: Queue) -> None:
        self.client_id, self._secret = settings.client_id, settings.client_secret
        self.api_url, self.web_url = settings.api_url, web_url(settings.api_url)
        self.public_url = settings.public_url.rstrip("/")
        self.queue = queue

    # -- GitHub ---------------------------------------------------------------------------

    def _call(self, url: str, *, token: str = "", form: dict[str, str] | None = None) -> Any:
        headers = {"Accept": "application/json", "User-Agent": "amts-status-page"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = urlencode(form).encode() if form is not None else None
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, data=data, headers=headers), timeout=CALL_SECONDS
            ) as answer:
                return json.loads(answer.read(MAX_ANSWER_BYTES))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None  # a repository the user cannot see
            raise SignInError(f"GitHub answered {exc.code} to {urlsplit(url).path}") from exc
        except (OSError, ValueError) as exc:
            raise SignInError(f"GitHub did not answer {urlsplit(url).path}") from exc

    def user_token(self, code: str, redirect_uri: str) -> str:
        """The user's token for the code GitHub gave the browser."""
        answer = self._call(
            f"{self.web_url}/login/oauth/access_token",
            form={
                "client_id": self.client_id,
                "client_secret": self._secret,
                "code": code,
                "redirect_uri": redirect_uri,
            },
        )
        token = (answer or {}).get("access_token")
        if not token:
            raise SignInError(f"GitHub refused the code: {(answer or {}).get('error', '?')}")
        return str(token)

    def login(self, token: str) -> str:
        return str((self._call(f"{self.api_url}/user", token=token) or {})["login"])

    def writable(self, token: str, repos: Iterable[str]) -> list[str]:
        """Those of ``repos`` the token's user can push to, within :data:`CHECK_SECONDS`."""
        deadline = time.monotonic() + CHECK_SECONDS
        mine = []
        for n, repo in enumerate(sorted(set(repos))):
            if n >= MAX_REPOS or time.monotonic() > deadline:
                logger.warning("status.signin_checks_cut checked=%d", n)
                break
            answer = self._call(f"{self.api_url}/repos/{quote(repo)}", token=token)
            if answer and (answer.get("permissions") or {}).get("push"):
                mine.append(repo.lower())
        return mine

    # -- sessions -------------------------------------------------------------------------

    def open_session(self, login: str, repos: list[str]) -> str:
        """A new session's id (for the cookie); expired ones are dropped meanwhile."""
        storage = self.queue.storage
        for key, value in storage.result_items().items():
            if key.startswith(SESSION_PREFIX) and json.loads(bytes(value))["until"] < time.time():
                storage.delete_data(key)
        session = secrets.token_urlsafe(32)
        record = {"login": login, "repos": repos, "until": time.time() + SESSION_SECONDS}
        storage.put_data(_key(session), json.dumps(record).encode())
        return session

    def session(self, req: Request) -> dict[str, Any] | None:
        """The signed-in user's session (``login``, ``repos``), if the cookie names a live one."""
        session = req.cookies.get(SESSION_COOKIE, "")
        if not session:
            return None
        value = self.queue.storage.peek_data(_key(session))
        if value is EmptyData:
            return None
        record = json.loads(bytes(value))
        return record if record["until"] > time.time() else None

    def close_session(self, req: Request) -> None:
        session = req.cookies.get(SESSION_COOKIE, "")
        if session:
            self.queue.storage.delete_data(_key(session))

    def redirect_uri(self) -> str:
        base = self.public_url or request.host_url.rstrip("/")
        return f"{base}/oauth/callback"

    def add_routes(self, app: Flask, repos: Any) -> None:
        """``/oauth/start``, ``/oauth/callback`` and ``/logout``; ``repos()`` names every
        repository the App keeps records of (the candidates a user may see)."""

        @app.get("/oauth/start")
        def oauth_start() -> Response:
            state = secrets.token_urlsafe(24)
            query = urlencode(
                {"client_id": self.client_id, "redirect_uri": self.redirect_uri(), "state": state}
            )
            answer = redirect(f"{self.web_url}/login/oauth/authorize?{query}", code=302)
            _cookie(answer, STATE_COOKIE, state, STATE_SECONDS)
            return answer

        @app.get("/oauth/callback")
        def oauth_callback() -> Response:
            state, expected = request.args.get("state", ""), request.cookies.get(STATE_COOKIE, "")
            code = request.args.get("code", "")
            if not expected or not same(state, expected) or not code:
                logger.warning("status.signin_refused reason=state does not match")
                abort(400, "the sign-in expired or did not start here; sign in again")
            try:
                token = self.user_token(code, self.redirect_uri())
                login = self.login(token)
                mine = self.writable(token, repos())
            except (SignInError, KeyError, TypeError) as exc:
                logger.warning("status.signin_failed error=%s", exc)
                abort(502, "GitHub did not confirm the sign-in; try again")
            logger.info("status.signed_in user=%s repos=%d", login, len(mine))
            answer = redirect(f"{self.public_url}/" if self.public_url else "../", code=303)
            _cookie(answer, SESSION_COOKIE, self.open_session(login, mine), SESSION_SECONDS)
            answer.delete_cookie(STATE_COOKIE)
            return answer

        @app.post("/logout")
        def logout() -> Response:
            self.close_session(request)
            answer = redirect("./", code=303)
            answer.delete_cookie(SESSION_COOKIE)
            return answer


def known_repos(queue: Queue) -> list[str]:
    """Every repository the status records name: translations and English books."""
    status = queue.status
    return [r["target_repo"] for r in status.all()] + [s["source_repo"] for s in status.sources()]


def _key(session: str) -> str:
    return SESSION_PREFIX + hashlib.sha256(session.encode()).hexdigest()


def _cookie(answer: Response, name: str, value: str, seconds: int) -> None:
    """Never readable by scripts; Lax, not Strict: the browser arrives from GitHub's
    redirect, and a Strict cookie set there would not be sent on the way to the page."""
    answer.set_cookie(
        name, value, max_age=seconds, httponly=True, samesite="Lax", secure=request.is_secure
    )
