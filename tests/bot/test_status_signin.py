"""Sign in with GitHub on the status page (issue 12, §2): off by default; on, a maintainer
goes through GitHub's web flow and sees only the translations they can push to, as GitHub
says with their own token. The App is served on a real port, the browser is a
``requests`` session following the redirects, GitHub is the emulator."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.errors import SettingsError
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.signin import web_url
from bot.work.queue import Queue
from tests.bot.conftest import serving
from tests.bot.test_status_page import OTHER, PT, TOKEN, ZH, tenants
from tests.emulators.github import GitHubEmulator
from tests.emulators.servers import github_emulator


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[GitHubEmulator]:
    with github_emulator(tmp_path) as emulator:
        emulator.add_repo(ZH)
        emulator.add_repo(PT)
        emulator.add_repo(OTHER, installation_id=2, private=True)
        emulator.add_repo("someone/book", installation_id=2, private=True)
        yield emulator
        assert emulator.server_errors == []


@pytest.fixture
def page(settings: Settings, sqlite_queue: Queue, emulator: GitHubEmulator) -> Iterator[str]:
    """The App's page with both ways in: the operator's token and GitHub's sign-in."""
    tenants(sqlite_queue)
    signin = dataclasses.replace(
        settings,
        api_url=emulator.api_url,
        status_token=TOKEN,
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
    )
    yield from serving(create_app(signin, sqlite_queue))


def signed_in(page: str, emulator: GitHubEmulator, login: str) -> requests.Session:
    """A browser that followed "Sign in with GitHub" as ``login`` to the page."""
    emulator.sign_in(login)
    browser = requests.Session()
    login_page = browser.get(f"{page}/", timeout=10)
    assert login_page.status_code == 401 and 'href="oauth/start"' in login_page.text
    answer = browser.get(f"{page}/oauth/start", timeout=30)
    assert answer.status_code == 200, answer.text
    assert [r.status_code for r in answer.history] == [302, 302, 303]
    assert answer.url == f"{page}/"
    return browser


def test_a_maintainer_sees_only_what_they_can_write_to(
    page: str, emulator: GitHubEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Write access to d2l-zh, read access to d2l-pt, nothing on the other tenant's private
    repositories: the page and the JSON show d2l-zh's row and jobs, and nothing else."""
    emulator.set_permission(ZH, "writer", "write")
    emulator.set_permission(PT, "writer", "read")
    caplog.set_level(logging.DEBUG)
    browser = signed_in(page, emulator, "writer")
    html = browser.get(f"{page}/", timeout=10).text
    assert "@writer" in html and f'data-target="{ZH}"' in html
    for hidden in (PT, OTHER, "someone/book", "e1e1e1e1e1"):
        assert hidden not in html
    data = browser.get(f"{page}/status.json", timeout=10).json()
    assert [t["target_repo"] for t in data["targets"]] == [ZH]
    assert [j["target"] for j in data["jobs"]] == [ZH]
    assert data["invalid_configs"] == [] and [f["target"] for f in data["failures"]] == [ZH]
    assert "depth" in data["queue"]
    # GitHub was asked with the user's own token, and nothing secret was logged
    asked = {r.path for r in emulator.requests if r.auth == "user"}
    assert {"/user", f"/repos/{ZH}", f"/repos/{PT}", f"/repos/{OTHER}"} <= asked
    assert emulator.client_secret not in caplog.text and "ghu_" not in caplog.text
    assert browser.post(f"{page}/logout", timeout=10).status_code == 401  # back to sign-in
    assert browser.get(f"{page}/status.json", timeout=10).status_code == 401


def test_an_admin_of_the_other_tenant_sees_only_theirs(page: str, emulator: GitHubEmulator) -> None:
    emulator.set_permission(OTHER, "owner", "admin")
    emulator.set_permission("someone/book", "owner", "admin")
    data = signed_in(page, emulator, "owner").get(f"{page}/status.json", timeout=10).json()
    assert [t["target_repo"] for t in data["targets"]] == [OTHER]
    assert [c["source_repo"] for c in data["invalid_configs"]] == ["someone/book"]
    assert ZH not in str(data)


def test_a_callback_that_did_not_start_here_is_refused(page: str, emulator: GitHubEmulator) -> None:
    """No state cookie, or another state: no session, and no code is traded."""
    emulator.sign_in("writer")
    browser = requests.Session()
    answer = browser.get(f"{page}/oauth/callback", params={"code": "c", "state": "s"}, timeout=10)
    assert answer.status_code == 400
    assert browser.get(f"{page}/status.json", timeout=10).status_code == 401
    assert not [r for r in emulator.requests if r.path == "/login/oauth/access_token"]


def test_the_operator_token_still_sees_everything(page: str) -> None:
    data = requests.get(
        f"{page}/status.json", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ).json()
    assert {t["target_repo"] for t in data["targets"]} == {ZH, PT, OTHER}


def test_sign_in_is_off_by_default(settings: Settings, sqlite_queue: Queue) -> None:
    """Without the client settings there is no sign-in route, and no page without a token."""
    client = create_app(settings, sqlite_queue).test_client()
    assert client.get("/oauth/start").status_code == 404
    assert client.get("/").status_code == 404
    with_token = create_app(dataclasses.replace(settings, status_token=TOKEN), sqlite_queue)
    assert "oauth/start" not in with_token.test_client().get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({"AMTS_GITHUB_CLIENT_ID": "Iv1.x"}, "AMTS_GITHUB_CLIENT_SECRET"),
        ({"AMTS_GITHUB_CLIENT_SECRET": "s"}, "AMTS_GITHUB_CLIENT_ID"),
    ],
)
def test_the_client_settings_come_in_pairs(variables: dict[str, str], missing: str) -> None:
    with pytest.raises(SettingsError, match=f"^{missing}: "):
        Settings.from_env({"AMTS_WEBHOOK_SECRET": "x", **variables})


@pytest.mark.parametrize(
    ("api", "web"),
    [
        ("https://api.github.com", "https://github.com"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_github_web_origin_from_the_api_url(api: str, web: str) -> None:
    assert web_url(api) == web
