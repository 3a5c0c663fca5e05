"""A repository and what git knows of it: ``GET /repos/{o}/{r}``, its branches, commits and
files (``contents``), and a collaborator's permission.

Branches, commits and files are read from the bare repository at each request.
"""

from __future__ import annotations

import base64
import textwrap
import urllib.parse

from flask import Blueprint, Response, request

from .gitrepo import TreeEntry
from .oauth import token_user
from .protocol import ApiError, not_found, validation_failed
from .state import Repo
from .web import emulator, page, repo_access, respond

blueprint = Blueprint("repos", __name__)

#: GitHub's ``permission`` keeps the legacy base roles; ``role_name`` has the real one.
LEGACY_PERMISSION = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
    "none": "none",
}
CONTENT_TYPES = {"blob": "file", "tree": "dir", "commit": "submodule"}


@blueprint.get("/repos/<owner>/<name>")
def get_repo(owner: str, name: str) -> Response:
    """As the App's installation sees it, or as a signed-in user does: ``permissions``
    are then that user's, and a private repository they have no role on is a 404."""
    login = token_user()
    if login is None:
        repo = repo_access(owner, name)
        role = "write"
    else:
        with emulator().state.lock:
            repo = emulator().state.repo(f"{owner}/{name}")
            role = repo.role(login)
        if role == "none" and repo.private:
            raise not_found()
        role = "read" if role == "none" else role  # anyone reads a public repository
    with emulator().state.lock:
        return respond(emulator().shapes.repo(repo, viewer_role=role))


@blueprint.get("/repos/<owner>/<name>/branches")
def list_branches(owner: str, name: str) -> Response:
    repo = repo_access(owner, name)
    api = emulator().shapes.api(f"/repos/{repo.full_name}/commits")
    branches = [
        {"name": branch, "commit": {"sha": sha, "url": f"{api}/{sha}"}, "protected": False}
        for branch, sha in sorted(repo.git.branches().items())
    ]
    return page(branches)


@blueprint.get("/repos/<owner>/<name>/branches/<path:branch>")
def get_branch(owner: str, name: str, branch: str) -> Response:
    repo = repo_access(owner, name)
    sha = repo.git.branch(branch)
    if sha is None:
        raise ApiError(404, "Branch not found")
    return respond(emulator().shapes.branch(repo, branch, repo.git.commit(sha)))


@blueprint.get("/repos/<owner>/<name>/commits/<path:ref>")
def get_commit(owner: str, name: str, ref: str) -> Response:
    repo = repo_access(owner, name)
    sha = repo.git.resolve(ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return respond(emulator().shapes.commit(repo, repo.git.commit(sha), files=True))


#: Larger files come without their content from the contents API (as on GitHub).
MAX_CONTENTS_BYTES = 1024 * 1024


@blueprint.get("/repos/<owner>/<name>/contents", strict_slashes=False)
@blueprint.get("/repos/<owner>/<name>/contents/<path:path>")
def get_contents(owner: str, name: str, path: str = "") -> Response:
    """A file with its content in base64, or a directory's entries without."""
    repo = repo_access(owner, name)
    ref = request.args.get("ref") or repo.default_branch
    sha = repo.git.resolve(ref)
    if sha is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    found = repo.git.entry(sha, path)
    if found is None:
        raise not_found()
    if found.type == "tree":
        return respond([content(repo, ref, entry) for entry in repo.git.list_dir(sha, path)])
    answer = content(repo, ref, found)
    if found.type == "blob" and found.size > MAX_CONTENTS_BYTES:
        answer.update(content="", encoding="none")  # GitHub's answer for 1 MB to 100 MB
    elif found.type == "blob":
        encoded = base64.b64encode(repo.git.blob(found.sha)).decode("ascii")
        answer.update(content="\n".join(textwrap.wrap(encoded, 60)) + "\n", encoding="base64")
    return respond(answer)


def content(repo: Repo, ref: str, entry: TreeEntry) -> dict[str, object]:
    """``content-file``/``content-directory`` item of one tree entry."""
    shapes = emulator().shapes
    quoted = urllib.parse.quote(entry.path)
    kind = "symlink" if entry.mode == "120000" else CONTENT_TYPES[entry.type]
    url = shapes.api(f"/repos/{repo.full_name}/contents/{quoted}?ref={urllib.parse.quote(ref)}")
    git_kind = "trees" if entry.type == "tree" else "blobs"
    git_url = shapes.api(f"/repos/{repo.full_name}/git/{git_kind}/{entry.sha}")
    html_kind = "tree" if entry.type == "tree" else "blob"
    html_url = f"{shapes.url}/{repo.full_name}/{html_kind}/{ref}/{quoted}"
    return {
        "type": kind,
        "size": entry.size,
        "name": entry.path.rsplit("/", 1)[-1],
        "path": entry.path,
        "sha": entry.sha,
        "url": url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": (
            f"{shapes.url}/{repo.full_name}/raw/{ref}/{quoted}" if kind == "file" else None
        ),
        "_links": {"self": url, "git": git_url, "html": html_url},
    }


@blueprint.get("/repos/<owner>/<name>/collaborators/<login>/permission")
def get_permission(owner: str, name: str, login: str) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        role = repo.role(login)
        user = emu.shapes.user(login)
        user["permissions"] = emu.shapes.repo(repo, viewer_role=role)["permissions"]
        user["role_name"] = role
        return respond({"permission": LEGACY_PERMISSION[role], "role_name": role, "user": user})


def require_commit(repo: Repo, sha: str) -> str:
    """The full sha of a commit the repository has; GitHub's 422 if it has none."""
    full = repo.git.resolve(sha) if sha else None
    if full is None:
        raise validation_failed(
            "CheckRun", "head_sha", "invalid", f"No commit found for SHA: {sha}"
        )
    return full
