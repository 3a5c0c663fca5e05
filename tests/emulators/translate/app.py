"""The emulator's HTTP side: a WSGI answer in the JSON 1.1 protocol, and its server.

botocore sends ``POST /`` with ``X-Amz-Target: AWSShineFrontendService_20170701.<Operation>``
and a JSON body; errors go back as ``{"__type": code, "Message": …}`` with the status
the service uses, so botocore raises the same exceptions it would against AWS. Nothing
here knows what an operation does.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Container, Iterable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .protocol import JSON_CONTENT_TYPE, TARGET_PREFIX, ServiceError


def respond(
    environ: dict[str, Any],
    start_response: Callable[..., Any],
    operations: Container[str],
    invoke: Callable[[str, dict[str, Any]], dict[str, Any]],
) -> Iterable[bytes]:
    """Answer one request by ``invoke(operation, params)`` if ``operations`` has it."""
    request = Request(environ)
    prefix, _, operation = request.headers.get("X-Amz-Target", "").partition(".")
    try:
        if request.method != "POST" or prefix != TARGET_PREFIX:
            raise ServiceError("UnknownOperationException", "not an Amazon Translate call")
        if operation not in operations:
            raise ServiceError("UnknownOperationException", f"{operation} is not emulated")
        try:
            params = json.loads(request.get_data() or b"{}")
        except ValueError as exc:
            raise ServiceError("SerializationException", str(exc)) from exc
        body = invoke(operation, params)
        response = Response(json.dumps(body), 200, content_type=JSON_CONTENT_TYPE)
    except ServiceError as exc:
        error = {"__type": exc.code, "Message": exc.message}
        response = Response(json.dumps(error), exc.status, content_type=JSON_CONTENT_TYPE)
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    return response(environ, start_response)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Tests assert on :attr:`TranslateEmulator.calls`, not on an access log."""


def serve(app: Callable[..., Iterable[bytes]]) -> tuple[BaseWSGIServer, threading.Thread]:
    """Serve ``app`` on a free port of ``127.0.0.1`` from a daemon thread, started."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # how fast stop() returns
        name="translate-emulator",
        daemon=True,
    )
    thread.start()
    return server, thread
