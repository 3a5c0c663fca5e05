"""The App's settings: read once from the environment, checked, then passed around.

Nothing reads ``os.environ`` at import time; :meth:`Settings.from_env` is called by the
app factory and the ``amts serve`` / ``amts worker`` commands, and every problem it finds
is a :class:`SettingsError` whose message starts with the variable to fix.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from amts.files import MAX_FILE_BYTES
from bot.errors import SettingsError
from bot.logs import LOG_FORMATS

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_DATA_DIR = "./amts-data"
DEFAULT_RECONCILE_MINUTES = 15
DEFAULT_LOCK_SECONDS = 120
DEFAULT_JOB_SECONDS = 900
_PAUSE_PATTERN = re.compile(r"^[a-z0-9*][a-z0-9*-]*/[a-z0-9._*-]+$")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@dataclass(frozen=True)
class Settings:
    """What the web app and the workers need to know; ``repr`` never shows a secret."""

    webhook_secret: str = field(repr=False)
    app_id: int | None = None
    private_key: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    queue_url: str = ""
    reconcile_minutes: int = DEFAULT_RECONCILE_MINUTES
    lock_seconds: int = DEFAULT_LOCK_SECONDS
    job_seconds: int = DEFAULT_JOB_SECONDS
    max_file_bytes: int = MAX_FILE_BYTES
    #: owners' logins and installation ids (lower case) allowed paid engines
    paid_engines: frozenset[str] = frozenset()
    log_format: str = "text"
    paused: tuple[str, ...] = ()  # repositories (patterns) the App leaves alone; "*": all
    status_token: str = field(default="", repr=False)  # "" : / and /status.json answer 404
    public_url: str = ""  # where the App's page is, for links from the status issue
    #: the App's OAuth client ("Sign in with GitHub" on the status page); "": off
    client_id: str = ""
    client_secret: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if not self.queue_url:
            object.__setattr__(self, "queue_url", f"sqlite:///{self.data_dir / 'queue.db'}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``environ`` (default ``os.environ``); see the README's table."""
        env = os.environ if environ is None else environ
        secret = env.get("AMTS_WEBHOOK_SECRET", "")
        if not secret:
            raise SettingsError("AMTS_WEBHOOK_SECRET", "required: the App's webhook secret")
        data_dir = Path(env.get("AMTS_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
        queue_url = env.get("AMTS_QUEUE_URL") or f"sqlite:///{data_dir / 'queue.db'}"
        check_queue_url(queue_url)
        return cls(
            webhook_secret=secret,
            app_id=_app_id(env),
            private_key=_private_key(env),
            api_url=_api_url(env),
            data_dir=data_dir,
            queue_url=queue_url,
            reconcile_minutes=_positive_int(
                env, "AMTS_RECONCILE_MINUTES", DEFAULT_RECONCILE_MINUTES
            ),
            lock_seconds=_positive_int(env, "AMTS_LOCK_SECONDS", DEFAULT_LOCK_SECONDS),
            job_seconds=_positive_int(env, "AMTS_JOB_SECONDS", DEFAULT_JOB_SECONDS),
            max_file_bytes=_positive_int(env, "AMTS_MAX_FILE_BYTES", MAX_FILE_BYTES),
            paid_engines=frozenset(
                word.strip().lower()
                for word in env.get("AMTS_PAID_ENGINES", "").split(",")
                if word.strip()
            ),
            log_format=_log_format(env),
            paused=_paused(env),
            status_token=_status_token(env),
            public_url=env.get("AMTS_PUBLIC_URL", "").strip(),
            **_oauth_client(env),
        )

    def is_paused(self, *repos: str) -> bool:
        """Whether any of ``repos`` (``owner/name``) is paused by ``AMTS_PAUSED``."""
        return any(
            fnmatch.fnmatchcase(repo.lower(), pattern) for pattern in self.paused for repo in repos
        )

    def require_app(self) -> None:
        """Fail now, naming the variable, if the workers could not act as the App."""
        if self.app_id is None:
            raise SettingsError("AMTS_GITHUB_APP_ID", "required to run jobs; set the App's ID")
        if self.private_key is None:
            raise SettingsError(
                "AMTS_GITHUB_PRIVATE_KEY",
                "required to run jobs; set it (PEM text) or AMTS_GITHUB_PRIVATE_KEY_FILE",
            )


def check_queue_url(url: str) -> None:
    """``sqlite:///path`` or ``redis://host[:port][/db]``; anything else names the variable."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if parts.netloc or not parts.path or parts.path == "/":
            raise SettingsError("AMTS_QUEUE_URL", f"{url!r}: expected sqlite:///<path to a file>")
        return
    if parts.scheme in ("redis", "rediss"):
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise SettingsError("AMTS_QUEUE_URL", f"{_redacted(url)}: bad port") from None
        db = parts.path.strip("/")
        if not parts.hostname or (db and not db.isdigit()):
            raise SettingsError(
                "AMTS_QUEUE_URL", f"{_redacted(url)}: expected redis://host:port/db"
            )
        return
    raise SettingsError(
        "AMTS_QUEUE_URL",
        f"{_redacted(url)}: unsupported scheme, use sqlite:///path or redis://host:port/db",
    )


def _redacted(url: str) -> str:
    """The URL without a password, for messages (``redis://:secret@host`` is common)."""
    parts = urlsplit(url)
    if parts.password is None:
        return repr(url)
    netloc = parts.netloc.replace(parts.password, "***")
    return repr(parts._replace(netloc=netloc).geturl())


def _app_id(env: Mapping[str, str]) -> int | None:
    value = env.get("AMTS_GITHUB_APP_ID", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise SettingsError("AMTS_GITHUB_APP_ID", f"{value!r} is not a number")
    return int(value)


def _private_key(env: Mapping[str, str]) -> str | None:
    text = env.get("AMTS_GITHUB_PRIVATE_KEY", "")
    path = env.get("AMTS_GITHUB_PRIVATE_KEY_FILE", "")
    if text and path:
        raise SettingsError(
            "AMTS_GITHUB_PRIVATE_KEY", "set either it or AMTS_GITHUB_PRIVATE_KEY_FILE, not both"
        )
    variable = "AMTS_GITHUB_PRIVATE_KEY"
    if path:
        variable = "AMTS_GITHUB_PRIVATE_KEY_FILE"
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingsError(variable, f"cannot read {path}: {exc.strerror}") from exc
    if not text:
        return None
    text = text.replace("\\n", "\n")  # one-line PEM, as some secret stores keep it
    if not _PEM.search(text):
        raise SettingsError(variable, "not a PEM private key (-----BEGIN … PRIVATE KEY-----)")
    return text


def _api_url(env: Mapping[str, str]) -> str:
    url = (env.get("AMTS_GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError("AMTS_GITHUB_API_URL", f"{url!r} is not an http(s) URL")
    return url


def _status_token(env: Mapping[str, str]) -> str:
    """``AMTS_STATUS_TOKEN``: the bearer token of the status page; long enough to guess."""
    token = env.get("AMTS_STATUS_TOKEN", "").strip()
    if token and len(token) < 16:
        raise SettingsError("AMTS_STATUS_TOKEN", "too short: use 16 characters or more")
    return token


def _oauth_client(env: Mapping[str, str]) -> dict[str, str]:
    """``AMTS_GITHUB_CLIENT_ID`` and ``AMTS_GITHUB_CLIENT_SECRET``: both, or neither."""
    client_id = env.get("AMTS_GITHUB_CLIENT_ID", "").strip()
    client_secret = env.get("AMTS_GITHUB_CLIENT_SECRET", "").strip()
    if bool(client_id) != bool(client_secret):
        missing = "AMTS_GITHUB_CLIENT_SECRET" if client_id else "AMTS_GITHUB_CLIENT_ID"
        raise SettingsError(missing, "set both client settings to sign in with GitHub, or neither")
    return {"client_id": client_id, "client_secret": client_secret}


def _paused(env: Mapping[str, str]) -> tuple[str, ...]:
    patterns = tuple(p.strip().lower() for p in env.get("AMTS_PAUSED", "").split(",") if p.strip())
    for pattern in patterns:
        if pattern != "*" and not _PAUSE_PATTERN.match(pattern):
            raise SettingsError(
                "AMTS_PAUSED", f"{pattern!r}: expected *, owner/name or owner/*, comma-separated"
            )
    return patterns


def _log_format(env: Mapping[str, str]) -> str:
    value = (env.get("AMTS_LOG_FORMAT") or "text").strip().lower()
    if value not in LOG_FORMATS:
        raise SettingsError(
            "AMTS_LOG_FORMAT", f"{value!r}: expected one of {', '.join(LOG_FORMATS)}"
        )
    return value


def _positive_int(env: Mapping[str, str], variable: str, default: int) -> int:
    value = env.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(variable, f"{value!r} is not a whole number ≥ 1")
    return int(value)
