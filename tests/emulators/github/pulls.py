"""Pull requests: opened, listed, edited, merged and closed, through the API or a test.

A pull request keeps branch names; its head commit is read from git while it is open,
so a push to the head branch shows at once, and frozen when it closes. Opening one
checks what GitHub checks (both branches exist, the head has commits the base lacks,
no open pull request for the same head and base); merging writes a real commit into
the bare repository (a merge commit, a squash, or a fast-forward).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .gitrepo import GITHUB, Identity
from .protocol import ApiError, iso, now, validation_failed
from .shapes import Shapes
from .state import Pull, Repo, State
from .web import actor, emulator, json_body, page, repo_access, respond

blueprint = Blueprint("pulls", __name__)
MERGE_METHODS = ("merge", "squash", "fast-forward")


def split_head(repo: Repo, head: str) -> str:
    """The branch of ``head`` (``branch`` or ``owner:branch``; forks are not emulated)."""
    owner, sep, branch = head.rpartition(":")
    if sep and owner.lower() != repo.owner.lower():
        raise validation_failed("PullRequest", "head", "invalid")
    return branch


def head_matches(repo: Repo, pull: Pull, head: str) -> bool:
    """The ``head`` filter of a listing: ``owner:branch`` (GitHub's form) or ``branch``."""
    owner, sep, branch = head.rpartition(":")
    return (not sep or owner.lower() == repo.owner.lower()) and branch == pull.head_ref


def open_pull(
    state: State,
    repo: Repo,
    *,
    head: str,
    base: str,
    title: str,
    body: str | None,
    user: str,
    draft: bool = False,
) -> Pull:
    branch = split_head(repo, head)
    if not title:
        raise validation_failed("PullRequest", "title", "missing_field")
    with repo.git.lock, state.lock:
        head_sha = repo.git.branch(branch)
        if head_sha is None:
            raise validation_failed("PullRequest", "head", "invalid")
        base_sha = repo.git.branch(base)
        if base_sha is None:
            raise validation_failed("PullRequest", "base", "invalid")
        for other in repo.pulls.values():
            if other.state == "open" and (other.head_ref, other.base_ref) == (branch, base):
                message = f"A pull request already exists for {repo.owner}:{branch}."
                raise validation_failed("PullRequest", "", "custom", message)
        if repo.git.is_ancestor(head_sha, base_sha):
            message = f"No commits between {base} and {branch}"
            raise validation_failed("PullRequest", "", "custom", message)
        pull = Pull(
            number=next(repo.numbers),
            id=state.next_id(),
            title=title,
            body=body,
            user=user,
            head_ref=branch,
            base_ref=base,
            head_sha=head_sha,
            draft=draft,
        )
        repo.pulls[pull.number] = pull
        return pull


def live_head(repo: Repo, pull: Pull) -> str:
    """The head commit: read from git while open (and remembered), frozen once closed."""
    if pull.state == "open":
        sha = repo.git.branch(pull.head_ref)
        if sha is not None:
            pull.head_sha = sha
    return pull.head_sha


def merge_pull(
    state: State,
    repo: Repo,
    number: int,
    *,
    user: str,
    method: str = "merge",
    title: str | None = None,
    message: str | None = None,
    expected_head: str | None = None,
) -> str:
    """Merge in the bare repository as GitHub would; the new head of the base branch."""
    if method not in MERGE_METHODS:
        raise ValueError(f"method must be one of {', '.join(MERGE_METHODS)}, not {method!r}")
    with repo.git.lock, state.lock:
        pull = repo.pull(number)
        if pull.state != "open":
            raise ApiError(405, "Pull Request is not mergeable")
        head = live_head(repo, pull)
        if expected_head and expected_head != head:
            raise ApiError(409, "Head branch was modified. Review and try the merge again.")
        base = repo.git.branch(pull.base_ref)
        if base is None:
            raise ApiError(405, "Base branch was deleted")
        if method == "fast-forward":
            if not repo.git.is_ancestor(base, head):
                raise ApiError(405, "Pull Request is not mergeable")
            new = head
        else:
            tree = repo.git.merge_tree(base, head)
            if tree is None:
                raise ApiError(405, "Pull Request is not mergeable")
            author = Identity(user, f"{state.user_id(user)}+{user}@users.noreply.github.com")
            if method == "merge":
                default = f"Merge pull request #{number} from {repo.owner}/{pull.head_ref}"
                text = f"{title or default}\n\n{message if message is not None else pull.title}"
                new = repo.git.commit_tree(tree, [base, head], text, author, GITHUB)
            else:
                text = f"{title or f'{pull.title} (#{number})'}\n\n{message or ''}".strip()
                new = repo.git.commit_tree(tree, [base], text, author, GITHUB)
        repo.git.update_ref(f"refs/heads/{pull.base_ref}", new, base)
        moment = now()
        pull.state, pull.closed_at, pull.merged_at, pull.updated_at = (
            "closed",
            moment,
            moment,
            moment,
        )
        pull.merged_by, pull.merge_commit_sha = user, new
        return new


def close_pull(state: State, repo: Repo, number: int) -> None:
    with repo.git.lock, state.lock:
        pull = repo.pull(number)
        live_head(repo, pull)
        if pull.state == "open":
            pull.state, pull.closed_at, pull.updated_at = "closed", now(), now()


def reopen_pull(repo: Repo, pull: Pull) -> None:
    if pull.merged or repo.git.branch(pull.head_ref) is None:
        raise validation_failed("PullRequest", "state", "invalid", "state cannot be changed.")
    pull.state, pull.closed_at, pull.updated_at = "open", None, now()


# ------------------------------------------------------------------------- shapes


def pull_json(shapes: Shapes, repo: Repo, pull: Pull, *, full: bool = True) -> dict[str, Any]:
    """``pull-request`` (``full``) or ``pull-request-simple``, as GitHub renders it."""
    api = shapes.api(f"/repos/{repo.full_name}")
    html = f"{shapes.url}/{repo.full_name}/pull/{pull.number}"
    head = live_head(repo, pull)
    base_sha = repo.git.branch(pull.base_ref) or ""
    repo_json = shapes.repo(repo)

    def part(ref: str, sha: str) -> dict[str, Any]:
        return {
            "label": f"{repo.owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": shapes.user(repo.owner),
            "repo": repo_json,
        }

    issue = f"{api}/issues/{pull.number}"
    body: dict[str, Any] = {
        "url": f"{api}/pulls/{pull.number}",
        "id": pull.id,
        "node_id": f"PR_{pull.id}",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "commits_url": f"{api}/pulls/{pull.number}/commits",
        "review_comments_url": f"{api}/pulls/{pull.number}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": f"{api}/statuses/{head}",
        "number": pull.number,
        "state": pull.state,
        "locked": False,
        "title": pull.title,
        "user": shapes.user(pull.user),
        "body": pull.body,
        "labels": [shapes.label(repo, repo.labels[name.lower()]) for name in pull.labels],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": iso(pull.created_at),
        "updated_at": iso(pull.updated_at),
        "closed_at": iso(pull.closed_at),
        "merged_at": iso(pull.merged_at),
        "merge_commit_sha": pull.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [shapes.user(login) for login in pull.requested_reviewers],
        "requested_teams": [],
        "head": part(pull.head_ref, head),
        "base": part(pull.base_ref, base_sha),
        "_links": {
            "self": {"href": f"{api}/pulls/{pull.number}"},
            "html": {"href": html},
            "issue": {"href": issue},
            "comments": {"href": f"{issue}/comments"},
            "review_comments": {"href": f"{api}/pulls/{pull.number}/comments"},
            "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{api}/pulls/{pull.number}/commits"},
            "statuses": {"href": f"{api}/statuses/{head}"},
        },
        "author_association": "NONE" if pull.user.endswith("[bot]") else "CONTRIBUTOR",
        "auto_merge": None,
        "draft": pull.draft,
    }
    if full:
        mergeable = None
        if pull.state == "open" and base_sha:
            mergeable = repo.git.merge_tree(base_sha, head) is not None
        commits = repo.git.git("rev-list", "--count", head, f"^{base_sha}") if base_sha else "0"
        with shapes.state.lock:
            comments = sum(
                c.repo == repo.full_name and c.number == pull.number
                for c in shapes.state.comments.values()
            )
        body.update(
            merged=pull.merged,
            mergeable=mergeable,
            rebaseable=mergeable,
            mergeable_state={True: "clean", False: "dirty", None: "unknown"}[mergeable],
            merged_by=shapes.user(pull.merged_by) if pull.merged_by else None,
            comments=comments,
            review_comments=0,
            maintainer_can_modify=False,
            commits=int(commits),
            additions=0,
            deletions=0,
            changed_files=0,
        )
    return body


# ---------------------------------------------------------------------- endpoints


@blueprint.get("/repos/<owner>/<name>/pulls")
def list_pulls(owner: str, name: str) -> Response:
    repo = repo_access(owner, name)
    state = request.args.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise validation_failed("PullRequest", "state", "invalid")
    head = request.args.get("head")
    base = request.args.get("base")
    with repo.git.lock, emulator().state.lock:
        pulls = [
            p
            for p in repo.pulls.values()
            if state in ("all", p.state)
            and (not head or head_matches(repo, p, head))
            and (not base or p.base_ref == base)
        ]
        sort = request.args.get("sort", "created")
        key = {"updated": lambda p: p.updated_at}.get(sort, lambda p: (p.created_at, p.number))
        default = "desc" if sort == "created" else "asc"
        pulls.sort(key=key, reverse=request.args.get("direction", default) == "desc")
        return page([pull_json(emulator().shapes, repo, p, full=False) for p in pulls])


@blueprint.post("/repos/<owner>/<name>/pulls")
def create_pull(owner: str, name: str) -> Response:
    repo = repo_access(owner, name)
    body = json_body()
    pull = open_pull(
        emulator().state,
        repo,
        head=str(body.get("head", "")),
        base=str(body.get("base", "")),
        title=str(body.get("title", "")),
        body=body.get("body"),
        user=actor(),
        draft=bool(body.get("draft", False)),
    )
    with repo.git.lock, emulator().state.lock:
        return respond(pull_json(emulator().shapes, repo, pull), 201)


@blueprint.get("/repos/<owner>/<name>/pulls/<int:number>")
def get_pull(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    with repo.git.lock, emulator().state.lock:
        return respond(pull_json(emulator().shapes, repo, repo.pull(number)))


@blueprint.patch("/repos/<owner>/<name>/pulls/<int:number>")
def update_pull(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    body = json_body()
    with repo.git.lock, emulator().state.lock:
        pull = repo.pull(number)
        if "title" in body:
            pull.title = str(body["title"])
        if "body" in body:
            pull.body = body["body"]
        if "base" in body:
            if repo.git.branch(str(body["base"])) is None:
                raise validation_failed("PullRequest", "base", "invalid")
            pull.base_ref = str(body["base"])
        if body.get("state") == "closed":
            close_pull(emulator().state, repo, number)
        elif body.get("state") == "open" and pull.state == "closed":
            reopen_pull(repo, pull)
        pull.updated_at = now()
        return respond(pull_json(emulator().shapes, repo, pull))


@blueprint.put("/repos/<owner>/<name>/pulls/<int:number>/merge")
def merge(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    body = json_body()
    method = body.get("merge_method", "merge")
    if method not in ("merge", "squash"):
        raise validation_failed("PullRequest", "merge_method", "invalid")
    sha = merge_pull(
        emulator().state,
        repo,
        number,
        user=actor(),
        method=method,
        title=body.get("commit_title"),
        message=body.get("commit_message"),
        expected_head=body.get("sha"),
    )
    return respond({"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


@blueprint.get("/repos/<owner>/<name>/pulls/<int:number>/commits")
def list_commits(owner: str, name: str, number: int) -> Response:
    """The commits the base branch lacks, oldest first, as ``GET …/commits/{sha}`` shows each."""
    repo = repo_access(owner, name)
    emu = emulator()
    with repo.git.lock, emu.state.lock:
        pull = repo.pull(number)
        head = live_head(repo, pull)
        base = repo.git.branch(pull.base_ref)
        shas = repo.git.git("rev-list", "--reverse", head, *([f"^{base}"] if base else []))
    return page([emu.shapes.commit(repo, repo.git.commit(sha)) for sha in shas.split()])


@blueprint.post("/repos/<owner>/<name>/pulls/<int:number>/requested_reviewers")
def request_reviewers(owner: str, name: str, number: int) -> Response:
    """Only collaborators, and never the author, may be asked to review (GitHub's 422s)."""
    repo = repo_access(owner, name)
    body = json_body()
    reviewers = [str(login) for login in body.get("reviewers") or []]
    with repo.git.lock, emulator().state.lock:
        pull = repo.pull(number)
        if any(login.lower() == pull.user.lower() for login in reviewers):
            raise ApiError(422, "Review cannot be requested from pull request author.")
        if any(repo.role(login) == "none" for login in reviewers) or body.get("team_reviewers"):
            raise ApiError(
                422,
                "Reviews may only be requested from collaborators. One or more of the users or "
                f"teams you specified is not a collaborator of the {repo.full_name} repository.",
            )
        known = {login.lower() for login in pull.requested_reviewers}
        pull.requested_reviewers += [login for login in reviewers if login.lower() not in known]
        return respond(pull_json(emulator().shapes, repo, pull, full=False), 201)


@blueprint.get("/repos/<owner>/<name>/pulls/<int:number>/requested_reviewers")
def list_requested_reviewers(owner: str, name: str, number: int) -> Response:
    repo = repo_access(owner, name)
    with emulator().state.lock:
        pull = repo.pull(number)
        users = [emulator().shapes.user(login) for login in pull.requested_reviewers]
        return respond({"users": users, "teams": []})
