"""gunicorn's settings for the App's web process: ``gunicorn -c deploy/gunicorn.conf.py``.

What the README's acknowledgement figures were measured on (``bench/webhook_bench.py``:
2 gthread workers of 4 threads), the App's log format on every line (gunicorn's own and
its access lines included), and the settings checked once in the master before any
worker starts: a missing or malformed one is one line naming the variable and exit
status 3, gunicorn's own "boot failed" status, instead of a traceback per worker.
``GUNICORN_CMD_ARGS`` (e.g. ``--bind=127.0.0.1:8000``) overrides any of these.

Slow clients: GitHub gives up on a delivery after 10 s, and a comment's delivery is not
healed by the reconcile job, so no client may make the others wait. Sync workers serve
one request each: two clients sending their POST slowly took both, and /healthz timed
out. gthread workers keep an idle connection in a poller, not on a thread, and serve up
to ``workers × threads`` requests at once; the webhook view stops reading a body after
10 s (``bot.web.app.BODY_SECONDS``). Behind a reverse proxy that buffers requests (README),
slow clients never reach gunicorn. ``tests/bot/test_slow_clients.py`` runs the image's
command with these settings on loopback.
"""

import sys

from gunicorn.glogging import Logger

wsgi_app = "bot.web.app:create_app()"
bind = ["0.0.0.0:8000"]
worker_class = "gthread"
workers = 2
threads = 4
timeout = 30  # a worker whose main loop is silent this long is restarted
graceful_timeout = 20
keepalive = 5  # seconds an idle keep-alive connection is kept (in the poller)
accesslog = "-"
access_log_format = (
    "http.request method=%(m)s path=%(U)s status=%(s)s bytes=%(B)s duration_ms=%(M)s "
    "github_event=%({x-github-event}i)s delivery=%({x-github-delivery}i)s"
)

BOOT_ERROR = 3  # gunicorn's Arbiter.WORKER_BOOT_ERROR: a restart would fail the same way


class AmtsLogger(Logger):
    """gunicorn's logger, set up in the App's format. Set up first thing in the master, it
    is also where the settings are checked: before gunicorn's first line, before a worker
    is forked."""

    def setup(self, cfg):
        super().setup(cfg)
        from bot.errors import SettingsError
        from bot.logs import configure
        from bot.settings import Settings

        try:
            settings = Settings.from_env()
        except SettingsError as exc:
            print(f"amts: {exc}", file=sys.stderr, flush=True)
            sys.exit(BOOT_ERROR)
        configure(fmt=settings.log_format, loggers=(self.error_log.name, self.access_log.name))


logger_class = AmtsLogger
