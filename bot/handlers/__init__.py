"""Every event handler, one module per behaviour, composed into one :data:`router` that the
worker dispatches each event to as ``router.dispatch(event, gh, services=services)``.

The composition happens on first use of ``bot.handlers.router``, so importing one handler
module (a test of it, say) does not import all the others.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.router import Router

    router: Router

__all__ = ["router"]


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
