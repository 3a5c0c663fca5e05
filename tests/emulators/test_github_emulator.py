"""The GitHub emulator answers the real clients: PyGithub over HTTP and git over smart HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import github
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from github import Auth, GithubException

from .github import (
    CREATE,
    FAST_FORWARD,
    NON_FAST_FORWARD,
    GitHubEmulator,
    Identity,
    git_auth_env,
)
from .github.gitrepo import git_env
from .servers import github_emulator

REPO = "d2l-ai/d2l-en"
NO_PAUSE = {"seconds_between_requests": None, "seconds_between_writes": None}


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Plain git, as the bot runs it: no global config, credentials only from ``env``."""
    done = subprocess.run(
        ["git", "-c", "user.name=Bot", "-c", "user.email=bot@example.com", *args],
        cwd=cwd,
        env=git_env(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout.strip()


def git_fails(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=git_env(env), capture_output=True, text=True, check=False
    )
    assert done.returncode != 0, done.stdout
    return done.stderr


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small English book: two commits on ``master`` (each test clones it)."""
    path = tmp_path_factory.mktemp("book") / "source"
    path.mkdir()
    git("init", "--quiet", "--initial-branch=master", cwd=path)
    (path / "README.md").write_text("# Dive into Deep Learning\n")
    (path / "chapter").mkdir()
    (path / "chapter" / "intro.md").write_text("# Introduction\n\nHello.\n")
    git("add", ".", cwd=path)
    git("commit", "--quiet", "-m", "First", cwd=path)
    (path / "chapter" / "intro.md").write_text("# Introduction\n\nHello, world.\n")
    git("commit", "--quiet", "-am", "Second", cwd=path)
    return path


@pytest.fixture
def emulator(tmp_path: Path, source: Path) -> Iterator[GitHubEmulator]:
    with github_emulator(tmp_path) as emu:
        emu.add_repo(REPO, source=source, installation_id=1, default_branch="master")
        yield emu
        assert emu.server_errors == []


@pytest.fixture
def integration(emulator: GitHubEmulator) -> Iterator[github.GithubIntegration]:
    auth = Auth.AppAuth(emulator.app_id, emulator.private_key_pem)
    client = github.GithubIntegration(auth=auth, base_url=emulator.url, **NO_PAUSE)
    yield client
    client.close()


@pytest.fixture
def token(emulator: GitHubEmulator) -> str:
    """A token as the App gets it (that path is tested above); without signing a JWT."""
    return emulator.issue_token(1)


def client(emulator: GitHubEmulator, token: str, **options: Any) -> github.Github:
    return github.Github(auth=Auth.Token(token), base_url=emulator.url, **NO_PAUSE, **options)


@pytest.fixture
def gh(emulator: GitHubEmulator, token: str) -> Iterator[github.Github]:
    with client(emulator, token, retry=None) as gh:
        yield gh


@pytest.fixture
def repo(gh: github.Github) -> Any:
    return gh.get_repo(REPO)


def push_branch(emulator: GitHubEmulator, branch: str, text: str = "Hallo.\n") -> str:
    return emulator.push_as_human(REPO, branch, {"chapter/intro.md": text}, "Translate")


# ------------------------------------------------------------------ the App and tokens


def test_app_jwt_gets_installation_and_a_token_for_an_hour(
    emulator: GitHubEmulator, integration: github.GithubIntegration
) -> None:
    installation = integration.get_repo_installation("d2l-ai", "d2l-en")
    authorization = integration.get_access_token(installation.id)

    assert installation.id == 1
    assert installation.account.login == "d2l-ai"
    assert installation.target_type == "Organization"
    assert integration.get_app().slug == "amts"
    assert [i.id for i in integration.get_installations()] == [1]
    assert authorization.token.startswith("ghs_")
    left = authorization.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=59) < left <= dt.timedelta(hours=1)
    with client(emulator, authorization.token) as gh:
        repos = gh.requester.requestJsonAndCheck("GET", "/installation/repositories")[1]
    assert [r["full_name"] for r in repos["repositories"]] == [REPO]
    assert {r.auth for r in emulator.requests} == {"app", "installation"}


def other_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize(
    ("app_id", "key"),
    [
        pytest.param(None, other_key(), id="signed with another key"),
        pytest.param(999, None, id="another app id"),
    ],
)
def test_a_bad_jwt_is_401(emulator: GitHubEmulator, app_id: int | None, key: str | None) -> None:
    auth = Auth.AppAuth(app_id or emulator.app_id, key or emulator.private_key_pem)
    with (
        github.GithubIntegration(auth=auth, base_url=emulator.url, retry=None) as bad,
        pytest.raises(GithubException) as raised,
    ):
        bad.get_access_token(1)
    assert raised.value.status == 401
    assert not emulator.state.tokens


def test_app_endpoints_want_a_jwt_and_repo_endpoints_a_token(
    emulator: GitHubEmulator, token: str
) -> None:
    with requests.Session() as http:
        anonymous = http.get(f"{emulator.url}/app")
        with_token = http.get(f"{emulator.url}/app", headers={"Authorization": f"token {token}"})
        no_token = http.get(f"{emulator.url}/repos/{REPO}")
        bad = http.get(f"{emulator.url}/repos/{REPO}", headers={"Authorization": "token ghs_x"})

    for answer in (anonymous, with_token, no_token, bad):
        assert answer.status_code == 401
        assert set(answer.json()) == {"message", "documentation_url", "status"}
    assert bad.json()["message"] == "Bad credentials"


def test_expired_and_foreign_tokens_are_refused(emulator: GitHubEmulator, source: Path) -> None:
    emulator.add_repo("someone/else", source=source, installation_id=2)
    foreign = emulator.issue_token(2)
    with client(emulator, foreign, retry=None) as gh:
        with pytest.raises(GithubException) as raised:
            gh.get_repo(REPO)
        assert raised.value.status == 404  # another installation's repository
        assert gh.get_repo("someone/else").default_branch == "master"
        emulator.expire_tokens()
        with pytest.raises(GithubException) as raised:
            gh.get_repo("someone/else")
        assert raised.value.status == 401


# ----------------------------------------------------------------- repositories and git


def test_repository_branch_commit_and_contents(
    emulator: GitHubEmulator, repo: Any, source: Path
) -> None:
    head = git("rev-parse", "HEAD", cwd=source)

    assert repo.full_name == REPO
    assert repo.default_branch == "master"
    assert repo.clone_url == f"{emulator.url}/{REPO}.git"
    assert repo.html_url == f"{emulator.url}/{REPO}"
    assert repo.get_branch("master").commit.sha == head
    assert repo.get_commit(head).commit.message == "Second"
    assert [f.filename for f in repo.get_commit(head).files] == ["chapter/intro.md"]
    intro = repo.get_contents("chapter/intro.md", ref="master")
    assert intro.decoded_content == b"# Introduction\n\nHello, world.\n"
    first = repo.get_contents("chapter/intro.md", ref=f"{head}~1")
    assert first.decoded_content == b"# Introduction\n\nHello.\n"
    assert [c.path for c in repo.get_contents("")] == ["README.md", "chapter"]
    with pytest.raises(GithubException) as raised:
        repo.get_contents(".github/amts.yml", ref="master")
    assert raised.value.status == 404


def test_branches_with_slashes_and_human_commits_are_seen_by_the_api(
    emulator: GitHubEmulator, repo: Any
) -> None:
    sha = emulator.push_as_human(
        REPO,
        "amts/sync",
        {"chapter/intro.md": "Hallo.\n", "README.md": None},
        "A translator's fix",
        author=Identity("Ada", "ada@example.com"),
    )

    branch = repo.get_branch("amts/sync")
    assert branch.commit.sha == sha
    assert branch.commit.commit.author.name == "Ada"
    assert repo.get_contents("chapter/intro.md", ref="amts/sync").decoded_content == b"Hallo.\n"
    assert emulator.files(REPO, "amts/sync") == {"chapter/intro.md": "Hallo.\n"}
    assert emulator.is_ancestor(REPO, emulator.branch_sha(REPO, "master") or "", sha)
    with pytest.raises(GithubException) as raised:
        repo.get_branch("missing")
    assert raised.value.status == 404


def test_git_clone_fetch_and_push_with_the_token_only_in_the_environment(
    emulator: GitHubEmulator, token: str, tmp_path: Path
) -> None:
    auth = git_auth_env(token)
    url = emulator.clone_url(REPO)
    assert token not in url
    git("clone", "--quiet", url, "work", cwd=tmp_path, env=auth)
    work = tmp_path / "work"
    (work / "new.md").write_text("New.\n")
    git("add", "new.md", cwd=work)
    git("commit", "--quiet", "-m", "Bot commit", cwd=work)
    git("push", "--quiet", "origin", "HEAD:refs/heads/amts/sync", cwd=work, env=auth)
    human = push_branch(emulator, "amts/sync")
    git("fetch", "--quiet", "origin", cwd=work, env=auth)
    git("merge", "--quiet", "--ff-only", "origin/amts/sync", cwd=work)
    (work / "more.md").write_text("More.\n")
    git("add", "more.md", cwd=work)
    git("commit", "--quiet", "-m", "Bot again", cwd=work)
    git("push", "--quiet", "origin", "HEAD:amts/sync", cwd=work, env=auth)

    head = git("rev-parse", "HEAD", cwd=work)
    assert emulator.branch_sha(REPO, "amts/sync") == head
    assert emulator.is_ancestor(REPO, human, head)
    assert [(u.ref, u.kind, u.accepted) for u in emulator.ref_updates] == [
        ("refs/heads/amts/sync", CREATE, True),
        ("refs/heads/amts/sync", FAST_FORWARD, True),
    ]
    assert emulator.forced_updates == []
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    assert auth["GIT_CONFIG_VALUE_0"] == f"Authorization: Basic {basic}"


def test_git_without_a_valid_token_is_401(
    emulator: GitHubEmulator, source: Path, tmp_path: Path
) -> None:
    url = emulator.clone_url(REPO)

    git_fails("clone", "--quiet", url, "anonymous", cwd=tmp_path)
    git_fails("clone", "--quiet", url, "bad", cwd=tmp_path, env=git_auth_env("ghs_nope"))
    emulator.add_repo("someone/else", source=source, installation_id=2)
    foreign = git_auth_env(emulator.issue_token(2))
    git_fails("clone", "--quiet", url, "foreign", cwd=tmp_path, env=foreign)

    statuses = {r.status for r in emulator.find_requests("GET", f"/{REPO}.git/info/refs")}
    assert statuses == {401}


def test_a_force_push_is_rejected_by_git_and_recorded(
    emulator: GitHubEmulator, token: str, tmp_path: Path
) -> None:
    auth = git_auth_env(token)
    translator = push_branch(emulator, "amts/sync")
    git(
        "clone", "--quiet", "--branch=master", emulator.clone_url(REPO), "w", cwd=tmp_path, env=auth
    )
    work = tmp_path / "w"
    (work / "x.md").write_text("x\n")
    git("add", "x.md", cwd=work)
    git("commit", "--quiet", "-m", "Over the translator", cwd=work)

    stderr = git_fails("push", "--force", "origin", "HEAD:amts/sync", cwd=work, env=auth)

    assert "non-fast-forward" in stderr or "rejected" in stderr
    assert emulator.branch_sha(REPO, "amts/sync") == translator
    [update] = emulator.ref_updates
    assert (update.kind, update.forced, update.accepted) == (NON_FAST_FORWARD, True, False)
    assert (update.before, update.after, update.old) == (translator, translator, translator)
    assert emulator.forced_updates == [update]


def test_history_rewrites_and_merges_done_by_the_emulator(emulator: GitHubEmulator) -> None:
    master = emulator.branch_sha(REPO, "master") or ""
    parent = emulator.commits(REPO, master)[1].sha
    rewritten = emulator.commit(
        REPO, {"chapter/intro.md": "Rewritten.\n"}, "Rewrite", parents=[parent]
    )

    emulator.set_branch(REPO, "master", rewritten)

    assert emulator.read_file(REPO, "master", "chapter/intro.md") == "Rewritten.\n"
    assert not emulator.is_ancestor(REPO, master, rewritten)
    assert emulator.ref_updates == []  # only pushes over HTTP are recorded


# ------------------------------------------------------------------------ pull requests


def test_pull_request_round_trip(emulator: GitHubEmulator, repo: Any) -> None:
    head = push_branch(emulator, "amts/sync")
    emulator.set_permission(REPO, "alice", "write")

    pr = repo.create_pull(title="Sync", body="First", head="d2l-ai:amts/sync", base="master")
    [listed] = repo.get_pulls(state="open", head="d2l-ai:amts/sync")
    pr.edit(body="Everything")
    pr.add_to_labels("translation-sync")
    pr.create_review_request(reviewers=["alice"])
    comment = pr.create_issue_comment("Synced.")

    assert (pr.number, listed.number) == (1, 1)
    assert (pr.head.ref, pr.head.sha, pr.base.ref) == ("amts/sync", head, "master")
    assert pr.user.login == "amts[bot]" and pr.user.type == "Bot"
    assert pr.html_url == f"{emulator.url}/{REPO}/pull/1"
    fresh = repo.get_pull(1)
    assert fresh.body == "Everything"
    assert [label.name for label in fresh.labels] == ["translation-sync"]
    assert [u.login for u in fresh.requested_reviewers] == ["alice"]
    assert fresh.merged is False and fresh.mergeable is True
    assert [c.body for c in fresh.get_issue_comments()] == ["Synced."]
    assert comment.user.login == "amts[bot]"
    assert emulator.comments(REPO, 1)[0]["performed_via_github_app"]["slug"] == "amts"
    assert list(repo.get_pulls(state="open", head="d2l-ai:other")) == []
    assert list(repo.get_pulls(state="open", head="someone:amts/sync")) == []
    assert list(repo.get_pulls(state="closed")) == []
    assert [c.sha for c in fresh.get_commits()] == [head]
    fresh.set_labels("a", "b")
    fresh.remove_from_labels("a")
    assert [label["name"] for label in emulator.pull(REPO, 1)["labels"]] == ["b"]
    assert emulator.issue(REPO, 1)["pull_request"]["url"] == fresh.url


def test_head_sha_follows_pushes_while_open(emulator: GitHubEmulator, repo: Any) -> None:
    push_branch(emulator, "amts/sync")
    pr = repo.create_pull(title="Sync", body="", head="amts/sync", base="master")
    later = push_branch(emulator, "amts/sync", "Hallo, Welt.\n")

    assert repo.get_pull(pr.number).head.sha == later
    assert emulator.pull(REPO, pr.number)["head"]["sha"] == later


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param("duplicate", "A pull request already exists", id="duplicate"),
        pytest.param("no commits", "No commits between master and amts/sync", id="no commits"),
        pytest.param("no branch", "", id="missing head"),
    ],
)
def test_create_pull_validation(
    emulator: GitHubEmulator, repo: Any, setup: str, message: str
) -> None:
    if setup == "duplicate":
        push_branch(emulator, "amts/sync")
        repo.create_pull(title="Sync", body="", head="amts/sync", base="master")
    elif setup == "no commits":
        emulator.set_branch(REPO, "amts/sync", emulator.branch_sha(REPO, "master") or "")

    with pytest.raises(GithubException) as raised:
        repo.create_pull(title="Sync", body="", head="d2l-ai:amts/sync", base="master")

    assert raised.value.status == 422
    assert message in str(raised.value.data)


def test_review_requests_only_for_collaborators(emulator: GitHubEmulator, repo: Any) -> None:
    push_branch(emulator, "amts/sync")
    pr = repo.create_pull(title="Sync", body="", head="amts/sync", base="master")

    with pytest.raises(GithubException) as raised:
        pr.create_review_request(reviewers=["stranger"])

    assert raised.value.status == 422


@pytest.mark.parametrize("method", ["merge", "squash", "fast-forward"])
def test_merge_pr_writes_the_base_branch(emulator: GitHubEmulator, repo: Any, method: str) -> None:
    head = push_branch(emulator, "amts/sync")
    pr = repo.create_pull(title="Sync", body="", head="amts/sync", base="master")

    merged = emulator.merge_pr(REPO, pr.number, method=method)

    fresh = repo.get_pull(pr.number)
    assert (fresh.state, fresh.merged, fresh.merge_commit_sha) == ("closed", True, merged)
    assert fresh.merged_at is not None and fresh.merged_by.login == "maintainer"
    assert emulator.branch_sha(REPO, "master") == merged
    assert emulator.read_file(REPO, "master", "chapter/intro.md") == "Hallo.\n"
    assert emulator.is_ancestor(REPO, head, merged) is (method != "squash")
    assert list(repo.get_pulls(state="open")) == []
    assert [p.number for p in repo.get_pulls(state="closed")] == [pr.number]


def test_close_pr_and_numbers_are_shared(emulator: GitHubEmulator, repo: Any) -> None:
    push_branch(emulator, "amts/sync")
    first = repo.create_pull(title="Sync", body="", head="amts/sync", base="master")
    emulator.close_pr(REPO, first.number)
    push_branch(emulator, "amts/sync-2")
    second = repo.create_pull(title="Sync again", body="", head="amts/sync-2", base="master")
    human = emulator.open_pr(REPO, "amts/sync", title="Reopened by a human", user="bob")

    closed = repo.get_pull(first.number)
    assert (closed.state, closed.merged) == ("closed", False)
    assert (first.number, second.number, human) == (1, 2, 3)
    assert [p.number for p in repo.get_pulls(state="all")] == [3, 2, 1]
    assert [p["user"]["login"] for p in emulator.pulls(REPO, state="open")] == ["amts[bot]", "bob"]


# ----------------------------------------------------------- comments, people, checks


def test_reaction_to_a_human_comment(emulator: GitHubEmulator, repo: Any) -> None:
    push_branch(emulator, "amts/sync")
    pr = repo.create_pull(title="Sync", body="", head="amts/sync", base="master")
    posted = emulator.add_comment(REPO, pr.number, "/amts retranslate", user="alice")

    comment = pr.get_issue_comment(posted["id"])
    first = comment.create_reaction("eyes")
    again = comment.create_reaction("eyes")

    assert comment.user.login == "alice" and comment.body == "/amts retranslate"
    assert first.id == again.id and first.content == "eyes"
    assert [(r["content"], r["user"]["login"]) for r in emulator.reactions(REPO, posted["id"])] == [
        ("eyes", "amts[bot]")
    ]
    statuses = [r.status for r in emulator.find_requests("POST", "/repos/*/reactions")]
    assert statuses == [201, 200]


@pytest.mark.parametrize(
    ("role", "permission"),
    [
        ("admin", "admin"),
        ("maintain", "write"),
        ("write", "write"),
        ("triage", "read"),
        ("read", "read"),
        ("none", "none"),
    ],
)
def test_collaborator_permission(
    emulator: GitHubEmulator, repo: Any, role: str, permission: str
) -> None:
    emulator.set_permission(REPO, "carol", role)

    assert repo.get_collaborator_permission("carol") == permission
    assert repo.get_collaborator_role_name("carol") == role


def test_check_runs(emulator: GitHubEmulator, repo: Any) -> None:
    sha = emulator.branch_sha(REPO, "master") or ""
    output = {"title": "Invalid .github/amts.yml", "summary": "targets: missing", "text": "t"}

    run = repo.create_check_run(name="amts", head_sha=sha, conclusion="failure", output=output)

    assert (run.name, run.status, run.conclusion, run.head_sha) == (
        "amts",
        "completed",
        "failure",
        sha,
    )
    assert run.output.summary == "targets: missing"
    [listed] = repo.get_commit(sha).get_check_runs(check_name="amts")
    assert listed.id == run.id and listed.output.title == "Invalid .github/amts.yml"
    [recorded] = emulator.check_runs(REPO, sha)
    assert recorded["output"]["text"] == "t"
    with pytest.raises(GithubException) as raised:
        repo.create_check_run(name="amts", head_sha="f" * 40)
    assert raised.value.status == 422


# ------------------------------------------------------------------ faults and the log


def test_a_502_then_success_with_pygithub_retrying(emulator: GitHubEmulator, token: str) -> None:
    push_branch(emulator, "amts/sync")
    emulator.fail_next("POST", f"/repos/{REPO}/pulls", status=502)

    with client(emulator, token) as gh:  # PyGithub's default retry
        pr = gh.get_repo(REPO).create_pull(title="Sync", body="", head="amts/sync", base="master")

    assert pr.number == 1 and len(emulator.pulls(REPO)) == 1
    logged = emulator.find_requests("POST", f"/repos/{REPO}/pulls")
    assert [r.status for r in logged] == [502, 201]
    assert logged[1].json == {"title": "Sync", "body": "", "head": "amts/sync", "base": "master"}


def test_a_502_without_retry_reaches_the_caller(emulator: GitHubEmulator, repo: Any) -> None:
    emulator.fail_next("GET", f"/repos/{REPO}/branches/*", status=502, times=2)

    for _ in range(2):
        with pytest.raises(GithubException) as raised:
            repo.get_branch("master")
        assert raised.value.status == 502
    assert repo.get_branch("master").name == "master"


def test_a_held_request_is_answered_only_when_released(
    emulator: GitHubEmulator, token: str
) -> None:
    """A test can act while a client waits (e.g. kill it); ``clear`` releases too."""
    emulator.faults.hold("GET", f"/repos/{REPO}")
    answered: list[int] = []
    headers = {"Authorization": f"token {token}"}
    thread = threading.Thread(
        target=lambda: answered.append(
            requests.get(f"{emulator.url}/repos/{REPO}", headers=headers, timeout=30).status_code
        )
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not emulator.faults.waiting and time.monotonic() < deadline:
        time.sleep(0.02)
    assert emulator.faults.waiting == 1 and answered == []
    emulator.faults.clear()
    thread.join(10)
    assert answered == [200] and emulator.faults.waiting == 0


def test_secondary_rate_limit_with_retry_after_is_retried(
    emulator: GitHubEmulator, token: str
) -> None:
    emulator.rate_limit_next("GET", f"/repos/{REPO}", retry_after=1)

    with client(emulator, token) as gh:
        assert gh.get_repo(REPO).name == "d2l-en"

    assert [r.status for r in emulator.find_requests("GET", f"/repos/{REPO}")] == [403, 200]


@pytest.mark.parametrize(
    ("options", "status"),
    [({}, 403), ({"status": 429}, 429), ({"primary": True}, 403)],
    ids=["secondary 403", "secondary 429", "primary"],
)
def test_rate_limit_answers(
    emulator: GitHubEmulator, token: str, options: dict[str, Any], status: int
) -> None:
    emulator.rate_limit_next("GET", f"/repos/{REPO}", retry_after=7, **options)
    headers = {"Authorization": f"token {token}"}

    with requests.Session() as http:
        limited = http.get(f"{emulator.url}/repos/{REPO}", headers=headers)
        after = http.get(f"{emulator.url}/repos/{REPO}", headers=headers)

    assert (limited.status_code, after.status_code) == (status, 200)
    if options.get("primary"):
        assert limited.json()["message"].startswith("API rate limit exceeded")
        assert limited.headers["X-RateLimit-Remaining"] == "0"
        reset = int(limited.headers["X-RateLimit-Reset"]) - dt.datetime.now(dt.UTC).timestamp()
        assert 5 <= reset <= 8 and "Retry-After" not in limited.headers
    else:
        assert limited.json()["message"].startswith("You have exceeded a secondary rate limit")
        assert limited.headers["Retry-After"] == "7"
    assert int(after.headers["X-RateLimit-Remaining"]) > 0


def test_a_failed_push_then_a_good_one(
    emulator: GitHubEmulator, token: str, tmp_path: Path
) -> None:
    auth = git_auth_env(token)
    git("clone", "--quiet", emulator.clone_url(REPO), "w", cwd=tmp_path, env=auth)
    work = tmp_path / "w"
    (work / "x.md").write_text("x\n")
    git("add", "x.md", cwd=work)
    git("commit", "--quiet", "-m", "x", cwd=work)
    emulator.fail_next("POST", f"/{REPO}.git/git-receive-pack", status=500)

    git_fails("push", "origin", "HEAD:amts/sync", cwd=work, env=auth)
    assert emulator.branch_sha(REPO, "amts/sync") is None
    git("push", "--quiet", "origin", "HEAD:amts/sync", cwd=work, env=auth)

    assert emulator.branch_sha(REPO, "amts/sync") == git("rev-parse", "HEAD", cwd=work)
    assert [u.kind for u in emulator.ref_updates] == [CREATE]


def test_oauth_web_flow_gives_a_user_token_with_the_users_permissions(
    emulator: GitHubEmulator,
) -> None:
    """GitHub's web flow over HTTP: authorize redirects back with the code and state, the
    code is traded once with the client secret, and the user token reads the user and
    repositories with that user's permissions (a private one with no role is a 404)."""
    emulator.add_repo("d2l-ai/private", private=True)
    emulator.set_permission(REPO, "writer", "write")
    emulator.sign_in("writer")
    back = "http://127.0.0.1:1/oauth/callback"
    answer = requests.get(
        f"{emulator.url}/login/oauth/authorize",
        params={"client_id": emulator.client_id, "redirect_uri": back, "state": "s1"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(back + "?") and "state=s1" in location
    code = location.split("code=")[1].split("&")[0]
    exchange = {
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "code": code,
        "redirect_uri": back,
    }
    url = f"{emulator.url}/login/oauth/access_token"
    json_accept = {"Accept": "application/json"}
    wrong = requests.post(url, data={**exchange, "client_secret": "x"}, headers=json_accept)
    assert wrong.json() == {"error": "incorrect_client_credentials"}
    token = requests.post(url, data=exchange, headers=json_accept, timeout=10).json()
    assert token["access_token"].startswith("ghu_") and token["token_type"] == "bearer"
    again = requests.post(url, data=exchange, headers=json_accept, timeout=10).json()
    assert again == {"error": "bad_verification_code"}  # a code is good once
    user = {"Authorization": f"Bearer {token['access_token']}"}
    me = requests.get(f"{emulator.url}/user", headers=user, timeout=10)
    assert me.json()["login"] == "writer"
    repo = requests.get(f"{emulator.url}/repos/{REPO}", headers=user, timeout=10).json()
    assert repo["permissions"]["push"] is True
    emulator.set_permission(REPO, "writer", "read")
    repo = requests.get(f"{emulator.url}/repos/{REPO}", headers=user, timeout=10).json()
    assert repo["permissions"] == {**repo["permissions"], "pull": True, "push": False}
    hidden = requests.get(f"{emulator.url}/repos/d2l-ai/private", headers=user, timeout=10)
    assert hidden.status_code == 404
    # a user token is not an installation's: the App's other endpoints refuse it
    branches = requests.get(f"{emulator.url}/repos/{REPO}/branches", headers=user, timeout=10)
    assert branches.status_code == 401
    emulator.sign_in(None)
    nobody = requests.get(
        f"{emulator.url}/login/oauth/authorize",
        params={"client_id": emulator.client_id, "redirect_uri": back},
        allow_redirects=False,
        timeout=10,
    )
    assert nobody.status_code == 401
