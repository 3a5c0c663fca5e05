"""Removing or suspending the App reconciles nothing; an installation's event reconciles
that installation (``tests/bot/test_reconcile_scoped.py``)."""

from __future__ import annotations

import pytest

from bot.event import Event
from bot.handlers.installation import router
from bot.queue import Queue
from bot.services import Services
from tests.bot.webhooks import installation_payload


def services_for(queue: Queue) -> Services:
    """The handler uses only the queue: no GitHub client or mirrors needed."""
    assert queue.settings is not None
    return Services(queue.settings, None, None, queue, queue.status)  # type: ignore[arg-type]


@pytest.mark.parametrize("action", ["deleted", "suspend"])
def test_removal_enqueues_nothing(sqlite_queue: Queue, action: str) -> None:
    event = Event("installation", "d-inst", installation_payload(action))
    router.dispatch(event, None, services=services_for(sqlite_queue))
    assert sqlite_queue.waiting() == []
