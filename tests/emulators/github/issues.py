"""The issue side of pull requests: comments, labels and reactions to comments.

Pull requests are issues on GitHub (one number sequence per repository), so their
conversation lives under ``/issues/{number}``: ``comments``, ``labels``, and
``/issues/comments/{id}/reactions``. Labels a repository lacks are created on first
use, as GitHub does.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, Response, request

from .protocol import ApiError, iso, now, validation_failed
from .shapes import Shapes
from .state import Comment, Label, Pull, Reaction, Repo, State, check_reaction
from .web import actor, emulator, json_body, page, repo_access, respond

blueprint = Blueprint("issues", __name__)


def add_comment(state: State, repo: Repo, number: int, user: str, body: str) -> Comment:
    with state.lock:
        repo.thread(number)
        comment = Comment(state.next_id(), repo.full_name, number, user, body)
        state.comments[comment.id] = comment
        return comment


def add_labels(state: State, repo: Repo, number: int, names: list[str]) -> None:
    with state.lock:
        pull = repo.pull(number)
        for name in names:
            if name.lower() not in repo.labels:
                repo.labels[name.lower()] = Label(state.next_id(), name)
            if name.lower() not in {n.lower() for n in pull.labels}:
                pull.labels.append(repo.labels[name.lower()].name)


def add_reaction(state: State, comment: Comment, user: str, content: str) -> tuple[Reaction, bool]:
    """The reaction and whether it is new (one per user and content, as on GitHub)."""
    check_reaction(content)
    with state.lock:
        for reaction in comment.reactions:
            if reaction.user.lower() == user.lower() and reaction.content == content:
                return reaction, False
        reaction = Reaction(state.next_id(), user, content)
        comment.reactions.append(reaction)
        return reaction, True


# ------------------------------------------------------------------------- shapes


def reaction_summary(shapes: Shapes, url: str, reactions: list[Reaction]) -> dict[str, Any]:
    counts = Counter(r.content for r in reactions)
    names = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
    return {"url": f"{url}/reactions", "total_count": len(reactions)} | {
        name: counts[name] for name in names
    }


def comment_json(shapes: Shapes, repo: Repo, comment: Comment) -> dict[str, Any]:
    """``issue-comment``; a comment the App made says so in ``performed_via_github_app``."""
    url = shapes.api(f"/repos/{repo.full_name}/issues/comments/{comment.id}")
    by_app = comment.user == shapes.bot_login
    return {
        "id": comment.id,
        "node_id": f"IC_{comment.id}",
        "url": url,
        "html_url": f"{shapes.url}/{repo.full_name}/pull/{comment.number}"
        f"#issuecomment-{comment.id}",
        "body": comment.body,
        "user": shapes.user(comment.user),
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "issue_url": shapes.api(f"/repos/{repo.full_name}/issues/{comment.number}"),
        "author_association": association(repo, comment.user),
        "performed_via_github_app": shapes.app() if by_app else None,
        "reactions": reaction_summary(shapes, url, comment.reactions),
    }


def reaction_json(shapes: Shapes, reaction: Reaction) -> dict[str, Any]:
    return {
        "id": reaction.id,
        "node_id": f"REA_{reaction.id}",
        "user": shapes.user(reaction.user),
        "content": reaction.content,
        "created_at": iso(reaction.created_at),
    }


def issue_json(shapes: Shapes, repo: Repo, pull: Pull) -> dict[str, Any]:
    """``issue`` for a pull request's number, with its ``pull_request`` links."""
    html = f"{shapes.url}/{repo.full_name}/pull/{pull.number}"
    return {
        **thread_links(shapes, repo, pull.number, pull.id, html),
        "state": pull.state,
        "state_reason": None,
        "title": pull.title,
        "body": pull.body,
        "user": shapes.user(pull.user),
        "labels": [shapes.label(repo, repo.labels[name.lower()]) for name in pull.labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "pull_request": {
            "url": shapes.api(f"/repos/{repo.full_name}/pulls/{pull.number}"),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": iso(pull.merged_at),
        },
        "closed_at": iso(pull.closed_at),
        "created_at": iso(pull.created_at),
        "updated_at": iso(pull.updated_at),
        "closed_by": None,
        "author_association": association(repo, pull.user),
        "draft": pull.draft,
        "reactions": reaction_summary(
            shapes, shapes.api(f"/repos/{repo.full_name}/issues/{pull.number}"), []
        ),
    }


def thread_links(shapes: Shapes, repo: Repo, number: int, id_: int, html: str) -> dict[str, Any]:
    """The fields every issue has, pull request or not: ids, links, number, comment count."""
    api = shapes.api(f"/repos/{repo.full_name}")
    url = f"{api}/issues/{number}"
    comments = [
        c for c in shapes.state.comments.values() if c.repo == repo.full_name and c.number == number
    ]
    return {
        "id": id_,
        "node_id": f"I_{id_}",
        "url": url,
        "repository_url": api,
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": html,
        "number": number,
        "comments": len(comments),
    }


def association(repo: Repo, login: str) -> str:
    if login.lower() == repo.owner.lower():
        return "OWNER"
    return "COLLABORATOR" if repo.role(login) != "none" else "NONE"


# ---------------------------------------------------------------------- endpoints


@blueprint.get("/repos/<owner>/<name>/issues/<int:number>")
def get_issue(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        if number in repo.issues:
            from .tracker import plain_issue_json

            return respond(plain_issue_json(emu.shapes, repo, repo.issues[number]))
        return respond(issue_json(emu.shapes, repo, repo.pull(number)))


@blueprint.get("/repos/<owner>/<name>/issues/<int:number>/comments")
def list_comments(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        repo.thread(number)
        comments = [
            comment_json(emu.shapes, repo, c)
            for c in sorted(emu.state.comments.values(), key=lambda c: c.id)
            if c.repo == repo.full_name and c.number == number
        ]
    return page(comments)


@blueprint.post("/repos/<owner>/<name>/issues/<int:number>/comments")
def create_comment(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    body = json_body().get("body")
    if not isinstance(body, str) or not body:
        raise validation_failed("IssueComment", "body", "missing_field")
    emu = emulator()
    comment = add_comment(emu.state, repo, number, actor(), body)
    with emu.state.lock:
        return respond(comment_json(emu.shapes, repo, comment), 201)


@blueprint.get("/repos/<owner>/<name>/issues/comments/<int:comment_id>")
def get_comment(owner: str, name: str, comment_id: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        return respond(comment_json(emu.shapes, repo, emu.state.comment(repo, comment_id)))


@blueprint.patch("/repos/<owner>/<name>/issues/comments/<int:comment_id>")
def update_comment(owner: str, name: str, comment_id: int) -> Response:
    repo = repo_access(owner, name)
    body = json_body().get("body")
    if not isinstance(body, str) or not body:
        raise validation_failed("IssueComment", "body", "missing_field")
    emu = emulator()
    with emu.state.lock:
        comment = emu.state.comment(repo, comment_id)
        comment.body, comment.updated_at = body, now()
        return respond(comment_json(emu.shapes, repo, comment))


def label_names() -> list[str]:
    """Label names from ``{"labels": [...]}`` or a bare list, of names or ``{"name": …}``."""
    raw = request.get_json(silent=True, force=True)
    given = raw if isinstance(raw, list) else json_body().get("labels") or []
    return [n["name"] if isinstance(n, dict) else str(n) for n in given]


@blueprint.get("/repos/<owner>/<name>/issues/<int:number>/labels")
def list_labels(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        pull = repo.pull(number)
        return page([emu.shapes.label(repo, repo.labels[n.lower()]) for n in pull.labels])


@blueprint.post("/repos/<owner>/<name>/issues/<int:number>/labels")
def create_labels(owner: str, name: str, number: int) -> Response:
    """Add labels (``{"labels": [...]}`` or a bare list); answers all the issue's labels."""
    repo = repo_access(owner, name)
    emu = emulator()
    names = label_names()
    if not names:
        raise validation_failed("Label", "labels", "missing_field")
    add_labels(emu.state, repo, number, names)
    with emu.state.lock:
        pull = repo.pull(number)
        return respond([emu.shapes.label(repo, repo.labels[n.lower()]) for n in pull.labels])


@blueprint.put("/repos/<owner>/<name>/issues/<int:number>/labels")
def set_labels(owner: str, name: str, number: int) -> Response:
    """Replace the issue's labels (an empty list removes them all)."""
    repo = repo_access(owner, name)
    emu = emulator()
    names = label_names()
    with emu.state.lock:
        repo.pull(number).labels = []
    add_labels(emu.state, repo, number, names)
    with emu.state.lock:
        pull = repo.pull(number)
        return respond([emu.shapes.label(repo, repo.labels[n.lower()]) for n in pull.labels])


@blueprint.delete("/repos/<owner>/<name>/issues/<int:number>/labels/<path:label>")
def remove_label(owner: str, name: str, number: int, label: str) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        pull = repo.pull(number)
        kept = [n for n in pull.labels if n.lower() != label.lower()]
        if len(kept) == len(pull.labels):
            raise ApiError(404, "Label does not exist")
        pull.labels = kept
        return respond([emu.shapes.label(repo, repo.labels[n.lower()]) for n in pull.labels])


@blueprint.get("/repos/<owner>/<name>/issues/comments/<int:comment_id>/reactions")
def list_reactions(owner: str, name: str, comment_id: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        comment = emu.state.comment(repo, comment_id)
        return page([reaction_json(emu.shapes, r) for r in comment.reactions])


@blueprint.post("/repos/<owner>/<name>/issues/comments/<int:comment_id>/reactions")
def create_reaction(owner: str, name: str, comment_id: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    content = str(json_body().get("content", ""))
    with emu.state.lock:
        comment = emu.state.comment(repo, comment_id)
        reaction, created = add_reaction(emu.state, comment, actor(), content)
        return respond(reaction_json(emu.shapes, reaction), 201 if created else 200)
