"""Git subprocesses see a minimal environment: never the App's webhook secret, private key
or cloud credentials, whatever the process running them holds (issue 11, item 9).

Each test runs a real git through the code path under test with an alias that prints the
environment git was started with (``git -c alias.dumpenv=!env dumpenv``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from amts.sync.git import GitRepo
from bot.github.mirrors import auth_env, git
from tests.gitrepos import english_book

SECRETS = {
    "AMTS_WEBHOOK_SECRET": "webhook-secret-value-7f3a",
    "AMTS_GITHUB_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----private-key-value-7f3a",
    "AWS_ACCESS_KEY_ID": "AKIAAMTSSECRETKEY7F3A",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-value-7f3a",
    "AWS_SESSION_TOKEN": "aws-session-value-7f3a",
    "SOME_OTHER_TOKEN": "other-value-7f3a",
}
DUMP = ("-c", "alias.dumpenv=!env", "dumpenv")


@pytest.fixture
def secret_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)


def assert_no_secret(output: str) -> None:
    assert "PATH=" in output  # git did run and print its environment
    for key, value in SECRETS.items():
        assert value not in output, key


def test_the_mirrors_git_gets_no_secret(secret_environment, tmp_path: Path) -> None:
    path = tmp_path / "mirror.git"
    path.mkdir()
    git(path, "init", "--bare", "-q")
    assert_no_secret(git(path, *DUMP))
    assert_no_secret(git(path, *DUMP, env=auth_env("ghs_token")))


def test_the_sync_repositorys_git_gets_no_secret(secret_environment, tmp_path: Path) -> None:
    book = english_book(tmp_path)
    with GitRepo(book.path, "source") as repo:
        assert_no_secret(repo.repo.git.execute(["git", *DUMP]))
        assert repo.head()  # plain commands still work in the stripped environment
