"""The web side of the App: GitHub's webhook, a health check and a status page.

The webhook view is thin on purpose: it checks the signature over the raw body, records
the delivery and enqueues it; the handlers run in the workers. No git, GitHub or AWS
call happens while GitHub waits for the answer, so acknowledgements stay fast under load.

``gunicorn -c deploy/gunicorn.conf.py`` builds the app from the environment (the config
checks the settings and sets up the log lines first); tests and ``amts serve`` pass their
own settings and queue.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from flask import Flask, Response, abort, jsonify, redirect, render_template_string, request
from werkzeug.exceptions import ClientDisconnected, HTTPException

from bot.event import Event
from bot.logs import for_delivery
from bot.settings import Settings
from bot.web.auth import COOKIE, COOKIE_SECONDS, allowed, cookie_value, same
from bot.web.signature import verify
from bot.web.signin import GitHubSignIn, known_repos
from bot.work.queue import Queue

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
# GitHub gives up on a delivery after 10 s: a body still arriving then is a slow client,
# whose thread gunicorn would otherwise lend it for as long as it trickles.
BODY_SECONDS = 10.0


def create_app(settings: Settings | None = None, queue: Queue | None = None) -> Flask:
    """The Flask app; settings from the environment when not given, and the queue they name."""
    if settings is None:
        settings = Settings.from_env()
    if queue is None:
        queue = Queue.from_settings(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["amts"] = {"settings": settings, "queue": queue}
    secret = settings.webhook_secret.encode()

    @app.post("/webhook")
    def webhook() -> tuple[Response, int]:
        delivery_id = request.headers.get("X-GitHub-Delivery", "")
        name = request.headers.get("X-GitHub-Event", "")
        log = for_delivery(logger, delivery_id)
        try:
            body = _body()  # 413 here when over MAX_BODY_BYTES
        except (TimeoutError, ClientDisconnected):  # werkzeug reports a timeout as the latter
            log.warning(
                "webhook.rejected reason=body not received within %ss or client gone event=%s",
                BODY_SECONDS,
                name,
            )
            return _answer(408, error=f"the body did not arrive within {BODY_SECONDS:g} s")
        if not verify(secret, body, request.headers.get("X-Hub-Signature-256")):
            log.warning("webhook.rejected reason=missing or wrong signature event=%s", name)
            return _answer(401, error="missing or wrong X-Hub-Signature-256")
        if not delivery_id or not name:
            log.warning("webhook.rejected reason=missing headers event=%s", name)
            return _answer(400, error="missing X-GitHub-Delivery or X-GitHub-Event")
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if not isinstance(data, dict):
            log.warning("webhook.rejected reason=not a JSON object event=%s", name)
            return _answer(400, error="the body is not a JSON object")
        event = Event(name, delivery_id, data)
        if name == "ping":
            log.info("webhook.ping")
            return _answer(200, pong=True)
        if not event.is_handled():
            log.info("webhook.ignored event=%s", event.kind)
            return _answer(202, ignored=event.kind)
        if settings.is_paused(event.repo_full_name or ""):
            log.info("webhook.paused event=%s repo=%s", event.kind, event.repo_full_name or "-")
            return _answer(202, paused=event.repo_full_name or "*")
        if not queue.record_delivery(delivery_id):
            log.info("webhook.duplicate event=%s", event.kind)
            return _answer(200, duplicate=True)
        try:
            queue.enqueue_event(event)
        except Exception:
            # GitHub shows a failed delivery; its redelivery must not count as a duplicate.
            with contextlib.suppress(Exception):
                queue.forget_delivery(delivery_id)
            raise
        log.info("webhook.queued event=%s repo=%s", event.kind, event.repo_full_name or "-")
        return _answer(202, queued=delivery_id)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        if queue.ping():
            return _answer(200, queue="ok")
        return _answer(503, queue="unreachable")

    token = settings.status_token
    github = GitHubSignIn(settings, queue) if settings.client_id else None
    if github is not None:
        github.add_routes(app, lambda: known_repos(queue))

    def viewer() -> dict[str, Any] | None:
        """Who may see what: the operator everything (``repos`` None), a user signed in
        with GitHub the repositories they can push to; None: nobody signed in. 404 when
        the page is off (neither ``AMTS_STATUS_TOKEN`` nor the GitHub sign-in)."""
        if not token and github is None:
            abort(404)
        if token and allowed(request, token):
            return {"login": None, "repos": None}
        return github.session(request) if github is not None else None

    @app.get("/status.json")
    def status_json() -> tuple[Response, int]:
        who = viewer()
        if who is None:
            abort(401)
        from bot.web.page import snapshot

        return _answer(200, **snapshot(queue, who["repos"]))

    @app.get("/")
    def status_page() -> str | tuple[str, int]:
        who = viewer()
        if who is None:
            return _login_page(wrong=False), 401
        from bot.web.page import render, snapshot

        return render(snapshot(queue, who["repos"]), user=who["login"])

    def _login_page(wrong: bool) -> str:
        return render_template_string(_LOGIN, wrong=wrong, token=bool(token), github=bool(github))

    @app.post("/login")
    def login() -> Response | tuple[str, int]:
        """The token typed in a browser: a cookie holding its HMAC, then the page."""
        if not token:
            abort(404)
        if not same(request.form.get("token", ""), token):
            logger.warning("status.login_refused")
            return _login_page(wrong=True), 401
        answer = redirect("./", code=303)
        answer.set_cookie(
            COOKIE,
            cookie_value(token),
            max_age=COOKIE_SECONDS,
            httponly=True,
            samesite="Strict",
            secure=request.is_secure,
        )
        return answer

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        return _answer(exc.code or 500, error=exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        delivery_id = request.headers.get("X-GitHub-Delivery", "")
        for_delivery(logger, delivery_id).exception(
            "request.failed path=%s error=%s", request.path, type(exc).__name__
        )
        return _answer(500, error="internal error; see the server log")

    return app


def _body() -> bytes:
    """The request's body, read within :data:`BODY_SECONDS` under gunicorn (whose socket
    is in the environ); its worker restores blocking reads for the next request."""
    sock = request.environ.get("gunicorn.socket")
    if sock is not None:
        sock.settimeout(BODY_SECONDS)
    return request.get_data(cache=False)


def _answer(status: int, **body: object) -> tuple[Response, int]:
    return jsonify(body), status


_LOGIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AMTS status: sign in</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto}</style>
</head><body><h1>AMTS status</h1>
{% if github %}<p>Maintainers: <a href="oauth/start" id="github">Sign in with GitHub</a> to
see the translations you can write to.</p>{% endif %}
{% if token %}<p>The App's operator: give the <code>AMTS_STATUS_TOKEN</code>.</p>
{% if wrong %}<p style="color:#cf222e">That is not the token.</p>{% endif %}
<form method="post" action="login"><input type="password" name="token" id="token"
autocomplete="current-password" required> <button type="submit">Open</button></form>
{% endif %}</body></html>
"""
