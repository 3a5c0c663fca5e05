"""Who is calling: the App (a JWT signed with its private key) or an installation (a token).

GitHub accepts an App's JWT only on the ``/app`` endpoints and on
``/repos/{owner}/{repo}/installation``; everything else needs an installation access
token (``ghs_…``), valid for one hour and only for its installation's repositories.
Git over HTTP takes the same token as the password of Basic auth, with the username
``x-access-token``. Any failure is GitHub's 401.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import secrets
import string
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .protocol import ApiError, bad_credentials, now

GIT_USERNAME = "x-access-token"
#: GitHub refuses a JWT whose expiry is more than ten minutes ahead; allow for clock drift.
MAX_JWT_LIFETIME = 600
CLOCK_DRIFT = 60


@functools.cache
def app_private_key_pem() -> str:
    """An RSA key for the App under test, made once per process (2048 bits, as GitHub's)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return pem.decode("ascii")


@functools.cache
def public_key_pem(private_key_pem: str) -> str:
    """The public half (cached: loading an RSA key checks it, which is slow)."""
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


@dataclass(frozen=True)
class Token:
    """An installation access token as issued; ``repositories`` None means all of them."""

    value: str
    installation_id: int
    expires_at: dt.datetime
    permissions: dict[str, str] = field(default_factory=dict)
    repositories: frozenset[str] | None = None

    def allows(self, full_name: str) -> bool:
        return self.repositories is None or full_name.split("/", 1)[1] in self.repositories


def new_token_value() -> str:
    alphabet = string.ascii_letters + string.digits
    return "ghs_" + "".join(secrets.choice(alphabet) for _ in range(36))


def split_authorization(header: str) -> tuple[str, str]:
    """``("bearer", "eyJ…")`` from ``Authorization: Bearer eyJ…``; empty strings if absent."""
    scheme, _, credential = header.strip().partition(" ")
    return scheme.lower(), credential.strip()


def looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2 and not credential.startswith("ghs_")


def verify_app_jwt(credential: str, public_key: str, app_id: int) -> None:
    """Accept a JWT only if the App's key signed it (RS256), it is current and names the App."""
    try:
        claims = jwt.decode(
            credential,
            public_key,
            algorithms=["RS256"],
            options={"require": ["iat", "exp", "iss"]},
            leeway=CLOCK_DRIFT,
        )
    except jwt.ExpiredSignatureError as exc:
        raise ApiError(
            401,
            "'Expiration time' claim ('exp') must be a numeric value representing the future "
            "time at which the assertion expires",
        ) from exc
    except jwt.PyJWTError as exc:
        raise ApiError(401, "A JSON web token could not be decoded") from exc
    if str(claims["iss"]) != str(app_id):
        raise ApiError(401, f"Integration not found for 'iss' claim {claims['iss']!r}")
    if claims["exp"] - now().timestamp() > MAX_JWT_LIFETIME + CLOCK_DRIFT:
        raise ApiError(401, "'Expiration time' claim ('exp') is too far in the future")


def basic_credentials(header: str) -> tuple[str, str] | None:
    """``(username, password)`` of ``Authorization: Basic …``, or None."""
    scheme, credential = split_authorization(header)
    if scheme != "basic":
        return None
    try:
        decoded = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def check_token(tokens: dict[str, Token], value: str) -> Token:
    """The live token ``value`` names; 401 for an unknown or expired one."""
    token = tokens.get(value)
    if token is None or token.expires_at <= now():
        raise bad_credentials()
    return token


def git_auth_env(token: str) -> dict[str, str]:
    """Environment that hands ``token`` to git (never in a URL or argv), as the bot does."""
    basic = base64.b64encode(f"{GIT_USERNAME}:{token}".encode()).decode("ascii")
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        "GIT_TERMINAL_PROMPT": "0",
    }
