"""The web tier as shipped survives slow clients: the Dockerfile's gunicorn command, run on
loopback, answers /healthz at once while clients send their POSTs slowly, and stops
waiting for a body after ``BODY_SECONDS`` (GitHub gives up on a delivery after 10 s).

A real gunicorn process, with the image's working directory mimicked: the config file the
Dockerfile copies next to the app, the app from this checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.web.app import BODY_SECONDS
from tests.bot.conftest import free_port
from tests.bot.webhooks import SECRET

ROOT = Path(__file__).resolve().parents[2]
SLOW_POST = (
    b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"X-GitHub-Event: push\r\nContent-Length: 100000\r\n\r\n{"
)


def _dockerfile() -> list[str]:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()


def shipped_command() -> list[str]:
    """The image's default command (the Dockerfile's CMD)."""
    return json.loads(next(line for line in _dockerfile() if line.startswith("CMD "))[4:])


def copy_deploy_files(workdir: Path) -> None:
    """What the Dockerfile copies from deploy/ into the app's directory
    (``COPY deploy/x ./`` or ``COPY deploy/x ./deploy/x``)."""
    for line in _dockerfile():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "COPY" and parts[1].startswith("deploy/"):
            destination = workdir / parts[2]
            if parts[2].endswith("/"):
                destination = destination / Path(parts[1]).name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / parts[1], destination)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[int]:
    """The shipped command on a free loopback port; yields the port once /healthz answers."""
    port = free_port()
    command = [a for a in shipped_command() if not a.startswith("--bind")]
    command = [sys.executable, "-m", "gunicorn", *command[1:], f"--bind=127.0.0.1:{port}"]
    copy_deploy_files(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTS_")}
    env.update(
        AMTS_WEBHOOK_SECRET=SECRET,
        AMTS_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail((tmp_path / "gunicorn.log").read_text(errors="replace"))
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_compose_runs_the_image_command() -> None:
    """docker compose's web service runs what the image runs (the test below covers both)."""
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text("utf-8"))
    assert compose["services"]["web"]["command"] == shipped_command()


def test_slow_posts_do_not_make_healthz_wait(gunicorn: int) -> None:
    """Two POSTs whose bodies never finish: /healthz still answers at once, five times
    over. (Each holds a thread until BODY_SECONDS; ``workers × threads`` of them at once
    would fill a worker, which is what the buffering reverse proxy is for.)"""
    slow = [socket.create_connection(("127.0.0.1", gunicorn)) for _ in range(2)]
    try:
        for client in slow:
            client.sendall(SLOW_POST)
        time.sleep(0.5)  # the slow requests reach the workers first
        for _ in range(5):
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{gunicorn}/healthz", timeout=8) as r:
                assert r.status == 200
            assert time.monotonic() - started < 2.0
    finally:
        for client in slow:
            client.close()


def test_a_body_that_does_not_arrive_is_refused_after_the_time_limit(gunicorn: int) -> None:
    """The server answers 408 once a body has trickled for BODY_SECONDS, freeing its thread."""
    with socket.create_connection(("127.0.0.1", gunicorn)) as client:
        client.sendall(SLOW_POST)
        started = time.monotonic()
        client.settimeout(BODY_SECONDS + 15)
        answer = client.recv(4096)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert BODY_SECONDS - 1 <= waited <= BODY_SECONDS + 10
