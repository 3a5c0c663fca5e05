"""The App's own endpoints: who it is, where it is installed, and installation tokens.

``GET /app``, ``GET /app/installations[/{id}]``, ``GET /repos/{o}/{r}/installation`` and
``POST /app/installations/{id}/access_tokens`` take the App's JWT; the token they issue
lasts :attr:`GitHubEmulator.token_lifetime` (GitHub: one hour) and is what
``GET /installation/repositories`` and every repository endpoint then require.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response

from .auth import Token, new_token_value
from .protocol import iso, not_found, now, validation_failed
from .shapes import APP_PERMISSIONS
from .state import State
from .web import emulator, json_body, page, require_app, require_token, respond

blueprint = Blueprint("apps", __name__)


def issue_token(
    state: State,
    installation_id: int,
    lifetime: dt.timedelta,
    *,
    repositories: list[str] | None = None,
    permissions: dict[str, str] | None = None,
) -> Token:
    """A new token for the installation, optionally narrowed to some of its repositories."""
    with state.lock:
        state.installation(installation_id)
        if repositories is not None:
            names = {r.name for r in state.repos.values() if r.installation_id == installation_id}
            unknown = [name for name in repositories if name not in names]
            if unknown:
                raise validation_failed("Installation", "repositories", "invalid", unknown[0])
        token = Token(
            value=new_token_value(),
            installation_id=installation_id,
            expires_at=now() + lifetime,
            permissions=dict(permissions or APP_PERMISSIONS),
            repositories=frozenset(repositories) if repositories is not None else None,
        )
        state.tokens[token.value] = token
        return token


@blueprint.get("/app")
def get_app() -> Response:
    require_app()
    return respond(emulator().shapes.app())


@blueprint.get("/app/installations")
def list_installations() -> Response:
    require_app()
    emu = emulator()
    with emu.state.lock:
        installations = sorted(emu.state.installations.values(), key=lambda i: i.id)
        return page([emu.shapes.installation(i) for i in installations])


@blueprint.get("/app/installations/<int:installation_id>")
def get_installation(installation_id: int) -> Response:
    require_app()
    emu = emulator()
    with emu.state.lock:
        return respond(emu.shapes.installation(emu.state.installation(installation_id)))


@blueprint.post("/app/installations/<int:installation_id>/access_tokens")
def create_access_token(installation_id: int) -> Response:
    require_app()
    emu = emulator()
    body = json_body()
    repositories = body.get("repositories")
    if body.get("repository_ids"):
        with emu.state.lock:
            by_id = {r.id: r.name for r in emu.state.repos.values()}
        repositories = [
            *(repositories or []),
            *(by_id.get(i, str(i)) for i in body["repository_ids"]),
        ]
    token = issue_token(
        emu.state,
        installation_id,
        emu.token_lifetime,
        repositories=repositories,
        permissions=body.get("permissions") or None,
    )
    answer = {
        "token": token.value,
        "expires_at": iso(token.expires_at),
        "permissions": token.permissions,
        "repository_selection": "selected",
    }
    if token.repositories is not None:
        with emu.state.lock:
            answer["repositories"] = [
                emu.shapes.repo(r)
                for r in emu.state.repos.values()
                if r.installation_id == installation_id and token.allows(r.full_name)
            ]
    return respond(answer, 201)


@blueprint.get("/repos/<owner>/<name>/installation")
def get_repo_installation(owner: str, name: str) -> Response:
    require_app()
    emu = emulator()
    with emu.state.lock:
        repo = emu.state.repo(f"{owner}/{name}")
        installation = emu.state.installations.get(repo.installation_id)
        if installation is None:
            raise not_found()
        return respond(emu.shapes.installation(installation))


@blueprint.get("/installation/repositories")
def list_installation_repositories() -> Response:
    token = require_token()
    emu = emulator()
    with emu.state.lock:
        repos = [
            emu.shapes.repo(r)
            for r in sorted(emu.state.repos.values(), key=lambda r: r.full_name.lower())
            if r.installation_id == token.installation_id and token.allows(r.full_name)
        ]
    return page(repos, key="repositories", repository_selection="selected")
