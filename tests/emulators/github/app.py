"""The REST side's Flask application, and the HTTP server both sides run on.

Routing only: each resource module (:mod:`.apps`, :mod:`.repos`, :mod:`.pulls`,
:mod:`.issues`, :mod:`.checks`, :mod:`.oauth`) brings its blueprint. Errors leave as GitHub's JSON;
an emulator bug becomes a 500 whose traceback is kept in
:attr:`GitHubEmulator.server_errors`, so a test can show it instead of a bare 500.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from . import apps, checks, issues, oauth, pulls, repos, tracker
from .protocol import ApiError, rate_limit_headers, request_id
from .web import respond

if TYPE_CHECKING:
    from .emulator import GitHubEmulator


def create_app(emulator: GitHubEmulator) -> Flask:
    app = Flask("github_emulator")
    app.extensions["github_emulator"] = emulator
    for module in (apps, repos, pulls, issues, tracker, checks, oauth):
        app.register_blueprint(module.blueprint)

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return respond(error.body(), error.status, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # An unknown route or method: GitHub answers 404 for both.
        status = 404 if error.code in (404, 405) else error.code or 500
        return api_error(ApiError(status, "Not Found" if status == 404 else str(error.name)))

    @app.errorhandler(Exception)
    def bug(error: Exception) -> Response:
        emulator.server_errors.append(traceback.format_exc())
        return api_error(ApiError(500, f"emulator error: {error!r}"))

    @app.after_request
    def github_headers(response: Response) -> Response:
        response.headers.setdefault("X-GitHub-Media-Type", "github.v3; format=json")
        response.headers.setdefault("X-GitHub-Api-Version-Selected", "2022-11-28")
        response.headers.setdefault("X-GitHub-Request-Id", request_id())
        for key, value in rate_limit_headers(emulator.count_call()).items():
            response.headers.setdefault(key, value)
        return response

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Tests assert on :attr:`GitHubEmulator.requests`, not on an access log."""


def serve(app: Callable[..., Iterable[bytes]]) -> tuple[BaseWSGIServer, threading.Thread]:
    """Serve ``app`` on a free port of ``127.0.0.1`` from a daemon thread, started."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # how fast stop() returns
        name="github-emulator",
        daemon=True,
    )
    thread.start()
    return server, thread
