"""``amts serve`` and ``amts worker`` as a user runs them: settings errors in one line
with exit status 2, a real server process answering a signed push, clean shutdowns."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.work.queue import Queue, make_huey
from tests.bot.webhooks import SECRET, post, push_payload

# If the periodic reconcile happens to be due while a test runs, it fails at once here
# instead of reaching for api.github.com.
DEAD_API = "http://127.0.0.1:9"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nnot used by these tests\n-----END RSA PRIVATE KEY-----\n"


def _script() -> list[str]:
    found = shutil.which("amts") or str(Path(sys.executable).with_name("amts"))
    return [found] if Path(found).exists() else [sys.executable, "-m", "bot.cli"]


def clean_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The process environment without any AMTS_* variable of the caller, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTS_")}
    return {**env, "AMTS_DATA_DIR": str(tmp_path / "data"), **variables}


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in list(os.environ):
        if name.startswith("AMTS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AMTS_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


@pytest.mark.parametrize(
    ("args", "variables", "variable"),
    [
        pytest.param(["serve"], {}, "AMTS_WEBHOOK_SECRET", id="serve without secret"),
        pytest.param(["worker"], {}, "AMTS_WEBHOOK_SECRET", id="worker without secret"),
        pytest.param(
            ["serve", "--workers", "0"],
            {"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_QUEUE_URL": "redis://localhost:xx/0"},
            "AMTS_QUEUE_URL",
            id="bad queue url",
        ),
        pytest.param(
            ["serve"], {"AMTS_WEBHOOK_SECRET": SECRET}, "AMTS_GITHUB_APP_ID", id="serve no app"
        ),
        pytest.param(
            ["worker"],
            {"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_GITHUB_APP_ID": "1"},
            "AMTS_GITHUB_PRIVATE_KEY",
            id="worker no key",
        ),
        pytest.param(
            ["serve", "--workers", "0"],
            {"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_RECONCILE_MINUTES": "often"},
            "AMTS_RECONCILE_MINUTES",
            id="bad minutes",
        ),
    ],
)
def test_settings_errors(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    variables: dict[str, str],
    variable: str,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {variable}: ")
    assert result.output.count("\n") == 1
    assert SECRET not in result.output


def test_installed_script_without_secret(tmp_path: Path) -> None:
    """The console script itself: stderr is one line naming the variable, exit 2."""
    done = subprocess.run(
        [*_script(), "serve"], env=clean_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error: AMTS_WEBHOOK_SECRET: ")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_help_lists_the_app_and_the_core_commands(runner: CliRunner) -> None:
    listing = runner.invoke(main, ["--help"])
    assert listing.exit_code == 0
    for command in ("serve", "worker", "sync", "demo", "align", "update-file"):
        assert f"  {command} " in listing.output
    assert runner.invoke(main, ["demo", "--help"]).exit_code == 0
    assert "--workers" in runner.invoke(main, ["serve", "--help"]).output


def start(tmp_path: Path, *args: str, **variables: str) -> tuple[subprocess.Popen, str]:
    """``amts ARGS`` in the background, once it is ready; for serve, the URL it announced."""
    process = subprocess.Popen(
        [*_script(), *args],
        env=clean_env(tmp_path, AMTS_WEBHOOK_SECRET=SECRET, **variables),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = "listening on " if args[0] == "serve" else "worker.ready"
    assert process.stderr is not None
    for line in process.stderr:
        if ready in line:
            return process, line.split("listening on ", 1)[-1].strip()
    process.wait(timeout=30)
    raise AssertionError(f"amts {args[0]} exited with {process.returncode} before it was ready")


def stop(process: subprocess.Popen, signum: int) -> str:
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    return stderr


def test_serve_receives_and_queues(tmp_path: Path) -> None:
    """``amts serve`` on a free port, no job threads: a signed push is acknowledged and
    waits in the SQLite queue under AMTS_DATA_DIR; SIGTERM stops it cleanly."""
    process, url = start(tmp_path, "serve", "--port", "0", "--workers", "0")
    try:
        assert post(url, "push", push_payload(), delivery_id="d-serve") == (
            202,
            {"queued": "d-serve"},
        )
        assert post(url, "push", push_payload(), secret="wrong")[0] == 401
    finally:
        stderr = stop(process, signal.SIGTERM)
    assert process.returncode == 0, stderr
    assert "delivery=d-serve" in stderr
    assert SECRET not in stderr
    queue = Queue(make_huey(f"sqlite:///{tmp_path}/data/queue.db"))
    try:
        assert [p["delivery_id"] for _, p in queue.waiting()] == ["d-serve"]
    finally:
        queue.close()


def start_serve_with_workers(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """``amts serve`` with two worker processes, the App's identity set (GitHub unreachable)."""
    return start(
        tmp_path,
        "serve",
        "--port",
        "0",
        "--workers",
        "2",
        AMTS_GITHUB_APP_ID="1",
        AMTS_GITHUB_PRIVATE_KEY=PEM,
        AMTS_GITHUB_API_URL=DEAD_API,
    )


def test_serve_with_workers_stops_on_sigint(tmp_path: Path) -> None:
    process, url = start_serve_with_workers(tmp_path)
    try:
        assert post(url, "ping", {"zen": "Keep it logically awesome."})[0] == 200
    finally:
        stderr = stop(process, signal.SIGINT)
    assert process.returncode == 0, stderr


def test_worker_on_redis_stops_on_sigint(tmp_path: Path, redis_url: str) -> None:
    process, _ = start(
        tmp_path,
        "worker",
        "--workers",
        "2",
        AMTS_QUEUE_URL=redis_url,
        AMTS_GITHUB_APP_ID="1",
        AMTS_GITHUB_PRIVATE_KEY=PEM,
        AMTS_GITHUB_API_URL=DEAD_API,
    )
    stderr = stop(process, signal.SIGINT)
    assert process.returncode == 0, stderr


@pytest.mark.parametrize(
    ("variables", "variable"),
    [
        pytest.param({}, "AMTS_WEBHOOK_SECRET", id="no secret"),
        pytest.param({"AMTS_WEBHOOK_SECRET": SECRET}, "AMTS_GITHUB_APP_ID", id="no app id"),
        pytest.param(
            {"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_GITHUB_APP_ID": "1"},
            "AMTS_GITHUB_PRIVATE_KEY",
            id="no key",
        ),
        pytest.param(
            {"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_GITHUB_APP_ID": "1", "AMTS_PAUSED": "a/b/c"},
            "AMTS_PAUSED",
            id="bad pause",
        ),
    ],
)
def test_check_settings_names_what_to_fix(
    tmp_path: Path, variables: dict[str, str], variable: str
) -> None:
    """Compose's ``check`` service: a bad setting of the web process or the workers is one
    line naming the variable and a failure, so web and worker are never started."""
    key = tmp_path / "key.pem"
    key.write_text(PEM)
    if "AMTS_GITHUB_APP_ID" in variables and variable != "AMTS_GITHUB_PRIVATE_KEY":
        variables = {**variables, "AMTS_GITHUB_PRIVATE_KEY_FILE": str(key)}
    done = subprocess.run(
        [*_script(), "check-settings"],
        env=clean_env(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"Error: {variable}: ")
    assert done.stderr.count("\n") == 1 and SECRET not in done.stderr


def test_check_settings_passes_what_web_and_worker_start_with(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text(PEM)
    env = clean_env(
        tmp_path,
        AMTS_WEBHOOK_SECRET=SECRET,
        AMTS_GITHUB_APP_ID="1",
        AMTS_GITHUB_PRIVATE_KEY_FILE=str(key),
        AMTS_QUEUE_URL="redis://redis:6379/0",
    )
    done = subprocess.run(
        [*_script(), "check-settings"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "amts: settings are valid\n"
