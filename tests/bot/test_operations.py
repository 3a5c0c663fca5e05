"""The App as an operator runs it: gunicorn with ``deploy/gunicorn.conf.py`` and
``amts worker``, as real processes. Their log lines have one shape (time, level, delivery
id), a missing setting is one line and an exit gunicorn does not loop on, and a worker
started before Redis waits for it in one line."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.conftest import _wait_for_redis, free_port
from tests.bot.test_cli_serve import DEAD_API, PEM, _script, clean_env
from tests.bot.webhooks import SECRET, post, push_payload

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
KEY_VALUE = r"^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=[A-Z]+ logger=\S+ "


def gunicorn(tmp_path: Path, port: int, **variables: str) -> subprocess.Popen:
    """gunicorn as the image runs it (``-c deploy/gunicorn.conf.py``), on ``port``."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), f"--bind=127.0.0.1:{port}"],
        env=clean_env(tmp_path, **variables),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not come up ({process.poll()})") from None
            time.sleep(0.1)


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    """gunicorn with the test's ``AMTS_LOG_FORMAT``, one push delivered (``d-gunicorn``);
    after SIGTERM, its stderr and stdout lines."""
    port = free_port()
    fmt = getattr(request, "param", "text")
    process = gunicorn(tmp_path, port, AMTS_WEBHOOK_SECRET=SECRET, AMTS_LOG_FORMAT=fmt)
    url = f"http://127.0.0.1:{port}"
    lines: list[str] = []
    try:
        wait_healthy(url, process)
        answer = post(url, "push", push_payload(), delivery_id="d-gunicorn")
        assert answer == (202, {"queued": "d-gunicorn"})
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        lines = err.splitlines() + out.splitlines()
    assert process.returncode == 0, "\n".join(lines)
    assert SECRET not in "\n".join(lines)
    yield fmt, lines


def test_gunicorn_logs_the_webhook_in_key_value_lines(served: tuple[str, list[str]]) -> None:
    """Every line is ``time=… level=… logger=…``, gunicorn's own and its access log too, and
    the webhook's lines carry the delivery id."""
    _, lines = served
    assert lines
    for line in lines:
        assert re.match(KEY_VALUE, line), line
    queued = [line for line in lines if "webhook.queued" in line]
    assert len(queued) == 1
    assert "level=INFO logger=bot.web.app" in queued[0]
    assert "delivery=d-gunicorn" in queued[0]
    assert queued[0].count("delivery=") == 1
    access = [line for line in lines if "http.request" in line and "path=/webhook" in line]
    assert len(access) == 1
    assert "status=202" in access[0] and "delivery=d-gunicorn" in access[0]
    assert any("logger=gunicorn.error" in line and "Booting worker" in line for line in lines)


@pytest.mark.parametrize("served", ["json"], indirect=True)
def test_gunicorn_logs_json_by_setting(served: tuple[str, list[str]]) -> None:
    """``AMTS_LOG_FORMAT=json``: one JSON object a line, the same fields."""
    _, lines = served
    entries = [json.loads(line) for line in lines]
    assert all({"time", "level", "logger", "delivery", "message"} <= set(e) for e in entries)
    queued = [e for e in entries if e["message"].startswith("webhook.queued")]
    assert len(queued) == 1
    assert queued[0]["delivery"] == "d-gunicorn"
    assert queued[0]["level"] == "INFO"


@pytest.mark.parametrize(
    ("variables", "variable"),
    [
        pytest.param({}, "AMTS_WEBHOOK_SECRET", id="no secret"),
        pytest.param(
            {"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_LOG_FORMAT": "xml"},
            "AMTS_LOG_FORMAT",
            id="bad log format",
        ),
    ],
)
def test_gunicorn_missing_setting_is_one_line_and_exit_3(
    tmp_path: Path, variables: dict[str, str], variable: str
) -> None:
    """No worker is forked, no traceback, no "Worker failed to boot" loop: one line naming
    the variable and gunicorn's boot-failure status, 3."""
    process = gunicorn(tmp_path, free_port(), **variables)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 3
    assert err.startswith(f"amts: {variable}: ")
    assert err.count("\n") == 1, err
    assert out == ""


def test_worker_started_before_redis_waits_in_one_line(tmp_path: Path) -> None:
    """``amts worker`` whose Redis is not up yet: one line, then it waits; once Redis
    answers it starts (``worker.ready``) with no traceback in between."""
    port = free_port()
    worker = subprocess.Popen(
        [*_script(), "worker", "--workers", "1"],
        env=clean_env(
            tmp_path,
            AMTS_WEBHOOK_SECRET=SECRET,
            AMTS_QUEUE_URL=f"redis://127.0.0.1:{port}/0",
            AMTS_GITHUB_APP_ID="1",
            AMTS_GITHUB_PRIVATE_KEY=PEM,
            AMTS_GITHUB_API_URL=DEAD_API,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    redis = None
    try:
        assert worker.stderr is not None
        first = worker.stderr.readline()
        assert "worker.waiting_for_queue" in first, first
        time.sleep(2.5)  # a few tries of the worker, quietly
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_redis(port, redis)
        waited = []
        for line in worker.stderr:
            waited.append(line)
            if "worker.ready" in line:
                break
        assert waited and "worker.ready" in waited[-1], "".join(waited)
        assert [line for line in waited if "worker.queue_reachable" in line]
        assert not [line for line in waited if "Traceback" in line or "ERROR" in line]
        worker.send_signal(signal.SIGINT)
        worker.communicate(timeout=30)
        assert worker.returncode == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
