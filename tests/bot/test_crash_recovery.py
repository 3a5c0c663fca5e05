"""Scenario g: a worker process killed with SIGKILL in the middle of a sync is healed by
the reconcile job, and the end state equals an uninterrupted run, with one pull request.

Real parts only: ``amts worker`` processes (``bot.cli``) on a shared SQLite or Redis
queue, the GitHub emulator over HTTP, a signed push through the Flask app. The kill is
made deterministic by watching, not by hooks in our code:

- ``started``: right after the worker logs ``sync.started`` for the target (its lease
  taken, the job off the queue, the mirrors possibly half-fetched);
- ``pushed``: after the worker pushed the sync branch, while GitHub answers the pull
  request's creation with 502s (the emulator's fault injection) and the worker waits to
  retry: the branch exists, the pull request does not.

The SQLite worker is restarted on the same data directory (one machine, its mirrors as
the dead worker left them); on Redis a second worker with its own data directory was
running all along and heals the target alone. ``AMTS_LOCK_SECONDS`` is short so that the
dead worker's lease expires in seconds instead of minutes. The reconcile job runs only
when the test queues it: a periodic one at a worker's start (any minute that is a multiple
of 15) would also ask for the open pull requests, the request the test holds back.
"""

from __future__ import annotations

import difflib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.web.app import create_app
from bot.work.queue import Queue
from tests.bot.conftest import redis_db
from tests.bot.webhooks import SECRET, deliver, push_payload
from tests.emulators.github import GitHubEmulator
from tests.emulators.servers import github_emulator
from tests.gitrepos import GitDir, change_english, english_book, zh_book

ROOT = Path(__file__).resolve().parents[2]
SOURCE, TARGET = "d2l-ai/d2l-en", "d2l-ai/d2l-zh"
INSTALLATION = 1
BRANCH = "amts/sync"
PULLS_PATH = f"/repos/{TARGET}/pulls"
CONFIG = f"""\
source_lang: en
targets:
  - repo: {TARGET}
    lang: zh
    glossary: TERMINOLOGY.md
engine: memory
branch: {BRANCH}
labels: [translation-sync]
"""
WORKER = [sys.executable, "-c", "from bot.cli import main; main()", "worker"]
NEVER = 10**9  # minutes between periodic reconciles: the test queues the one it wants
WAIT = 90.0  # seconds for anything a worker does; generous for a loaded 2-core machine
DATES = {
    "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00",
}
VOLATILE = {".amts/state.json": ("synced_at",)}


@dataclass
class Book:
    """The English book and its translation on the emulator, the push between them."""

    github: GitHubEmulator
    before: str
    after: str


@dataclass
class Workers:
    """``amts worker`` processes of one test, their logs, all ended at teardown."""

    root: Path
    env: dict[str, str]
    processes: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def start(self, name: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.root / f"{name}.log"
        env = {**self.env, "AMTS_DATA_DIR": str(data_dir)}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*WORKER, "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes.append((process, log))
        return process, log

    def stop_all(self) -> None:
        for process, _ in self.processes:
            if process.poll() is None:
                process.terminate()
        for process, _ in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')}" for _, log in self.processes
        )


@contextmanager
def _fixed_dates() -> Iterator[None]:
    """Commits made meanwhile get fixed dates: every test builds the same revisions, so
    its end state can be compared with the uninterrupted run's, English shas included."""
    saved = {name: os.environ.get(name) for name in DATES}
    os.environ.update(DATES)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _book(tmp: Path, github: GitHubEmulator) -> Book:
    """A book synced once before (the target's default branch records the English it
    follows), then one English change: every kind of change a sync carries."""
    with _fixed_dates():
        return _make_book(tmp, github)


def _make_book(tmp: Path, github: GitHubEmulator) -> Book:
    english = english_book(tmp / "local")
    english.write(".github/amts.yml", CONFIG)
    before = english.commit("Configure AMTS")
    chinese: GitDir = zh_book(tmp / "local")
    chinese.write(".amts/state.json", json.dumps({"source_revision": before}) + "\n")
    chinese.commit("Follow the English at its first revision")
    after = change_english(english)
    github.add_repo(SOURCE, english.path, installation_id=INSTALLATION)
    github.add_repo(TARGET, chinese.path, installation_id=INSTALLATION)
    return Book(github, before, after)


def _env(github: GitHubEmulator, queue_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMTS_", "GIT_"))}
    env.update(
        AMTS_WEBHOOK_SECRET=SECRET,
        AMTS_GITHUB_APP_ID=str(github.app_id),
        AMTS_GITHUB_PRIVATE_KEY=github.private_key_pem,
        AMTS_GITHUB_API_URL=github.api_url,
        AMTS_QUEUE_URL=queue_url,
        AMTS_LOCK_SECONDS="3",
        AMTS_RECONCILE_MINUTES=str(NEVER),
        PYTHONUNBUFFERED="1",
    )
    return env


def _push(book: Book, queue: Queue, settings: Settings) -> None:
    """The signed push webhook, through the real Flask app, into the shared queue."""
    client = create_app(settings, queue).test_client()
    payload = push_payload(
        SOURCE,
        ref="refs/heads/main",
        before=book.before,
        after=book.after,
        default_branch="main",
        installation_id=INSTALLATION,
    )
    response = deliver(client, "push", payload)
    assert response.status_code == 202, response.get_json()


def _wait(condition: Callable[[], Any], what: str, workers: Workers) -> Any:
    deadline = time.monotonic() + WAIT
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{workers.logs()}")
        time.sleep(0.05)


def _open_pull(github: GitHubEmulator) -> Callable[[], dict[str, Any] | None]:
    def found() -> dict[str, Any] | None:
        pulls = github.pulls(TARGET, state="open")
        return pulls[0] if pulls else None

    return found


def end_state(github: GitHubEmulator) -> dict[str, Any]:
    """What a maintainer sees: the pull requests, the target's branches and the files the
    sync pull request proposes (timestamps and the emulator's port left out)."""
    pulls = github.pulls(TARGET)
    state: dict[str, Any] = {
        "pulls": [
            (p["state"], p["head"]["ref"], p["title"], [x["name"] for x in p["labels"]])
            for p in pulls
        ],
        "branches": sorted(github.branches(TARGET)),
    }
    if pulls:
        # The emulator's port differs between runs: it shows in source_repo URLs.
        files = {
            path: text.replace(github.url, "http://github.test")
            for path, text in github.files(TARGET, pulls[-1]["head"]["sha"]).items()
        }
        for path, keys in VOLATILE.items():
            if path in files:
                data = json.loads(files[path])
                files[path] = json.dumps({k: v for k, v in data.items() if k not in keys})
        state["files"] = files
        commits = github.commits(TARGET, pulls[-1]["head"]["sha"], since="main")
        state["sync_commits"] = len(commits)
    return state


def assert_same(state: dict[str, Any], expected: dict[str, Any]) -> None:
    """``state == expected``, failing with a readable diff of the first file that differs."""
    for path in sorted(set(state.get("files", {})) | set(expected.get("files", {}))):
        got, want = state["files"].get(path, ""), expected["files"].get(path, "")
        if got != want:
            diff = difflib.unified_diff(
                want.splitlines(), got.splitlines(), "uninterrupted", "healed", lineterm=""
            )
            pytest.fail(f"{path} differs from the uninterrupted run:\n" + "\n".join(diff))
    assert state == expected


@pytest.fixture
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The shared queue of the workers: SQLite in a shared folder, or db 9 of the
    session's Redis (flushed before and after, so no other test's jobs mix in)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared' / 'queue.db'}"
        return
    with redis_db(request.getfixturevalue("redis_url"), 9) as url:
        yield url


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The end state of the same push, synced by one worker that nobody kills."""
    tmp = tmp_path_factory.mktemp("uninterrupted")
    with github_emulator(tmp) as github:
        book = _book(tmp, github)
        url = f"sqlite:///{tmp / 'queue.db'}"
        settings = Settings(webhook_secret=SECRET, data_dir=tmp / "web", queue_url=url)
        queue = Queue.from_settings(settings)
        workers = Workers(tmp, _env(github, url))
        try:
            workers.start("worker", tmp / "worker")
            _push(book, queue, settings)
            _wait(_open_pull(github), "the pull request", workers)
            _wait(lambda: "sync.done" in workers.logs(), "the sync to finish", workers)
        finally:
            workers.stop_all()
            queue.close()
        return end_state(github)


@pytest.mark.parametrize("queue_url", ["sqlite", "redis"], indirect=True)
@pytest.mark.parametrize("kill_at", ["started", "pushed"])
def test_killed_worker_is_healed_by_reconcile(
    queue_url: str, kill_at: str, tmp_path: Path, uninterrupted: dict[str, Any]
) -> None:
    """SIGKILL in the middle of a sync, then the reconcile job: the same pull request,
    branches and files as an uninterrupted run, and never a second pull request."""
    redis = queue_url.startswith("redis:")
    with github_emulator(tmp_path) as github:
        book = _book(tmp_path, github)
        settings = Settings(webhook_secret=SECRET, data_dir=tmp_path / "web", queue_url=queue_url)
        queue = Queue.from_settings(settings)
        workers = Workers(tmp_path, _env(github, queue_url))
        try:
            running = [workers.start("worker-a", tmp_path / "data-a")]
            if redis:
                running.append(workers.start("worker-b", tmp_path / "data-b"))
            if kill_at == "pushed":
                github.fail_next("POST", PULLS_PATH, status=502, times=1000)
            else:  # the sync asks for the open pull requests before it does anything
                github.faults.hold("GET", PULLS_PATH)
            _push(book, queue, settings)

            def syncing() -> tuple[subprocess.Popen[bytes], Path] | None:
                for process, log in running:
                    if f"sync.started subject={TARGET}" in log.read_text(errors="replace"):
                        return process, log
                return None

            victim, victim_log = _wait(syncing, "a worker to start the sync", workers)
            if kill_at == "started":
                _wait(lambda: github.faults.waiting, "the sync to wait for GitHub", workers)
            if kill_at == "pushed":
                _wait(
                    lambda: (
                        github.branch_sha(TARGET, BRANCH)
                        and any(r.status == 502 for r in github.find_requests("POST", PULLS_PATH))
                    ),
                    "the sync branch pushed and the pull request refused",
                    workers,
                )
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            assert "sync.done" not in victim_log.read_text(errors="replace")  # died mid-sync
            github.faults.clear()
            assert github.pulls(TARGET) == []  # killed before any pull request existed

            if not redis:
                workers.start("worker-a-restarted", tmp_path / "data-a")
            queue.enqueue_reconcile()
            pull = _wait(_open_pull(github), "the reconcile job to heal the target", workers)
            _wait(
                lambda: (
                    github.branch_sha(TARGET, pull["head"]["ref"]) == pull["head"]["sha"]
                    and "sync.done" in workers.logs()
                ),
                "the healing sync to finish",
                workers,
            )
            assert f"reconcile.behind target={TARGET}" in workers.logs()
        finally:
            workers.stop_all()
            queue.close()
        state = end_state(github)
    assert_same(state, uninterrupted)
    assert len(state["pulls"]) == 1
    assert not github.forced_updates
