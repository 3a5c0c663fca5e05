"""Plain issues (not pull requests): create, list, read, edit, close and reopen.

The App keeps its status issue with these. Pull requests and issues share one number
sequence per repository, and ``GET /issues`` lists both, as GitHub does. People other
than the App edit through :class:`~.conversation.ConversationControls`, which also
build the ``issues`` webhook payloads GitHub would send for their edits.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .issues import issue_json, reaction_summary, thread_links
from .protocol import iso, now, validation_failed
from .shapes import Shapes
from .state import Issue, Repo, State
from .web import actor, emulator, json_body, page, repo_access, respond

blueprint = Blueprint("tracker", __name__)
MAX_BODY = 65536  # GitHub's limit on an issue body


def plain_issue_json(shapes: Shapes, repo: Repo, issue: Issue) -> dict[str, Any]:
    from .issues import association

    html = f"{shapes.url}/{repo.full_name}/issues/{issue.number}"
    return {
        **thread_links(shapes, repo, issue.number, issue.id, html),
        "state": issue.state,
        "state_reason": "completed" if issue.state == "closed" else None,
        "title": issue.title,
        "body": issue.body,
        "user": shapes.user(issue.user),
        "labels": [],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "closed_at": iso(issue.closed_at),
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "closed_by": shapes.user(issue.closed_by) if issue.closed_by else None,
        "author_association": association(repo, issue.user),
        "reactions": reaction_summary(
            shapes, shapes.api(f"/repos/{repo.full_name}/issues/{issue.number}"), []
        ),
    }


def open_issue(state: State, repo: Repo, user: str, title: str, body: str | None) -> Issue:
    with state.lock:
        issue = Issue(next(repo.numbers), state.next_id(), title, body, user)
        repo.issues[issue.number] = issue
        return issue


def edit_issue(state: State, issue: Issue, user: str, fields: dict[str, Any]) -> None:
    """Apply ``title``, ``body`` and ``state`` edits, as ``PATCH /issues/{n}`` does."""
    with state.lock:
        if "title" in fields:
            if not isinstance(fields["title"], str) or not fields["title"]:
                raise validation_failed("Issue", "title", "missing_field")
            issue.title = fields["title"]
        if "body" in fields:
            body = fields["body"]
            if body is not None and (not isinstance(body, str) or len(body) > MAX_BODY):
                raise validation_failed("Issue", "body", "invalid")
            issue.body = body
        if "state" in fields:
            if fields["state"] not in ("open", "closed"):
                raise validation_failed("Issue", "state", "invalid")
            if fields["state"] != issue.state:
                issue.state = fields["state"]
                closing = issue.state == "closed"
                issue.closed_at, issue.closed_by = (now(), user) if closing else (None, None)
        issue.updated_at = now()


@blueprint.post("/repos/<owner>/<name>/issues")
def create_issue(owner: str, name: str) -> Response:
    repo = repo_access(owner, name)
    data = json_body()
    title, body = data.get("title"), data.get("body")
    if not isinstance(title, str) or not title:
        raise validation_failed("Issue", "title", "missing_field")
    if body is not None and (not isinstance(body, str) or len(body) > MAX_BODY):
        raise validation_failed("Issue", "body", "invalid")
    emu = emulator()
    issue = open_issue(emu.state, repo, actor(), title, body)
    with emu.state.lock:
        return respond(plain_issue_json(emu.shapes, repo, issue), 201)


@blueprint.get("/repos/<owner>/<name>/issues")
def list_issues(owner: str, name: str) -> Response:
    """Issues and pull requests, newest first unless ``direction=asc`` (``state`` filters)."""
    repo = repo_access(owner, name)
    wanted = request.args.get("state", "open")
    creator = request.args.get("creator", "").lower()
    emu = emulator()
    with emu.state.lock:
        threads: list[tuple[int, str, dict[str, Any]]] = [
            (n, i.user, plain_issue_json(emu.shapes, repo, i)) for n, i in repo.issues.items()
        ]
        threads += [(n, p.user, issue_json(emu.shapes, repo, p)) for n, p in repo.pulls.items()]
        items = [
            data
            for _, user, data in sorted(threads, key=lambda t: t[0])
            if wanted in ("all", data["state"]) and creator in ("", user.lower())
        ]
    if request.args.get("direction", "desc") == "desc":
        items.reverse()
    return page(items)


@blueprint.patch("/repos/<owner>/<name>/issues/<int:number>")
def update_issue(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        issue = repo.issues.get(number)
        if issue is None:
            repo.pull(number)  # 404 for neither; pull requests' issue side is not editable here
            raise validation_failed("Issue", "number", "a pull request (edit it via /pulls)")
    edit_issue(emu.state, issue, actor(), json_body())
    with emu.state.lock:
        return respond(plain_issue_json(emu.shapes, repo, issue))
