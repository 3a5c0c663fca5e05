"""Webhook acknowledgement under load: how fast the App answers GitHub, and that every
delivery is queued exactly once.

2,000 signed push deliveries (about 2 % of them redeliveries of an earlier delivery id)
from 8 client threads with keep-alive connections on loopback, against

  (a) ``amts serve`` (werkzeug's threaded server, SQLite queue in a temp data dir), and
  (b) ``gunicorn 'bot.web.app:create_app()'`` (gthread workers) with a redis-server it starts.

Only the acknowledgement is measured: the servers run no job threads (``amts serve
--workers 0``; no ``amts worker`` beside gunicorn), so every job stays in the queue and is
read back afterwards to count the deliveries queued exactly once, which must be the
deliveries minus the redeliveries. The latency is the client's: request written to answer
read, client threads on the same machine included. Figures are printed, not asserted.

    python bench/webhook_bench.py [--deliveries 2000] [--clients 8] [--gunicorn-workers 2]

Exit status 2 when redis-server or gunicorn is missing (after running what it can).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.web.signature import sign
from bot.work.queue import Queue, make_huey

SECRET = "webhook-bench-secret"
REPO = "d2l-ai/d2l-en"


@dataclass
class Delivery:
    delivery_id: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Result:
    label: str
    latencies: list[float]
    statuses: Counter
    seconds: float
    queued_once: int
    queued_twice_or_more: int
    expected_once: int


def push_body(n: int, rng: random.Random) -> bytes:
    """A push to the default branch with three commits (~2 KB, the size of a small real one)."""
    before, after = f"{n:040x}", f"{n + 1:040x}"
    commits = [
        {
            "id": f"{rng.getrandbits(160):040x}",
            "message": f"Fix a typo in chapter {n % 20} section {i}",
            "timestamp": "2026-05-04T12:00:00Z",
            "author": {"name": "Aston Zhang", "email": "aston@example.com"},
            "added": [],
            "removed": [],
            "modified": [f"chapter_{n % 20}/section_{i}.md"],
        }
        for i in range(3)
    ]
    owner, name = REPO.split("/")
    payload = {
        "ref": "refs/heads/master",
        "before": before,
        "after": after,
        "created": False,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": f"https://github.com/{REPO}/compare/{before[:12]}...{after[:12]}",
        "commits": commits,
        "head_commit": commits[-1],
        "repository": {
            "id": 152166877,
            "name": name,
            "full_name": REPO,
            "owner": {"login": owner, "type": "Organization"},
            "default_branch": "master",
            "clone_url": f"https://github.com/{REPO}.git",
            "description": "Interactive deep learning book with multi-framework code",
        },
        "pusher": {"name": "astonzhang", "email": "aston@example.com"},
        "sender": {"login": "astonzhang", "type": "User"},
        "installation": {"id": 4242, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg=="},
    }
    return json.dumps(payload).encode()


def make_deliveries(
    count: int, redelivery_share: float, seed: int = 7, secret: str = SECRET
) -> list[Delivery]:
    """``count`` deliveries; about ``redelivery_share`` of them repeat an earlier one."""
    rng = random.Random(seed)
    deliveries: list[Delivery] = []
    for n in range(count):
        if n > 10 and rng.random() < redelivery_share:
            deliveries.append(deliveries[rng.randrange(n - 10)])  # GitHub resends it as it was
            continue
        delivery_id = f"bench-{n:05d}-{rng.getrandbits(32):08x}"
        body = push_body(n, rng)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/bench",
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": delivery_id,
            "X-Hub-Signature-256": sign(secret, body),
        }
        deliveries.append(Delivery(delivery_id, body, headers))
    return deliveries


def fire(port: int, deliveries: list[Delivery], clients: int) -> tuple[list[float], Counter, float]:
    """Send every delivery from ``clients`` threads; latencies (s), statuses, wall time."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    todo = iter(deliveries)
    start_line = threading.Barrier(clients + 1)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/healthz")  # connect and warm up, untimed
        connection.getresponse().read()
        start_line.wait()
        mine: list[float] = []
        seen: Counter = Counter()
        while True:
            with lock:
                delivery = next(todo, None)
            if delivery is None:
                break
            began = time.perf_counter()
            connection.request("POST", "/webhook", delivery.body, delivery.headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            seen[response.status] += 1
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - began


def count_queued(queue_url: str) -> Counter:
    """How many ``handle_event`` jobs each delivery id has in the queue."""
    queue = Queue(make_huey(queue_url))
    try:
        return Counter(p["delivery_id"] for name, p in queue.waiting() if name == "handle_event")
    finally:
        queue.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not come up:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, process, log)
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def redis_server(binary: str) -> Iterator[str]:
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen(
        [*command, "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        import redis

        deadline = time.monotonic() + 10
        while True:
            client = redis.Redis(port=port, socket_connect_timeout=0.2)
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def base_env(data_dir: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTS_")}
    return {**env, "AMTS_WEBHOOK_SECRET": SECRET, "AMTS_DATA_DIR": str(data_dir), **variables}


def run(
    label: str,
    command: list[str],
    env: dict[str, str],
    port: int,
    queue_url: str,
    deliveries: list[Delivery],
    clients: int,
    log: Path,
) -> Result:
    with running(command, env, port, log):
        latencies, statuses, seconds = fire(port, deliveries, clients)
    counts = count_queued(queue_url)
    unique = len({d.delivery_id for d in deliveries})
    return Result(
        label,
        latencies,
        statuses,
        seconds,
        sum(1 for n in counts.values() if n == 1),
        sum(1 for n in counts.values() if n > 1),
        unique,
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(result: Result) -> None:
    ms = [x * 1000 for x in result.latencies]
    answers = ", ".join(f"{code}×{n}" for code, n in sorted(result.statuses.items()))
    print(
        f"{result.label:<34} p50 {percentile(ms, 0.50):6.1f} ms  p99 {percentile(ms, 0.99):6.1f} ms"
        f"  max {max(ms):6.1f} ms  {len(ms) / result.seconds:7.0f} deliveries/s"
    )
    print(
        f"{'':<34} answers {answers}; queued exactly once {result.queued_once}"
        f" (expected {result.expected_once}), more than once {result.queued_twice_or_more}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--redeliveries", type=float, default=0.02, help="share, 0..1")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    args = parser.parse_args()

    deliveries = make_deliveries(args.deliveries, args.redeliveries)
    unique = len({d.delivery_id for d in deliveries})
    print(
        f"{len(deliveries)} signed push deliveries ({len(deliveries) - unique} redeliveries, "
        f"{len(deliveries[0].body)} bytes each), {args.clients} client threads, loopback; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; goal p99 ≤ 50 ms"
    )
    amts = shutil.which("amts") or str(Path(sys.executable).with_name("amts"))
    status = 0
    with tempfile.TemporaryDirectory(prefix="amts-webhook-bench-") as tmp:
        tmp_path = Path(tmp)
        data = tmp_path / "serve"
        port = free_port()
        result = run(
            "(a) amts serve, SQLite",
            [amts, "serve", "--port", str(port), "--workers", "0"],
            base_env(data),
            port,
            f"sqlite:///{data}/queue.db",
            deliveries,
            args.clients,
            tmp_path / "serve.log",
        )
        report(result)

        redis_binary = shutil.which("redis-server")
        gunicorn = shutil.which("gunicorn")
        if redis_binary is None or gunicorn is None:
            missing = "redis-server" if redis_binary is None else "gunicorn"
            print(f"(b) gunicorn + Redis: skipped, {missing} is not installed", file=sys.stderr)
            return 2
        with redis_server(redis_binary) as redis_url:
            port = free_port()
            label = f"(b) gunicorn {args.gunicorn_workers}×gthread({args.gunicorn_threads}), Redis"
            command = [gunicorn, "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread"]
            command += ["--workers", str(args.gunicorn_workers)]
            command += ["--threads", str(args.gunicorn_threads), "bot.web.app:create_app()"]
            result = run(
                label,
                command,
                base_env(tmp_path / "gunicorn", AMTS_QUEUE_URL=redis_url),
                port,
                redis_url,
                deliveries,
                args.clients,
                tmp_path / "gunicorn.log",
            )
            report(result)
    return status


if __name__ == "__main__":
    sys.exit(main())
