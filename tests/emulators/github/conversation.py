"""Test controls over pull requests and their conversation: what people other than the
App do (open, merge or close a pull request, comment, grant a role), and what the App
left (pull requests, comments, reactions, check runs) in the JSON the API would show,
ready for assertions and for webhook payloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .checks import check_run_json
from .issues import add_comment, comment_json, issue_json, reaction_json
from .pulls import close_pull, merge_pull, open_pull, pull_json
from .state import check_role
from .tracker import edit_issue, plain_issue_json

if TYPE_CHECKING:
    from .shapes import Shapes
    from .state import Repo, State


class ConversationControls:
    """Mixed into :class:`~.emulator.GitHubEmulator`."""

    if TYPE_CHECKING:
        state: State

        @property
        def shapes(self) -> Shapes: ...

        def repo(self, full_name: str) -> Repo: ...

    # --------------------------------------------------------------------- people

    def set_permission(self, full_name: str, login: str, role: str) -> None:
        """``login``'s role on the repository: none, read, triage, write, maintain or admin."""
        repo = self.repo(full_name)
        with self.state.lock:
            repo.roles[login.lower()] = check_role(role)

    # -------------------------------------------------------------- pull requests

    def open_pr(
        self,
        full_name: str,
        head: str,
        *,
        base: str | None = None,
        title: str = "A change",
        body: str = "",
        user: str = "octocat",
    ) -> int:
        """A pull request a human opens (GitHub's checks apply); its number."""
        repo = self.repo(full_name)
        pull = open_pull(
            self.state,
            repo,
            head=head,
            base=base or repo.default_branch,
            title=title,
            body=body,
            user=user,
        )
        return pull.number

    def merge_pr(
        self, full_name: str, number: int, *, method: str = "merge", user: str = "maintainer"
    ) -> str:
        """Merge as a maintainer would on GitHub; the base branch's new head.

        ``method`` is ``"merge"`` (a merge commit, GitHub's default), ``"squash"`` (one
        new commit, the pull request's commits are then in no branch) or
        ``"fast-forward"``.
        """
        return merge_pull(self.state, self.repo(full_name), number, user=user, method=method)

    def close_pr(self, full_name: str, number: int) -> None:
        close_pull(self.state, self.repo(full_name), number)

    def pulls(self, full_name: str, *, state: str = "all") -> list[dict[str, Any]]:
        """Every pull request (``state``: open, closed or all) as ``GET …/pulls/{n}`` shows it,
        oldest first."""
        repo = self.repo(full_name)
        with repo.git.lock, self.state.lock:
            return [
                pull_json(self.shapes, repo, pull)
                for _, pull in sorted(repo.pulls.items())
                if state in ("all", pull.state)
            ]

    def pull(self, full_name: str, number: int) -> dict[str, Any]:
        repo = self.repo(full_name)
        with repo.git.lock, self.state.lock:
            return pull_json(self.shapes, repo, repo.pull(number))

    def issue(self, full_name: str, number: int) -> dict[str, Any]:
        """The issue side of a pull request, as webhook payloads of ``issue_comment`` carry it."""
        repo = self.repo(full_name)
        with self.state.lock:
            return issue_json(self.shapes, repo, repo.pull(number))

    def repo_json(self, full_name: str) -> dict[str, Any]:
        with self.state.lock:
            return self.shapes.repo(self.repo(full_name))

    def installation_json(self, installation_id: int = 1) -> dict[str, Any]:
        with self.state.lock:
            return self.shapes.installation(self.state.installation(installation_id))

    # ------------------------------------------------------------- conversations

    def add_comment(
        self, full_name: str, number: int, body: str, *, user: str = "octocat"
    ) -> dict[str, Any]:
        """A comment by ``user`` (a ``…[bot]`` login is a bot) on a pull request; its JSON."""
        repo = self.repo(full_name)
        comment = add_comment(self.state, repo, number, user, body)
        with self.state.lock:
            return comment_json(self.shapes, repo, comment)

    def comments(self, full_name: str, number: int) -> list[dict[str, Any]]:
        repo = self.repo(full_name)
        with self.state.lock:
            return [
                comment_json(self.shapes, repo, c)
                for c in sorted(self.state.comments.values(), key=lambda c: c.id)
                if c.repo == repo.full_name and c.number == number
            ]

    def reactions(self, full_name: str, comment_id: int) -> list[dict[str, Any]]:
        repo = self.repo(full_name)
        with self.state.lock:
            comment = self.state.comment(repo, comment_id)
            return [reaction_json(self.shapes, r) for r in comment.reactions]

    def check_runs(self, full_name: str, head_sha: str | None = None) -> list[dict[str, Any]]:
        """Check runs on the repository (on one commit if given), oldest first."""
        repo = self.repo(full_name)
        with self.state.lock:
            return [
                check_run_json(self.shapes, repo, run)
                for run in sorted(self.state.check_runs.values(), key=lambda r: r.id)
                if run.repo == repo.full_name and head_sha in (None, run.head_sha)
            ]

    # -------------------------------------------------------------------- issues

    def plain_issues(self, full_name: str) -> list[dict[str, Any]]:
        """Every issue that is not a pull request, oldest first, as the API shows it."""
        repo = self.repo(full_name)
        with self.state.lock:
            return [plain_issue_json(self.shapes, repo, i) for _, i in sorted(repo.issues.items())]

    def issue_event(
        self,
        full_name: str,
        number: int,
        *,
        user: str,
        body: str | None = None,
        state: str | None = None,
        installation_id: int = 1,
    ) -> tuple[str, dict[str, Any]]:
        """``user`` edits the body of issue ``number`` or closes/reopens it on GitHub; the
        ``issues`` webhook payload GitHub sends for it (action edited, closed or reopened,
        with ``changes.body.from`` for an edit), ready to be signed and delivered."""
        repo = self.repo(full_name)
        with self.state.lock:
            issue = repo.issues[number]
            before = issue.body
            fields: dict[str, Any] = {}
            if body is not None:
                fields["body"] = body
            if state is not None:
                fields["state"] = state
            edit_issue(self.state, issue, user, fields)
            action = (
                "edited" if body is not None else ("closed" if state == "closed" else "reopened")
            )
            payload: dict[str, Any] = {
                "action": action,
                "issue": plain_issue_json(self.shapes, repo, issue),
                "repository": self.shapes.repo(repo),
                "sender": self.shapes.user(user),
                "installation": {"id": installation_id},
            }
            if action == "edited":
                payload["changes"] = {"body": {"from": before}}
            return action, payload
