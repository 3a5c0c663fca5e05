"""Every event handler, one module per behaviour, composed into one :data:`router` that the
worker dispatches each event to as ``router.dispatch(event, gh, services=services)``.

The composition happens on first use of ``bot.handlers.router``, so importing one handler
module (a test of it, say) does not import all the others.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.event import Event
    from bot.router import Router
    from bot.services import Services

    router: Router

__all__ = ["dispatch_event", "router"]


@cache
def _compose() -> Router:
    from bot.handlers import comments, installation, issues, pull_request, push
    from bot.router import Router

    return Router(
        push.router, pull_request.router, comments.router, issues.router, installation.router
    )


def __getattr__(name: str) -> Router:
    if name == "router":
        return _compose()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def dispatch_event(services: Services, event: Event) -> None:
    """Hand ``event`` to every handler registered for it, with a client for its installation."""
    gh = services.github.client(event.installation_id) if event.installation_id else None
    _compose().dispatch(event, gh, services=services)
