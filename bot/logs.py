"""Log lines that carry the webhook's delivery id through the whole life of a delivery.

The bot's modules log through ``logging.getLogger(__name__)``; the web view and the
worker tasks put the delivery id on each of their own lines (:func:`for_delivery`) and
into a context variable while a job runs, which :func:`configure` (used by ``amts serve``
and ``amts worker``) prints on every line, the libraries' lines included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_delivery: ContextVar[str] = ContextVar("amts_delivery", default="")
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(delivery)s] %(message)s"


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


def configure(level: int = logging.INFO) -> None:
    """Log the bot's lines at ``level`` with the delivery id, and fewer of the libraries'."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        if not any(isinstance(f, DeliveryFilter) for f in handler.filters):
            handler.addFilter(DeliveryFilter())
    logging.getLogger("bot").setLevel(level)
    # werkzeug's access lines repeat the bot's own webhook line; shown with -vv (debug).
    logging.getLogger("werkzeug").setLevel(level if level < logging.INFO else logging.WARNING)
