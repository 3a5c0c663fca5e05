"""gunicorn's settings for the AMTS web process: the image's default command and
deploy/docker-compose.yml use them (``gunicorn --config=gunicorn.conf.py``; from a
checkout, ``gunicorn --config=deploy/gunicorn.conf.py 'bot.app:create_app()'``).

GitHub gives up on a webhook delivery after 10 s, and a comment's delivery is not healed
by the reconcile job, so no client may make the others wait. Sync workers serve one
request each: two clients sending their POST slowly took both and /healthz timed out.
gthread workers keep an idle connection in a poller, not on a thread, and serve up to
``workers × threads`` requests at once; the webhook view stops reading a body after 10 s
(``bot.app.BODY_SECONDS``). Behind a reverse proxy that buffers requests (README), slow
clients never reach gunicorn at all. ``tests/bot/test_slow_clients.py`` runs these
settings on loopback.
"""

bind = "0.0.0.0:8000"
workers = 2
worker_class = "gthread"
threads = 8
timeout = 30  # a worker whose main loop is silent this long is restarted
graceful_timeout = 20
keepalive = 5  # seconds an idle keep-alive connection is kept (in the poller)
accesslog = "-"
