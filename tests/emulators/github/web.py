"""What every endpoint does around its own work: find the emulator, check who calls,
read the JSON body, answer JSON (paged when it is a list)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import Response, current_app, request

from .auth import Token, check_token, looks_like_jwt, split_authorization, verify_app_jwt
from .protocol import JSON_CONTENT_TYPE, ApiError, not_found, paginate
from .state import Repo

if TYPE_CHECKING:
    from .emulator import GitHubEmulator


def emulator() -> GitHubEmulator:
    return current_app.extensions["github_emulator"]  # type: ignore[no-any-return]


def respond(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status, headers or {}, content_type=JSON_CONTENT_TYPE)


def page(items: Sequence[Any], *, key: str | None = None, **extra: Any) -> Response:
    """One page of a list; with ``key``, wrapped as ``{"total_count": n, key: [...]}``."""
    chosen, headers = paginate(items, request.base_url, request.args.to_dict())
    if key is None:
        return respond(chosen, headers=headers)
    return respond({"total_count": len(items), **extra, key: chosen}, headers=headers)


def json_body() -> dict[str, Any]:
    """The request's JSON object; GitHub's 400 when it is not one."""
    if not request.get_data():
        return {}
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    return data


def require_app() -> None:
    """The caller must be the App, with a JWT its private key signed."""
    scheme, credential = split_authorization(request.headers.get("Authorization", ""))
    if scheme != "bearer" or not looks_like_jwt(credential):
        raise ApiError(
            401,
            "A JSON web token could not be decoded" if credential else "Requires authentication",
        )
    emu = emulator()
    verify_app_jwt(credential, emu.public_key_pem, emu.app_id)


def require_token() -> Token:
    """The caller must be an installation, with a live token (``token`` or ``Bearer``)."""
    scheme, credential = split_authorization(request.headers.get("Authorization", ""))
    if scheme not in ("token", "bearer") or not credential:
        raise ApiError(401, "Requires authentication")
    with emulator().state.lock:
        return check_token(emulator().state.tokens, credential)


def repo_access(owner: str, name: str) -> Repo:
    """The repository, if the caller's installation token covers it; GitHub's 404 if not."""
    token = require_token()
    state = emulator().state
    with state.lock:
        repo = state.repo(f"{owner}/{name}")
        if repo.installation_id != token.installation_id or not token.allows(repo.full_name):
            raise not_found()
        return repo


def actor() -> str:
    """Who a write through the API is made by: the App's bot user."""
    return emulator().shapes.bot_login
