"""GitHub's JSON shapes of the objects several endpoints share: users, repositories, labels,
the App, installations, commits and branches.

Field names and nesting follow GitHub's REST description (``simple-user``,
``full-repository``, ``installation``, ``integration``, ``commit``, ``branch-with-protection``);
URLs point back at the emulator, which serves the REST API and git on one origin, as
GitHub Enterprise does with its ``/api/v3`` prefix removed. PyGithub completes an
object lazily from its ``url``, so every object carries one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .gitrepo import CommitInfo
from .state import Installation, Label, Repo, State

#: What the App may do, as the deployment's manifest asks (least privilege).
APP_PERMISSIONS = {
    "checks": "write",
    "contents": "write",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
}
APP_EVENTS = ["installation", "issue_comment", "pull_request", "push"]
CREATED = "2024-01-01T00:00:00Z"


@dataclass(frozen=True)
class Shapes:
    """Renders records as GitHub does, with URLs on the emulator's origin ``url``."""

    url: str
    state: State
    app_id: int
    app_slug: str
    app_name: str

    @property
    def bot_login(self) -> str:
        return f"{self.app_slug}[bot]"

    def api(self, path: str) -> str:
        return f"{self.url}{path}"

    def user(self, login: str, *, kind: str | None = None) -> dict[str, Any]:
        """``simple-user``; bots are ``…[bot]``, organisations known from installations."""
        if kind is None:
            kind = (
                "Bot"
                if login.endswith("[bot]")
                else self.state.account_types.get(login.lower(), "User")
            )
        uid = self.state.user_id(login)
        base = self.api(f"/users/{login}")
        return {
            "login": login,
            "id": uid,
            "node_id": f"U_{uid}",
            "avatar_url": f"{self.url}/avatars/u/{uid}",
            "gravatar_id": "",
            "url": base,
            "html_url": f"{self.url}/{login.removesuffix('[bot]')}",
            "followers_url": f"{base}/followers",
            "following_url": f"{base}/following{{/other_user}}",
            "gists_url": f"{base}/gists{{/gist_id}}",
            "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{base}/subscriptions",
            "organizations_url": f"{base}/orgs",
            "repos_url": f"{base}/repos",
            "events_url": f"{base}/events{{/privacy}}",
            "received_events_url": f"{base}/received_events",
            "type": kind,
            "user_view_type": "public",
            "site_admin": False,
        }

    def app(self) -> dict[str, Any]:
        """``integration``: the App itself."""
        return {
            "id": self.app_id,
            "slug": self.app_slug,
            "node_id": f"A_{self.app_id}",
            "client_id": f"Iv1.{self.app_id:016x}",
            "owner": self.user("amts-maintainers", kind="Organization"),
            "name": self.app_name,
            "description": "Keeps translations of a book in sync with its English source.",
            "external_url": "https://example.com/amts",
            "html_url": f"{self.url}/apps/{self.app_slug}",
            "created_at": CREATED,
            "updated_at": CREATED,
            "permissions": dict(APP_PERMISSIONS),
            "events": list(APP_EVENTS),
            "installations_count": len(self.state.installations),
        }

    def installation(self, installation: Installation) -> dict[str, Any]:
        account = self.user(installation.account, kind=installation.account_type)
        return {
            "id": installation.id,
            "account": account,
            "repository_selection": "selected",
            "access_tokens_url": self.api(f"/app/installations/{installation.id}/access_tokens"),
            "repositories_url": self.api("/installation/repositories"),
            "html_url": f"{self.url}/organizations/{installation.account}/settings/installations/"
            f"{installation.id}",
            "app_id": self.app_id,
            "app_slug": self.app_slug,
            "client_id": f"Iv1.{self.app_id:016x}",
            "target_id": account["id"],
            "target_type": installation.account_type,
            "permissions": dict(APP_PERMISSIONS),
            "events": list(APP_EVENTS),
            "created_at": CREATED,
            "updated_at": CREATED,
            "single_file_name": None,
            "has_multiple_single_files": False,
            "single_file_paths": [],
            "suspended_by": None,
            "suspended_at": None,
        }

    def repo(self, repo: Repo, *, viewer_role: str = "write") -> dict[str, Any]:
        """``full-repository``; ``clone_url`` is the emulator's git endpoint."""
        api = self.api(f"/repos/{repo.full_name}")
        html = f"{self.url}/{repo.full_name}"
        created = repo.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        templated = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "hooks_url": "/hooks",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "stargazers_url": "/stargazers",
            "statuses_url": "/statuses/{sha}",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
            "trees_url": "/git/trees{/sha}",
        }
        rank = ("none", "read", "triage", "write", "maintain", "admin").index(viewer_role)
        return {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self.user(repo.owner),
            "html_url": html,
            "description": repo.description,
            "fork": False,
            "url": api,
            **{key: api + suffix for key, suffix in templated.items()},
            "git_url": f"{self.url.replace('http', 'git', 1)}/{repo.full_name}.git",
            "ssh_url": f"git@127.0.0.1:{repo.full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "mirror_url": None,
            "homepage": None,
            "language": "Markdown",
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "size": 0,
            "default_branch": repo.default_branch,
            "open_issues_count": sum(p.state == "open" for p in repo.pulls.values()),
            "is_template": False,
            "topics": [],
            "has_issues": True,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": False,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "visibility": "private" if repo.private else "public",
            "pushed_at": created,
            "created_at": created,
            "updated_at": created,
            "permissions": {
                "admin": rank >= 5,
                "maintain": rank >= 4,
                "push": rank >= 3,
                "triage": rank >= 2,
                "pull": rank >= 1,
            },
            "allow_rebase_merge": True,
            "allow_squash_merge": True,
            "allow_merge_commit": True,
            "allow_auto_merge": False,
            "delete_branch_on_merge": False,
            "allow_forking": True,
            "web_commit_signoff_required": False,
            "forks": 0,
            "open_issues": sum(p.state == "open" for p in repo.pulls.values()),
            "watchers": 0,
            "network_count": 0,
            "subscribers_count": 0,
        }

    def label(self, repo: Repo, label: Label) -> dict[str, Any]:
        return {
            "id": label.id,
            "node_id": f"LA_{label.id}",
            "url": self.api(f"/repos/{repo.full_name}/labels/{label.name}"),
            "name": label.name,
            "description": label.description,
            "color": label.color,
            "default": False,
        }

    def commit(self, repo: Repo, info: CommitInfo, *, files: bool = False) -> dict[str, Any]:
        """``commit`` as ``GET /repos/{o}/{r}/commits/{ref}`` answers (files on request)."""
        api = self.api(f"/repos/{repo.full_name}")
        html = f"{self.url}/{repo.full_name}"
        body: dict[str, Any] = {
            "sha": info.sha,
            "node_id": f"C_{info.sha[:16]}",
            "commit": {
                "author": {"name": info.author.name, "email": info.author.email,
                           "date": _utc(info.author_date)},
                "committer": {"name": info.committer.name, "email": info.committer.email,
                              "date": _utc(info.committer_date)},
                "message": info.message,
                "tree": {"sha": info.tree, "url": f"{api}/git/trees/{info.tree}"},
                "url": f"{api}/git/commits/{info.sha}",
                "comment_count": 0,
                "verification": {"verified": False, "reason": "unsigned", "signature": None,
                                 "payload": None, "verified_at": None},
            },
            "url": f"{api}/commits/{info.sha}",
            "html_url": f"{html}/commit/{info.sha}",
            "comments_url": f"{api}/commits/{info.sha}/comments",
            "author": None,
            "committer": None,
            "parents": [
                {"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{html}/commit/{p}"}
                for p in info.parents
            ],
        }  # fmt: skip
        if files:
            changes = repo.git.changed_files(info.sha)
            statuses = {"A": "added", "D": "removed", "M": "modified", "T": "changed"}
            body["files"] = [
                {
                    "sha": None,
                    "filename": path,
                    "status": statuses.get(code, "modified"),
                    "additions": added,
                    "deletions": deleted,
                    "changes": added + deleted,
                    "blob_url": f"{html}/blob/{info.sha}/{path}",
                    "raw_url": f"{html}/raw/{info.sha}/{path}",
                    "contents_url": f"{api}/contents/{path}?ref={info.sha}",
                }
                for code, path, added, deleted in changes
            ]
            added = sum(f["additions"] for f in body["files"])
            deleted = sum(f["deletions"] for f in body["files"])
            body["stats"] = {"total": added + deleted, "additions": added, "deletions": deleted}
        return body

    def branch(self, repo: Repo, name: str, info: CommitInfo) -> dict[str, Any]:
        """``branch-with-protection``: no branch is protected in the emulator."""
        api = self.api(f"/repos/{repo.full_name}/branches/{name}")
        return {
            "name": name,
            "commit": self.commit(repo, info),
            "_links": {"self": api, "html": f"{self.url}/{repo.full_name}/tree/{name}"},
            "protected": False,
            "protection": {"enabled": False, "required_status_checks": {
                "enforcement_level": "off", "contexts": [], "checks": []}},
            "protection_url": f"{api}/protection",
        }  # fmt: skip


def _utc(iso_date: str) -> str:
    """git's ``%aI`` (``2024-05-01T12:00:00+02:00``) as GitHub writes it, in UTC with ``Z``."""
    moment = dt.datetime.fromisoformat(iso_date).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
