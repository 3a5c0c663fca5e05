"""The App's GitHub client against the emulator over real HTTP: its JWT, the installation
token cache, and retries on 5xx and rate limits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from github import GithubException

from bot.errors import GitHubError
from bot.github import client
from bot.github.client import RETRIES, GitHubApp, deadline, make_retry, mask
from bot.settings import Settings
from tests.emulators.github import GitHubEmulator
from tests.emulators.servers import github_emulator
from tests.gitrepos import english_book

REPO = "d2l-ai/d2l-en"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[GitHubEmulator]:
    with github_emulator(tmp_path) as emulator:
        emulator.add_repo(REPO, english_book(tmp_path / "books").path, installation_id=7)
        yield emulator


def app_for(emulator: GitHubEmulator, tmp_path: Path) -> GitHubApp:
    settings = Settings(
        webhook_secret="s",
        app_id=emulator.app_id,
        private_key=emulator.private_key_pem,
        api_url=emulator.api_url,
        data_dir=tmp_path / "data",
    )
    return GitHubApp(settings, retry=make_retry(secondary_rate_wait=1, backoff_factor=0.1))


def test_the_app_jwt_is_rs256_issued_in_the_past_and_short_lived(emulator, tmp_path) -> None:
    token = app_for(emulator, tmp_path).jwt()
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    claims = jwt.decode(token, emulator.public_key_pem, algorithms=["RS256"])
    now = time.time()
    assert claims["iss"] == str(emulator.app_id)
    assert now - 70 <= claims["iat"] <= now - 50  # 60 s back, for clock drift
    assert claims["exp"] - now <= 600


def test_installation_tokens_are_cached_until_five_minutes_before_expiry(
    emulator, tmp_path
) -> None:
    app = app_for(emulator, tmp_path)
    first = app.token(7)
    assert first == app.token(7)
    assert len(emulator.find_requests("POST", "/app/installations/7/access_tokens")) == 1
    # a token within five minutes of its end is renewed
    cached = app._tokens[7]
    app._tokens[7] = type(cached)(cached.value, cached.expires_at.replace(year=2000))
    second = app.token(7)
    assert second != first
    assert len(emulator.find_requests("POST", "/app/installations/7/access_tokens")) == 2


def test_client_and_installation_lookup(emulator, tmp_path) -> None:
    app = app_for(emulator, tmp_path)
    assert app.installation_id(REPO) == 7 == app.installation_for(REPO)
    repo = app.client(7).get_repo(REPO)
    assert repo.clone_url == emulator.clone_url(REPO)
    assert repo.default_branch == "main"


def test_an_installation_is_looked_up_again_once_forgotten_or_after_a_while(
    emulator, tmp_path, monkeypatch
) -> None:
    """A repository's installation is remembered, but not for ever: an uninstall handled
    here forgets it (and the installation's token) at once; in other processes it is
    looked up again after INSTALLATION_SECONDS."""
    app = app_for(emulator, tmp_path)
    lookups = lambda: len(emulator.find_requests("GET", f"/repos/{REPO}/installation"))  # noqa: E731
    tokens = lambda: len(emulator.find_requests("POST", "/app/installations/7/access_tokens"))  # noqa: E731
    assert app.installation_id(REPO) == 7 == app.installation_id(REPO)
    app.token(7)
    assert (lookups(), tokens()) == (1, 1)
    app.forget(7)
    assert app.installation_id(REPO) == 7
    app.token(7)
    assert (lookups(), tokens()) == (2, 2)
    monkeypatch.setattr(client, "INSTALLATION_SECONDS", 0.0)
    assert app.installation_id(REPO) == 7
    assert lookups() == 3


def test_a_502_is_retried(emulator, tmp_path) -> None:
    app = app_for(emulator, tmp_path)
    emulator.fail_next("GET", f"/repos/{REPO}", status=502, times=2)
    assert app.client(7).get_repo(REPO).full_name == REPO
    assert [r.status for r in emulator.find_requests("GET", f"/repos/{REPO}")] == [502, 502, 200]


def test_a_502_on_a_post_is_retried(emulator, tmp_path) -> None:
    app = app_for(emulator, tmp_path)
    repo = app.client(7).get_repo(REPO)
    sha = repo.get_branch("main").commit.sha
    emulator.fail_next("POST", f"/repos/{REPO}/check-runs", status=502)
    repo.create_check_run(name="amts", head_sha=sha, status="completed", conclusion="success")
    assert [r.status for r in emulator.find_requests("POST", f"/repos/{REPO}/check-runs")] == [
        502,
        201,
    ]


def test_no_retry_after_the_deadline(emulator, tmp_path) -> None:
    """Inside a deadline, a GitHub that keeps failing is given up once the next try would
    start after it: GitHub's last answer, after fewer tries than the retry policy's."""
    app = app_for(emulator, tmp_path)
    client = app.client(7)
    emulator.fail_next("GET", f"/repos/{REPO}", status=502, times=100)
    started = time.monotonic()
    with deadline(0.5), pytest.raises(GithubException) as caught:
        client.get_repo(REPO)
    assert caught.value.status == 502
    assert time.monotonic() - started < 1.5
    tries = len(emulator.find_requests("GET", f"/repos/{REPO}"))
    assert 2 <= tries < RETRIES + 1  # retried, but not as often as without a deadline


@pytest.mark.parametrize("status", [403, 429])
def test_a_secondary_rate_limit_with_retry_after_is_waited_for(emulator, tmp_path, status) -> None:
    app = app_for(emulator, tmp_path)
    client = app.client(7)
    emulator.rate_limit_next("GET", f"/repos/{REPO}", retry_after=1, status=status)
    started = time.monotonic()
    assert client.get_repo(REPO).full_name == REPO
    assert time.monotonic() - started >= 0.9
    assert [r.status for r in emulator.find_requests("GET", f"/repos/{REPO}")] == [status, 200]


def test_a_primary_rate_limit_waits_for_the_reset(emulator, tmp_path) -> None:
    app = app_for(emulator, tmp_path)
    client = app.client(7)
    emulator.rate_limit_next("GET", f"/repos/{REPO}", retry_after=1, primary=True)
    assert client.get_repo(REPO).full_name == REPO
    assert [r.status for r in emulator.find_requests("GET", f"/repos/{REPO}")] == [403, 200]


def test_errors_are_github_errors_without_the_token(emulator, tmp_path) -> None:
    app = app_for(emulator, tmp_path)
    with pytest.raises(GitHubError, match="404") as caught:
        app.installation_id("nobody/nothing")
    token = app.token(7)
    assert token not in str(caught.value)
    assert token not in repr(app)


def test_mask_hides_tokens_and_credentials() -> None:
    text = (
        "token ghs_abcdefghijklmnopqrstuvwxyz0123456789 in "
        "https://x-access-token:ghs_secret0123456789abcdef@github.com/o/r.git; "
        "Authorization: Basic eC1hY2Nlc3MtdG9rZW46Z2hz; jwt eyJhbGc.eyJpc3M.c2lnbmF0dXJl"
    )
    masked = mask(text, "extra-secret")
    for secret in ("ghs_abc", "ghs_secret", "eC1hY2Nl", "eyJhbGc"):
        assert secret not in masked
    assert mask("nothing secret here") == "nothing secret here"
