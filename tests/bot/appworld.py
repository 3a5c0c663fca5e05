"""The App as it runs in production, around a :class:`~tests.bot.bookworld.World`: its web
side on a loopback port (the real Flask app) and a worker consuming the real queue."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from bot.web.app import create_app
from bot.work.worker import start_consumer
from tests.bot.bookworld import World, wait_for


@contextmanager
def running_app(world: World, workers: int = 1) -> Iterator[str]:
    """The App's URL while its web side and ``workers`` consumer threads run."""
    app = create_app(world.services.settings, world.queue)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    consumer = start_consumer(world.queue, workers=workers)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        consumer.stop(graceful=True)
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def wait_for_opened_sync(world: World, timeout: float = 120) -> dict:
    """The job record of the sync that opened the pull request (a scheduled reconcile may
    run syncs of its own meanwhile)."""
    return wait_for(
        lambda: [
            j
            for j in world.services.status.jobs()
            if j["kind"] == "sync" and j["outcome"] == "opened"
        ],
        timeout,
    )[0]
