"""Who may see the App's status page: the operator, with ``AMTS_STATUS_TOKEN``.

The page names every tenant's repositories, private ones included, with their errors, so
it is never public. Without the setting the page does not exist (404). With it, a request
is let in by ``Authorization: Bearer <token>`` (scripts, ``curl``) or by the cookie that
``POST /login`` sets after the token was typed in a browser. The cookie holds an HMAC of
the token, not the token, so a leaked cookie does not reveal the setting and changing the
setting logs every browser out.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Request

COOKIE = "amts_status"
COOKIE_SECONDS = 12 * 3600


def cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"amts status page cookie", hashlib.sha256).hexdigest()


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def allowed(request: Request, token: str) -> bool:
    """Whether ``request`` carries the bearer token or the login cookie of ``token``."""
    if not token:
        return False
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential and same(credential.strip(), token):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and same(cookie, cookie_value(token))
