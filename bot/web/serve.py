"""``amts serve``: the whole App on one machine, for a book and for trying it out.

The Flask app on werkzeug's threaded server only verifies, records and enqueues; the
jobs run in worker processes it supervises (:mod:`bot.work.supervisor`), all on one SQLite
queue (or Redis, if ``AMTS_QUEUE_URL`` says so). Production runs the same app under
gunicorn and the workers as ``amts worker``.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from types import FrameType

from werkzeug.serving import WSGIRequestHandler, make_server

from bot.settings import Settings
from bot.web.app import create_app
from bot.work.queue import Queue
from bot.work.supervisor import WorkerPool
from bot.work.worker import start_consumer


def run_server(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    announce: Callable[[str], None] = print,
    *,
    in_process: bool = False,
) -> None:
    """Serve until SIGINT or SIGTERM, then let running jobs finish and close the queue.

    ``port=0`` takes a free port; ``announce`` receives the URL once requests are accepted.
    ``workers`` processes run the jobs; ``workers=0`` runs none: the queue only stores
    them (for benchmarks of the intake). ``in_process`` runs them as threads of this
    process instead, as ``amts serve`` once did (one core; benchmarks compare with it).
    """
    queue = Queue.from_settings(settings)
    app = create_app(settings, queue)
    server = make_server(host, port, app, threaded=True, request_handler=_NoDelayHandler)
    consumer = pool = None
    if workers and in_process:
        consumer = start_consumer(queue, workers)
    elif workers:
        pool = WorkerPool(settings, workers, log_level=logging.getLogger("bot").level).start()
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
        if pool is not None:
            pool.stop()
        queue.close()


class _NoDelayHandler(WSGIRequestHandler):
    """Sends an answer's headers and body without waiting: with Nagle's algorithm on, the
    body's small packet waits for the client's delayed ACK of the headers (40 ms each)."""

    disable_nagle_algorithm = True


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
