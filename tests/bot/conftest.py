"""The bot's fixtures: settings, real huey queues on SQLite and on a real Redis server,
the Flask app and a live server on a loopback port.

Sign a delivery with :mod:`tests.bot.webhooks` (``deliver(client, "push", payload)``)
and read what was queued back with ``queue.waiting()``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from bot.settings import Settings
from bot.web.app import create_app
from bot.work.queue import Queue, make_huey
from tests.bot.webhooks import SECRET

SHARED_WEBHOOKS = Path(__file__).resolve().parents[3] / "shared" / "github-webhooks"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real ``redis-server`` on a free loopback port, no persistence, for the session.

    Skips when the binary is missing, except under CI (``CI`` set), where it fails:
    ``.ci/run`` installs Debian's ``redis-server``.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_redis(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_redis(port: int, process: subprocess.Popen) -> None:
    import redis

    deadline = time.monotonic() + 10
    while True:
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2)
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer on port {port}") from None
            time.sleep(0.05)
        finally:
            client.close()


@contextmanager
def redis_db(redis_url: str, db: int) -> Iterator[str]:
    """The URL of database ``db`` of the session's Redis, flushed before and after: for
    processes and tests that use the App's default queue name."""
    import redis

    url = redis_url.rsplit("/", 1)[0] + f"/{db}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def dead_redis_url() -> str:
    """A Redis URL where nothing listens: the queue is unreachable."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a test: the test secret, a fresh data dir, the SQLite queue in it."""
    return Settings(webhook_secret=SECRET, data_dir=tmp_path / "amts-data")


@pytest.fixture
def sqlite_queue(settings: Settings) -> Iterator[Queue]:
    queue = Queue.from_settings(settings, retry_delay=0.2)
    yield queue
    queue.close()


@pytest.fixture
def redis_queue(redis_url: str, settings: Settings) -> Iterator[Queue]:
    """A queue of its own name on the session's Redis, emptied afterwards."""
    huey = make_huey(redis_url, name=f"amts{uuid.uuid4().hex[:12]}")
    queue = Queue(huey, settings=settings, retry_delay=0.2)
    yield queue
    huey.flush()
    queue.background.flush()
    queue.close()


@pytest.fixture(params=["sqlite", "redis"])
def queue(request: pytest.FixtureRequest) -> Queue:
    """Each test that uses it runs twice: on the SQLite queue and on Redis."""
    return request.getfixturevalue(f"{request.param}_queue")


@pytest.fixture
def app(settings: Settings, queue: Queue) -> Flask:
    return create_app(settings, queue)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on werkzeug's threaded server on a free loopback port; yields its URL."""
    yield from serving(app)


def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port while the generator is open; its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def shared_webhooks() -> Path:
    """GitHub's real payload examples beside the project; tests using them skip without."""
    if not SHARED_WEBHOOKS.is_dir():
        pytest.skip("../shared/github-webhooks is absent")
    return SHARED_WEBHOOKS
