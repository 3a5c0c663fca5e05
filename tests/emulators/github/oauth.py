"""Signing in with GitHub: the App's OAuth web flow and what a user's token may read.

GitHub's web flow for a GitHub App (its client id and secret, on the App's settings page):
the browser is sent to ``GET /login/oauth/authorize?client_id&redirect_uri&state``; GitHub
sends it back to ``redirect_uri?code&state`` (at once, for a user who authorized the App
before); the server trades the code, once and within ten minutes, at
``POST /login/oauth/access_token`` for a user token (``ghu_…``), which answers
``GET /user`` and ``GET /repos/{o}/{r}`` with the *user's* ``permissions``. A bad code or
client secret is GitHub's 200 with an ``error`` field, not an HTTP error.

The emulator has one browser: :meth:`OAuthControls.sign_in` says who is signed in to
"GitHub" in it; nobody signed in is a 401 at ``authorize``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, request

from .auth import split_authorization
from .protocol import ApiError, bad_credentials, not_found, now
from .web import emulator, respond

if TYPE_CHECKING:
    from .state import State

blueprint = Blueprint("oauth", __name__)

CODE_LIFETIME = dt.timedelta(minutes=10)
USER_TOKEN_PREFIX = "ghu_"


@dataclass(frozen=True)
class Code:
    """A code ``authorize`` gave the browser for ``login``, for one exchange."""

    login: str
    redirect_uri: str
    expires_at: dt.datetime


class OAuthControls:
    """The App's OAuth client and the browser's GitHub session, as tests steer them."""

    if TYPE_CHECKING:
        state: State

    client_id = "Iv1.amtsemulator0001"
    client_secret = "emulated-client-secret-0001"
    signed_in: str | None = None

    def sign_in(self, login: str | None) -> None:
        """``login`` is signed in to GitHub in the one browser (``None``: nobody)."""
        self.signed_in = login

    def user_token(self, login: str) -> str:
        """A user token for ``login``, as the code exchange would give it."""
        value = USER_TOKEN_PREFIX + secrets.token_hex(18)
        with self.state.lock:
            self.state.user_tokens[value] = login
        return value


def token_user() -> str | None:
    """The login of the request's user token; ``None`` when it carries another kind."""
    scheme, credential = split_authorization(request.headers.get("Authorization", ""))
    if scheme not in ("token", "bearer") or not credential.startswith(USER_TOKEN_PREFIX):
        return None
    with emulator().state.lock:
        login = emulator().state.user_tokens.get(credential)
    if login is None:
        raise bad_credentials()
    return login


@blueprint.get("/login/oauth/authorize")
def authorize() -> Response:
    emu = emulator()
    if request.args.get("client_id") != emu.client_id:
        raise not_found()
    redirect_uri = request.args.get("redirect_uri", "")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        raise ApiError(400, "redirect_uri must be an http(s) URL")
    if emu.signed_in is None:
        raise ApiError(401, "Sign in to GitHub to continue")
    code = secrets.token_hex(10)
    with emu.state.lock:
        emu.state.oauth_codes[code] = Code(emu.signed_in, redirect_uri, now() + CODE_LIFETIME)
    query = urlencode({"code": code, "state": request.args.get("state", "")})
    separator = "&" if "?" in redirect_uri else "?"
    return redirect(f"{redirect_uri}{separator}{query}", code=302)


@blueprint.post("/login/oauth/access_token")
def access_token() -> Response:
    emu = emulator()
    given = {**request.args.to_dict(), **request.form.to_dict()}
    if request.is_json:
        given.update(request.get_json(silent=True) or {})
    if given.get("client_id") != emu.client_id or not secrets.compare_digest(
        str(given.get("client_secret", "")), emu.client_secret
    ):
        return _token_answer(error="incorrect_client_credentials")
    with emu.state.lock:
        code = emu.state.oauth_codes.pop(str(given.get("code", "")), None)
    if code is None or code.expires_at <= now():
        return _token_answer(error="bad_verification_code")
    if given.get("redirect_uri") and given["redirect_uri"] != code.redirect_uri:
        return _token_answer(error="redirect_uri_mismatch")
    return _token_answer(access_token=emu.user_token(code.login), token_type="bearer", scope="")


def _token_answer(**fields: str) -> Response:
    """JSON when asked for (``Accept: application/json``), else GitHub's form encoding."""
    if "application/json" in request.headers.get("Accept", ""):
        return respond(fields)
    return Response(urlencode(fields), 200, content_type="application/x-www-form-urlencoded")


@blueprint.get("/user")
def get_user() -> Response:
    login = token_user()
    if login is None:
        raise ApiError(403, "Resource not accessible by integration")
    with emulator().state.lock:
        return respond(emulator().shapes.user(login))
