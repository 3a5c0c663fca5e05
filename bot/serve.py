"""``amts serve``: the whole App in one process, for one machine and for trying it out.

The Flask app on werkzeug's threaded server and huey's consumer threads share one
process and one SQLite queue (or Redis, if ``AMTS_QUEUE_URL`` says so). Production runs
the same app under gunicorn and the consumers as ``amts worker``.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType

from werkzeug.serving import WSGIRequestHandler, make_server

from bot.app import create_app
from bot.queue import Queue
from bot.settings import Settings
from bot.worker import start_consumer


def run_server(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until SIGINT or SIGTERM, then let running jobs finish and close the queue.

    ``port=0`` takes a free port; ``announce`` receives the URL once requests are accepted.
    ``workers=0`` runs no jobs: the queue only stores them (for benchmarks of the intake).
    """
    queue = Queue.from_settings(settings)
    app = create_app(settings, queue)
    server = make_server(host, port, app, threaded=True, request_handler=_NoDelayHandler)
    consumer = start_consumer(queue, workers) if workers else None
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        announce(f"http://{host}:{server.server_port}")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        if consumer is not None:
            consumer.stop(graceful=True)
        queue.close()


class _NoDelayHandler(WSGIRequestHandler):
    """Sends an answer's headers and body without waiting: with Nagle's algorithm on, the
    body's small packet waits for the client's delayed ACK of the headers (40 ms each)."""

    disable_nagle_algorithm = True


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
