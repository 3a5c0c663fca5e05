"""A new installation or added repositories → a reconcile job of that installation in the
real queue."""

from __future__ import annotations

import dataclasses

import pytest

from bot.event import Event
from bot.github.client import GitHubApp
from bot.github.mirrors import Mirrors
from bot.handlers.installation import router
from bot.services import Services
from bot.work.queue import Queue
from tests.bot.webhooks import installation_payload
from tests.emulators.github import app_private_key_pem


def services_for(queue: Queue) -> Services:
    """The handlers use the queue and the data directory, and an uninstall the App's
    memory of its tokens: its client never calls GitHub here."""
    assert queue.settings is not None
    settings = dataclasses.replace(queue.settings, app_id=1, private_key=app_private_key_pem())
    mirrors = Mirrors(queue.settings.data_dir)
    return Services(queue.settings, GitHubApp(settings), mirrors, queue, queue.status)


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("installation", "created"),
        ("installation", "new_permissions_accepted"),
        ("installation", "unsuspend"),
        ("installation_repositories", "added"),
    ],
)
def test_installation_enqueues_a_reconcile(queue: Queue, name: str, action: str) -> None:
    event = Event(name, "d-inst", installation_payload(action))
    router.dispatch(event, None, services=services_for(queue))
    # of that installation only (issue 11, item 3)
    assert queue.waiting() == [("reconcile", event.installation_id)]


@pytest.mark.parametrize("action", ["deleted", "suspend"])
def test_removal_enqueues_nothing(sqlite_queue: Queue, action: str) -> None:
    event = Event("installation", "d-inst", installation_payload(action))
    router.dispatch(event, None, services=services_for(sqlite_queue))
    assert sqlite_queue.waiting() == []
