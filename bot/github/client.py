"""The App's identity on GitHub: its JWT, installation tokens, and API clients that retry.

GitHub is reached only through here, and PyGithub's errors become
:class:`~bot.errors.GitHubError` at this one boundary (:func:`github_error`), with any
token masked out of the message. Installation tokens live one hour; they are kept in
memory (never on disk or in a log) and renewed five minutes before they expire, so a job
never starts a push with a token about to die.

Retries are urllib3's, through PyGithub's :class:`github.GithubRetry`: 5xx answers,
secondary rate limits and 403/429 answers with ``Retry-After`` or
``x-ratelimit-reset``. POST and PATCH are retried too (urllib3 would not): the one
non-idempotent call the App makes, opening a pull request, is preceded by a look for an
open one, and a "pull request already exists" answer to a retried POST is taken as
success by :mod:`bot.sync.run`.

Background work bounds what a hanging GitHub costs it with :func:`deadline`: inside it,
no call is tried again once the time is up, and its clients' ``timeout`` bounds each try.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import github
import jwt
from github import Auth, GithubException, GithubIntegration, GithubRetry
from urllib3.exceptions import MaxRetryError, ResponseError

from bot.errors import GitHubError

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

JWT_ISSUED_AT = -60  # seconds: GitHub's clock may be a little behind ours
JWT_EXPIRY = 540  # seconds; GitHub refuses more than 10 minutes
TOKEN_MARGIN = timedelta(minutes=5)  # renew an installation token this long before it expires
#: How long a repository's installation is remembered. The process that handles an
#: uninstall forgets it at once (:meth:`GitHubApp.forget`); the others look it up again
#: within this time, so a repository moved to another installation is not acted on with
#: the old one for longer.
INSTALLATION_SECONDS = 300.0
RETRIES = 6
MAX_RATE_LIMIT_WAIT = 300.0  # seconds: longer than this and the job fails and says so
RETRY_STATUSES = (*range(500, 600), 403, 429)
RETRY_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH"})

# When the GitHub calls of this thread's current piece of work stop being retried.
_DEADLINE: ContextVar[float | None] = ContextVar("github_deadline", default=None)

_SECRETS = re.compile(
    r"(gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,}"
    r"|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"
    r"|(?i:authorization:\s*(?:basic|bearer|token)\s+)\S+"
    r"|x-access-token:[^@\s]+)"
)


def mask(text: object, *secrets: str) -> str:
    """``text`` with tokens, JWTs, credentials in URLs/headers and ``secrets`` replaced."""
    out = str(text)
    for secret in secrets:
        if secret:
            out = out.replace(secret, "***")
    return _SECRETS.sub("***", out)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """GitHub calls made inside, in this thread, are not tried again once ``seconds`` have
    passed, nor wait past them to retry: what hangs costs ``seconds`` plus one try."""
    end = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(end if outer is None else min(outer, end))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class AppRetry(GithubRetry):
    """:class:`github.GithubRetry` that also waits for ``x-ratelimit-reset`` on a 429 or 403
    without ``Retry-After`` (GitHub's primary rate limit), up to a bound, and gives up when
    the :func:`deadline` around the call would pass before the next try."""

    def increment(  # urllib3's hook, after each failed try
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Any:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        end = _DEADLINE.get()
        if end is not None:
            after = retry.get_retry_after(response) if response is not None else None
            wait = after or retry.get_backoff_time()  # as urllib3's Retry.sleep waits
            if time.monotonic() + wait >= end:
                raise MaxRetryError(_pool, url, error or ResponseError("the deadline passed"))
        return retry

    def get_retry_after(self, response: Any) -> float | None:  # urllib3's hook
        after = super().get_retry_after(response)
        if after is not None:
            return min(after, MAX_RATE_LIMIT_WAIT)
        headers = response.headers
        reset = headers.get("x-ratelimit-reset")
        if headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
            return min(max(0.0, int(reset) - time.time()) + 1, MAX_RATE_LIMIT_WAIT)
        return None

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 429:  # always a rate limit; wait as the headers say
            return bool(self.total) and method.upper() in RETRY_METHODS
        return super().is_retry(method, status_code, has_retry_after)


def make_retry(
    *, total: int = RETRIES, secondary_rate_wait: float = 60.0, backoff_factor: float = 1.0
) -> AppRetry:
    """The retry policy of every API client."""
    return AppRetry(
        total=total,
        backoff_factor=backoff_factor,
        backoff_max=60,
        status_forcelist=list(RETRY_STATUSES),
        allowed_methods=RETRY_METHODS,
        respect_retry_after_header=True,
        raise_on_status=False,  # PyGithub raises GithubException with GitHub's message
        secondary_rate_wait=secondary_rate_wait,
        max_rate_limit_wait=MAX_RATE_LIMIT_WAIT,
    )


def github_error(exc: GithubException | Exception, doing: str) -> GitHubError:
    """The :class:`GitHubError` for a failed call: what we were doing, GitHub's status and
    message, with anything secret masked."""
    if isinstance(exc, GithubException):
        data = exc.data if isinstance(exc.data, dict) else {}
        message = data.get("message") or exc.message or str(exc.data or "")
        errors = data.get("errors")
        if errors:
            message += f" ({errors})"
        return GitHubError(mask(f"{doing}: GitHub answered {exc.status}: {message}"))
    return GitHubError(mask(f"{doing}: {type(exc).__name__}: {exc}"))


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: datetime


class GitHubApp:
    """The App: a JWT from its private key, installation tokens, clients per installation."""

    def __init__(
        self,
        settings: Settings,
        *,
        retry: AppRetry | None = None,
        timeout: int = 30,
    ) -> None:
        if settings.app_id is None or not settings.private_key:
            raise GitHubError("the App's ID and private key are needed to act on GitHub")
        self.api_url = settings.api_url.rstrip("/")
        self.app_id = settings.app_id
        self._private_key = settings.private_key
        self._retry = retry or make_retry()
        self._timeout = timeout
        self._tokens: dict[int, _Token] = {}
        self._installations: dict[str, tuple[int, float]] = {}  # repo: (id, when looked up)
        self._lock = threading.Lock()
        self._auth = Auth.AppAuth(
            self.app_id,
            sign_func=self._sign,
            jwt_expiry=JWT_EXPIRY,
            jwt_issued_at=JWT_ISSUED_AT,
        )

    def __repr__(self) -> str:
        return f"GitHubApp(app_id={self.app_id}, api_url={self.api_url!r})"

    def _sign(self, payload: dict) -> str:
        return jwt.encode(payload, self._private_key, algorithm="RS256")

    def jwt(self) -> str:
        """A fresh App JWT: issued 60 s in the past, expiring within 10 minutes."""
        return self._auth.token

    def integration(self) -> GithubIntegration:
        """PyGithub's client authenticated as the App (the ``/app`` endpoints)."""
        return GithubIntegration(
            auth=self._auth, base_url=self.api_url, retry=self._retry, timeout=self._timeout
        )

    def token(self, installation_id: int) -> str:
        """An installation token valid for at least five more minutes; cached in memory."""
        with self._lock:
            cached = self._tokens.get(installation_id)
            if cached is not None and cached.expires_at - TOKEN_MARGIN > datetime.now(UTC):
                return cached.value
            try:
                auth = self.integration().get_access_token(installation_id)
            except GithubException as exc:
                raise github_error(
                    exc, f"making a token for installation {installation_id}"
                ) from exc
            expires_at = auth.expires_at
            if expires_at.tzinfo is None:
                expires_at = expires_at.replace(tzinfo=UTC)
            self._tokens[installation_id] = _Token(auth.token, expires_at)
            log.info(
                "github.token_issued: installation=%s expires_at=%s",
                installation_id,
                expires_at.isoformat(),
            )
            return auth.token

    def client(self, installation_id: int, timeout: int | None = None) -> github.Github:
        """A PyGithub client acting as the installation, retrying as the module says;
        ``timeout`` seconds per try instead of the App's."""
        return github.Github(
            auth=Auth.Token(self.token(installation_id)),
            base_url=self.api_url,
            retry=self._retry,
            timeout=self._timeout if timeout is None else timeout,
            per_page=100,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )

    def installation_id(self, repo_full_name: str) -> int:
        """The installation of the App on ``owner/name``, remembered for
        :data:`INSTALLATION_SECONDS`."""
        key = repo_full_name.lower()
        known = self._installations.get(key)
        if known is not None and time.monotonic() - known[1] < INSTALLATION_SECONDS:
            return known[0]
        owner, _, name = repo_full_name.partition("/")
        try:
            installation = self.integration().get_repo_installation(owner, name)
        except GithubException as exc:
            raise github_error(exc, f"finding the App's installation on {repo_full_name}") from exc
        with self._lock:
            self._installations[key] = (installation.id, time.monotonic())
        return installation.id

    installation_for = installation_id  # the shared design's name

    def forget(self, installation_id: int) -> None:
        """Drop what this process remembers of an uninstalled installation: its token and
        which repositories were its (they may be installed again, by someone else)."""
        with self._lock:
            self._tokens.pop(installation_id, None)
            for repo in [r for r, (i, _) in self._installations.items() if i == installation_id]:
                del self._installations[repo]

    def mask(self, text: object) -> str:
        """``text`` with every token this App holds (and any token-like string) masked."""
        return mask(text, *(token.value for token in self._tokens.values()))
