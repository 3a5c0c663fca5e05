"""A new installation, or repositories added to one: reconcile now instead of waiting.

A reconcile job of that installation's repositories, and only those, is queued: it
queues a sync for each target behind its English head, so a book starts syncing as soon
as the App is installed on it. The periodic reconcile job, the same code over every
installation, heals lost webhooks later.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.event import Event
from bot.router import Router

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)
router = Router()


@router.register("installation", action="created")
@router.register("installation", action="new_permissions_accepted")
@router.register("installation", action="unsuspend")
@router.register("installation_repositories", action="added")
def on_installation(event: Event, gh: Any, *, services: Services) -> None:
    """Reconcile that installation's repositories now (the others are not its business)."""
    logger.info(
        "installation.reconcile event=%s installation=%s delivery=%s",
        event.kind,
        event.installation_id,
        event.delivery_id,
    )
    if event.installation_id is None:
        return
    services.queue.enqueue_reconcile(event.installation_id)


@router.register("installation", action="deleted")
def on_uninstalled(event: Event, gh: Any, *, services: Services) -> None:
    """The App was uninstalled: forget everything it kept for that installation."""
    if event.installation_id is None:
        return
    from bot.books.tenancy import forget_installation

    gone = forget_installation(services, event.installation_id)
    logger.info(
        "installation.forgotten installation=%s records=%d delivery=%s",
        event.installation_id,
        len(gone),
        event.delivery_id,
    )
