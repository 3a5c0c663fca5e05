"""The App's status page: only for the operator's token, with the lag, the jobs, the queue
and the problems of every book; records bounded and forgotten on uninstall."""

from __future__ import annotations

import dataclasses
import re

import pytest
from flask.testing import FlaskClient

from bot.errors import SettingsError
from bot.settings import Settings
from bot.status import JOBS_PER_TARGET
from bot.web.app import create_app
from bot.work.queue import Queue
from tests.bot.lagdicts import SMALL, many_chapters

TOKEN = "s3cret-status-token-for-tests"
ZH, PT, OTHER = "d2l-ai/d2l-zh", "d2l-ai/d2l-pt", "someone/private-ja"


@pytest.fixture
def operator(settings: Settings, queue: Queue) -> FlaskClient:
    """The app with ``AMTS_STATUS_TOKEN`` set (no credentials sent yet)."""
    return create_app(dataclasses.replace(settings, status_token=TOKEN), queue).test_client()


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tenants(queue: Queue) -> None:
    """Two installations' records: d2l-ai (installation 1) and someone (installation 2)."""
    queue.status.update(
        ZH,
        source_repo="d2l-ai/d2l-en",
        lang="zh",
        installation_id=1,
        lag=SMALL,
        since=[58.2, "the merge of #411"],
        pull={"number": 7, "url": "https://github.com/d2l-ai/d2l-zh/pull/7", "files": 2},
        last_error="push rejected <not a fast-forward>",
        failure={"error": "push rejected <not a fast-forward>", "error_id": "e0e0e0e0e0"},
    )
    queue.status.update(PT, source_repo="d2l-ai/d2l-en", lang="pt", installation_id=1)
    queue.status.update(OTHER, source_repo="someone/book", lang="ja", installation_id=2)
    queue.status.update_source("someone/book", 2, config_error="targets[0].lang: unknown 'xx'")
    queue.status.record_job(
        ZH,
        kind="sync",
        event="push 1..2",
        outcome="opened",
        seconds=3.2,
        installation_id=1,
        url="https://github.com/d2l-ai/d2l-zh/pull/7/commits/abc",
    )
    queue.status.record_job(
        OTHER,
        kind="sync",
        event="push 3..4",
        outcome="failed",
        seconds=0.5,
        installation_id=2,
        error_id="e1e1e1e1e1",
    )


def test_no_token_setting_means_no_page(client: FlaskClient, queue: Queue) -> None:
    tenants(queue)
    for path in ("/", "/status.json"):
        answer = client.get(path, headers=bearer())
        assert answer.status_code == 404
        assert ZH not in answer.get_data(as_text=True)
    assert client.post("/login", data={"token": TOKEN}).status_code == 404


def test_unauthenticated_sees_no_tenant_data(operator: FlaskClient, queue: Queue) -> None:
    tenants(queue)
    for headers in ({}, bearer("wrong-token-of-the-right-size"), {"Authorization": TOKEN}):
        for path in ("/", "/status.json"):
            answer = operator.get(path, headers=headers)
            text = answer.get_data(as_text=True)
            assert answer.status_code == 401, (path, headers)
            assert "d2l-" not in text and "someone" not in text and "e1e1" not in text


def test_healthz_is_open_and_tenant_free(operator: FlaskClient, queue: Queue) -> None:
    tenants(queue)
    answer = operator.get("/healthz")
    assert (answer.status_code, answer.json) == (200, {"queue": "ok"})


def test_bearer_token_shows_every_book(operator: FlaskClient, queue: Queue) -> None:
    tenants(queue)
    html = operator.get("/", headers=bearer()).get_data(as_text=True)
    assert "<h2>d2l-ai/d2l-en</h2>" in html and "<h2>someone/book</h2>" in html
    section = html.split(f'data-target="{ZH}"', 1)[1].split("</section>", 1)[0]
    assert '<span class="percent" data-field="percent">69.3%</span>' in section
    assert '<span data-field="blocks-behind">31</span>' in section
    assert "+11.1% since the merge of #411" in section
    assert section.count('<g class="bar"') == 3  # chapters with English blocks
    assert '<a href="https://github.com/d2l-ai/d2l-zh/pull/7">#7</a>' in section
    assert "push rejected &lt;not a fast-forward&gt;" in section and "e0e0e0e0e0" in section
    problems = html.split('id="problems"', 1)[1].split("</table>", 1)[0]
    assert "someone/book" in problems and "unknown &#39;xx&#39;" in problems
    jobs = html.split('id="jobs"', 1)[1].split("</table>", 1)[0]
    assert jobs.count('<tr class="job">') == 2
    assert "push 1..2" in jobs and "opened" in jobs and "e1e1e1e1e1" in jobs
    assert '<a href="https://github.com/d2l-ai/d2l-zh/pull/7/commits/abc">#7 abc</a>' in jobs


def test_status_json(operator: FlaskClient, queue: Queue) -> None:
    tenants(queue)
    data = operator.get("/status.json", headers=bearer()).json
    assert [t["target_repo"] for t in data["targets"]] == [PT, ZH, OTHER]
    assert data["targets"][1]["lag"] == SMALL
    assert [j["target"] for j in data["jobs"]] == [OTHER, ZH]  # newest first
    assert data["queue"]["depth"] == 0 and data["queue"]["oldest_seconds"] is None
    assert [c["source_repo"] for c in data["invalid_configs"]] == ["someone/book"]
    assert [f["error_id"] for f in data["failures"]] == ["e0e0e0e0e0"]


def test_browser_login_sets_a_cookie_not_the_token(operator: FlaskClient, queue: Queue) -> None:
    tenants(queue)
    wrong = operator.post("/login", data={"token": "nope"})
    assert wrong.status_code == 401 and "not the token" in wrong.get_data(as_text=True)
    right = operator.post("/login", data={"token": TOKEN})
    assert right.status_code == 303
    cookie = right.headers["Set-Cookie"]
    assert TOKEN not in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert ZH in operator.get("/").get_data(as_text=True)  # the client keeps the cookie


def test_one_bar_per_chapter_of_a_long_book(operator: FlaskClient, queue: Queue) -> None:
    queue.status.update(ZH, source_repo="d2l-ai/d2l-en", lang="zh", lag=many_chapters(34))
    html = operator.get("/", headers=bearer()).get_data(as_text=True)
    chapters = re.findall(r'<g class="bar" data-chapter="([^"]+)"', html)
    assert chapters == [f"chapter_topic{n:02d}" for n in range(34)]
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_jobs_are_bounded_per_target(queue: Queue) -> None:
    for n in range(JOBS_PER_TARGET + 7):
        queue.status.record_job(ZH, kind="sync", event=f"push {n}", outcome="nothing")
    queue.status.record_job(PT, kind="sync", event="push pt", outcome="nothing")
    jobs = queue.status.jobs()
    assert len(jobs) == JOBS_PER_TARGET + 1
    assert {j["event"] for j in jobs if j["target"] == ZH} == {
        f"push {n}" for n in range(7, JOBS_PER_TARGET + 7)
    }


def test_forget_installation_removes_only_its_records(queue: Queue) -> None:
    tenants(queue)
    queue.status.record_job(None, kind="event", event="push", outcome="done", installation_id=2)
    queue.status.record_job(None, kind="event", event="push", outcome="done", installation_id=1)
    queue.status.forget_installation(2)
    assert [t["target_repo"] for t in queue.status.all()] == [PT, ZH]
    assert queue.status.sources() == []
    assert {j.get("installation_id") for j in queue.status.jobs()} == {1}


def test_workers_heartbeats(queue: Queue) -> None:
    queue.status.beat("host:1", threads=2)
    [worker] = queue.status.workers()
    assert worker["worker"] == "host:1" and worker["alive"] and worker["threads"] == 2


def test_status_token_must_be_long() -> None:
    env = {"AMTS_WEBHOOK_SECRET": "x", "AMTS_STATUS_TOKEN": "short"}
    with pytest.raises(SettingsError, match="AMTS_STATUS_TOKEN"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "AMTS_STATUS_TOKEN": TOKEN}).status_token == TOKEN
    assert TOKEN not in repr(Settings.from_env({**env, "AMTS_STATUS_TOKEN": TOKEN}))


def test_status_page_says_catch_up_exists(operator: FlaskClient) -> None:
    """Lag is carried only on request: the page names the command (issue 10 §3)."""
    html = operator.get("/", headers=bearer()).get_data(as_text=True)
    assert "<code>/amts catch-up PATH</code>" in html
