"""The web app: the webhook's answers and what each one leaves in the real queue, the
health check and the status page; through Flask's test client and over real HTTP."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bot.errors import SettingsError
from bot.event import Event
from bot.settings import Settings
from bot.web.app import MAX_BODY_BYTES, create_app
from bot.web.signature import sign
from bot.work.queue import Queue, make_huey
from tests.bot.conftest import free_port
from tests.bot.webhooks import (
    SECRET,
    body_of,
    comment_payload,
    deliver,
    headers,
    installation_payload,
    post,
    push_payload,
)


def queued_deliveries(queue: Queue) -> list[str]:
    return [payload["delivery_id"] for name, payload in queue.waiting() if name == "handle_event"]


def test_signed_push_is_queued(client: FlaskClient, queue: Queue) -> None:
    answer = deliver(client, "push", push_payload(), delivery_id="d-push")
    assert (answer.status_code, answer.json) == (202, {"queued": "d-push"})
    [(name, payload)] = queue.waiting()
    assert name == "handle_event"
    assert Event.from_dict(payload) == Event("push", "d-push", push_payload())


@pytest.mark.parametrize(
    "secret",
    [pytest.param("not-the-secret", id="wrong"), pytest.param(None, id="missing")],
)
def test_bad_signature_is_401_and_nothing_recorded(
    client: FlaskClient, queue: Queue, secret: str | None
) -> None:
    answer = deliver(client, "push", push_payload(), delivery_id="d-bad", secret=secret)
    assert answer.status_code == 401
    assert "X-Hub-Signature-256" in answer.json["error"]
    assert queue.waiting() == []
    assert queue.record_delivery("d-bad"), "a rejected delivery must not be remembered"


def test_signature_over_another_body_is_401(client: FlaskClient, queue: Queue) -> None:
    body = body_of(push_payload())
    sent = headers(body_of(push_payload(after="c" * 40)), "push", "d-swap")
    assert client.post("/webhook", data=body, headers=sent).status_code == 401
    assert queue.waiting() == []


def test_too_large_is_413(client: FlaskClient, queue: Queue) -> None:
    body = b"{" + b" " * MAX_BODY_BYTES + b"}"
    answer = client.post("/webhook", data=body, headers=headers(body, "push", "d-big"))
    assert answer.status_code == 413
    assert answer.json["error"]
    assert queue.waiting() == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"ref=refs/heads/master", id="form data"),
        pytest.param(b"[1, 2]", id="JSON array"),
        pytest.param(b"\xff\xfe{}", id="not UTF-8"),
    ],
)
def test_not_a_json_object_is_400(client: FlaskClient, queue: Queue, body: bytes) -> None:
    answer = client.post("/webhook", data=body, headers=headers(body, "push", "d-400"))
    assert answer.status_code == 400
    assert queue.waiting() == []


def test_missing_delivery_header_is_400(client: FlaskClient, queue: Queue) -> None:
    body = body_of(push_payload())
    sent = headers(body, "push")
    del sent["X-GitHub-Delivery"]
    assert client.post("/webhook", data=body, headers=sent).status_code == 400
    assert queue.waiting() == []


def test_ping_is_200(client: FlaskClient, queue: Queue) -> None:
    answer = deliver(client, "ping", {"zen": "Design for failure.", "hook_id": 1})
    assert answer.status_code == 200
    assert queue.waiting() == []


@pytest.mark.parametrize(
    ("event", "payload", "kind"),
    [
        pytest.param("star", {"action": "created"}, "star.created", id="star"),
        pytest.param("issue_comment", comment_payload("edited"), "issue_comment.edited", id="c"),
        pytest.param("installation", installation_payload("suspend"), "installation.suspend"),
    ],
)
def test_events_not_handled_are_202_ignored(
    client: FlaskClient, queue: Queue, event: str, payload: dict, kind: str
) -> None:
    answer = deliver(client, event, payload)
    assert (answer.status_code, answer.json) == (202, {"ignored": kind})
    assert queue.waiting() == []


def test_redelivery_is_acknowledged_and_dropped(client: FlaskClient, queue: Queue) -> None:
    first = deliver(client, "push", push_payload(), delivery_id="d-twice")
    again = deliver(client, "push", push_payload(), delivery_id="d-twice")
    assert first.status_code == 202
    assert (again.status_code, again.json) == (200, {"duplicate": True})
    assert queued_deliveries(queue) == ["d-twice"]


def test_unexpected_error_is_500_with_a_logged_traceback(
    settings: Settings, dead_redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The queue is down: GitHub sees a 500, the log has the traceback and the delivery."""
    queue = Queue(make_huey(dead_redis_url), settings=settings)
    try:
        client = create_app(settings, queue).test_client()
        with caplog.at_level(logging.ERROR, logger="bot.web.app"):
            answer = deliver(client, "push", push_payload(), delivery_id="d-500")
    finally:
        queue.close()
    assert answer.status_code == 500
    assert answer.json == {"error": "internal error; see the server log"}
    [record] = [r for r in caplog.records if r.name == "bot.web.app"]
    assert record.exc_info is not None
    assert "delivery=d-500" in record.getMessage()


def test_a_delivery_that_could_not_be_queued_is_forgotten(
    settings: Settings, sqlite_queue: Queue
) -> None:
    """The job's write fails after the delivery was recorded: GitHub gets a 500, and its
    redelivery is queued instead of being dropped as a duplicate."""
    app = create_app(settings, sqlite_queue)
    database = sqlite3.connect(settings.data_dir / "queue.db")
    try:
        database.execute("alter table task rename to task_away")
        answer = deliver(app.test_client(), "push", push_payload(), delivery_id="d-lost")
        assert answer.status_code == 500
        database.execute("alter table task_away rename to task")
    finally:
        database.close()
    again = deliver(app.test_client(), "push", push_payload(), delivery_id="d-lost")
    assert again.status_code == 202
    assert queued_deliveries(sqlite_queue) == ["d-lost"]


def test_every_line_of_a_delivery_carries_its_id(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        deliver(client, "push", push_payload(), delivery_id="d-log-1")
        deliver(client, "push", push_payload(), delivery_id="d-log-1")
        deliver(client, "push", push_payload(), delivery_id="d-log-2", secret="wrong")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.web.app"]
    assert len(lines) == 3
    assert all("delivery=d-log-" in line for line in lines)


def test_secrets_never_logged(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    body = body_of(push_payload())
    signature = sign(SECRET, body)
    with caplog.at_level(logging.DEBUG):
        client.post("/webhook", data=body, headers=headers(body, "push", "d-s1"))
        client.post("/webhook", data=body, headers=headers(body, "push", "d-s2", "wrong"))
        deliver(client, "ping", {"zen": "x"})
    assert caplog.records
    assert SECRET not in caplog.text
    assert signature not in caplog.text and signature[7:] not in caplog.text


def test_healthz(client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert (answer.status_code, answer.json) == (200, {"queue": "ok"})


def test_healthz_503_when_the_queue_is_down(settings: Settings, dead_redis_url: str) -> None:
    queue = Queue(make_huey(dead_redis_url), settings=settings)
    try:
        answer = create_app(settings, queue).test_client().get("/healthz")
    finally:
        queue.close()
    assert (answer.status_code, answer.json) == (503, {"queue": "unreachable"})


def test_end_to_end_over_http(live_server: str, queue: Queue) -> None:
    """A real server on a loopback port: signed push queued once, redelivery dropped."""
    assert post(live_server, "push", push_payload(), delivery_id="d-http") == (
        202,
        {"queued": "d-http"},
    )
    assert post(live_server, "push", push_payload(), delivery_id="d-http") == (
        200,
        {"duplicate": True},
    )
    assert post(live_server, "push", push_payload(), secret="nope")[0] == 401
    assert queued_deliveries(queue) == ["d-http"]


def test_create_app_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``gunicorn 'bot.web.app:create_app()'`` does: settings and queue from AMTS_*."""
    monkeypatch.setenv("AMTS_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("AMTS_DATA_DIR", str(tmp_path / "data"))
    app = create_app()
    queue = app.extensions["amts"]["queue"]
    try:
        assert deliver(app.test_client(), "push", push_payload()).status_code == 202
        assert (tmp_path / "data" / "queue.db").is_file()
    finally:
        queue.close()
    monkeypatch.delenv("AMTS_WEBHOOK_SECRET")
    with pytest.raises(SettingsError, match=r"^AMTS_WEBHOOK_SECRET: "):
        create_app()


@pytest.mark.skipif(shutil.which("gunicorn") is None, reason="gunicorn is not installed")
def test_gunicorn_serves_the_factory(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "AMTS_WEBHOOK_SECRET": SECRET, "AMTS_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--worker-class", "gthread", "bot.web.app:create_app()"]
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server)
        assert post(f"http://127.0.0.1:{port}", "push", push_payload(), delivery_id="d-g")[0] == 202
    finally:
        server.terminate()
        server.wait(timeout=30)
    queue = Queue(make_huey(f"sqlite:///{tmp_path}/queue.db"))
    try:
        assert queued_deliveries(queue) == ["d-g"]
    finally:
        queue.close()


def _wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                if json.load(answer) == {"queue": "ok"}:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server at {url} did not come up") from None
            time.sleep(0.1)


def test_real_github_payloads(shared_webhooks: Path, client: FlaskClient, queue: Queue) -> None:
    """GitHub's own examples: each parses, is answered as its event and action say, and
    the queued event reads back with the payload's installation and repository."""
    expected = {
        "push": 202,
        "ping": 200,
        "installation.created": 202,
        "installation.deleted": 202,
        "issue_comment.created": 202,
        "pull_request.closed": 202,
        "pull_request.opened": 202,
    }
    seen = 0
    for path in sorted(shared_webhooks.glob("*.json")):
        name = path.name.split(".")[0]
        body = path.read_bytes()
        payload = json.loads(body)
        kind = f"{name}.{payload['action']}" if "action" in payload else name
        if kind not in expected:
            continue
        seen += 1
        answer = client.post("/webhook", data=body, headers=headers(body, name, path.name))
        assert answer.status_code == expected[kind], path.name
        event = Event(name, path.name, payload)
        queued = answer.json.get("queued") if answer.json else None
        assert (queued == path.name) is event.is_handled(), path.name
        assert event.repo_full_name == (payload.get("repository") or {}).get("full_name")
        assert event.installation_id == (payload.get("installation") or {}).get("id")
    assert seen >= 10
    waiting = dict((payload["delivery_id"], payload) for _, payload in queue.waiting())
    push = waiting["push.with-installation.payload.json"]
    assert Event.from_dict(push).installation_id == 1
    assert Event.from_dict(push).repo_full_name == "Codertocat/Hello-World"
