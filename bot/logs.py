"""Log lines that carry the webhook's delivery id through the whole life of a delivery.

The bot's modules log through ``logging.getLogger(__name__)``; the web view and the
worker tasks put the delivery id on each of their own lines (:func:`for_delivery`) and
into a context variable while a job runs. :func:`configure` (used by ``amts serve``,
``amts worker`` and ``deploy/gunicorn.conf.py``) gives every line, the libraries' and
gunicorn's included, one shape: ``key=value`` with a UTC timestamp, the level and the
delivery id, or one JSON object per line (``AMTS_LOG_FORMAT=json``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_delivery: ContextVar[str] = ContextVar("amts_delivery", default="")
LOG_FORMATS = ("text", "json")


class _DeliveryAdapter(logging.LoggerAdapter):
    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        delivery_id = self.extra["delivery"] if self.extra else ""
        kwargs.setdefault("extra", {})["delivery"] = delivery_id
        return f"{msg} delivery={delivery_id}", kwargs


def for_delivery(logger: logging.Logger, delivery_id: str) -> logging.LoggerAdapter:
    """``logger`` whose every line ends with ``delivery=<id>``."""
    return _DeliveryAdapter(logger, {"delivery": delivery_id or "-"})


@contextmanager
def delivery_context(delivery_id: str) -> Iterator[None]:
    """While the block runs, :func:`configure`'s lines show ``delivery_id``."""
    token = _delivery.set(delivery_id)
    try:
        yield
    finally:
        _delivery.reset(token)


class DeliveryFilter(logging.Filter):
    """Gives every record a ``delivery`` attribute: its own, the context's, or ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "delivery", ""):
            record.delivery = _delivery.get() or "-"
        return True


class KeyValueFormatter(logging.Formatter):
    """``time=… level=… logger=… delivery=… <message>``; the bot's messages are
    ``event.name key=value …`` already. A message naming its delivery is not told twice."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        delivery = getattr(record, "delivery", "-") or "-"
        fields = f"time={self.formatTime(record)} level={record.levelname} logger={record.name}"
        if "delivery=" not in message:
            fields += f" delivery={delivery}"
        line = f"{fields} {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(KeyValueFormatter):
    """One JSON object per line, for log collectors: the same fields as the text lines."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "delivery": getattr(record, "delivery", "-") or "-",
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter(fmt: str = "text") -> logging.Formatter:
    """The formatter of ``fmt``, one of :data:`LOG_FORMATS`."""
    return JsonFormatter() if fmt == "json" else KeyValueFormatter()


def configure(level: int = logging.INFO, fmt: str = "text", loggers: Iterable[str] = ()) -> None:
    """Log the bot's lines at ``level`` in ``fmt``, with the delivery id, and fewer of the
    libraries'. The handlers of ``loggers`` (gunicorn's own, which do not propagate) get
    the same shape."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    handlers = [*root.handlers]
    for name in loggers:
        handlers += logging.getLogger(name).handlers
    for handler in handlers:
        handler.setFormatter(formatter(fmt))
        if not any(isinstance(f, DeliveryFilter) for f in handler.filters):
            handler.addFilter(DeliveryFilter())
    logging.getLogger("bot").setLevel(level)
    # werkzeug's access lines repeat the bot's own webhook line; shown with -vv (debug).
    logging.getLogger("werkzeug").setLevel(level if level < logging.INFO else logging.WARNING)
