"""A synchronous router with gidgethub's shape: handlers per event (and action), composable.

Each behaviour module owns a :class:`Router` and registers its handlers on it;
``bot.handlers`` composes them into one, which the worker dispatches every event to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bot.event import Event

Handler = Callable[..., Any]


class Router:
    """Maps ``(event name, action or None)`` to the handlers to call, in registration order."""

    def __init__(self, *others: Router) -> None:
        self._routes: defaultdict[tuple[str, str | None], list[Handler]] = defaultdict(list)
        for other in others:
            for key, handlers in other._routes.items():
                self._routes[key].extend(handlers)

    def add(self, handler: Handler, event_type: str, action: str | None = None) -> None:
        """Call ``handler`` for ``event_type`` events (only those with ``action``, if given)."""
        self._routes[(event_type, action)].append(handler)

    def register(self, event_type: str, action: str | None = None) -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`add`; returns the handler unchanged."""

        def decorate(handler: Handler) -> Handler:
            self.add(handler, event_type, action)
            return handler

        return decorate

    @property
    def events(self) -> frozenset[str]:
        """The event names something is registered for."""
        return frozenset(name for (name, _), handlers in self._routes.items() if handlers)

    def fetch(self, event: Event) -> list[Handler]:
        """The handlers for ``event``: those for any action first, then its action's."""
        found = list(self._routes.get((event.name, None), ()))
        if event.action is not None:
            found.extend(self._routes.get((event.name, event.action), ()))
        return found

    def dispatch(self, event: Event, *args: Any, **kwargs: Any) -> None:
        """Call every matching handler as ``handler(event, *args, **kwargs)``."""
        for handler in self.fetch(event):
            handler(event, *args, **kwargs)
