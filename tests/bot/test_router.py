"""The synchronous router: handlers by event and action, composition, dispatch."""

from __future__ import annotations

from typing import Any

from bot.event import Event
from bot.router import Router


def event(name: str, action: str | None = None) -> Event:
    data: dict[str, Any] = {"action": action} if action else {}
    return Event(name, "delivery-1", data)


def test_dispatch_calls_every_match_with_the_arguments() -> None:
    """Handlers for any action run before those for the event's action, in order."""
    router = Router()
    calls: list[tuple[str, Any, Any]] = []

    @router.register("issue_comment")
    def any_action(ev: Event, gh: Any, *, services: Any) -> None:
        calls.append(("any", gh, services))

    @router.register("issue_comment", action="created")
    def created(ev: Event, gh: Any, *, services: Any) -> None:
        calls.append(("created", gh, services))

    @router.register("issue_comment", action="deleted")
    def deleted(ev: Event, gh: Any, *, services: Any) -> None:
        calls.append(("deleted", gh, services))

    router.dispatch(event("issue_comment", "created"), "gh", services="s")
    assert calls == [("any", "gh", "s"), ("created", "gh", "s")]


def test_register_returns_the_handler_unchanged() -> None:
    router = Router()

    def handler(ev: Event) -> str:
        return "x"

    assert router.register("push")(handler) is handler


def test_no_match_calls_nothing() -> None:
    router = Router()
    router.add(lambda ev: (_ for _ in ()).throw(AssertionError), "push")
    router.dispatch(event("ping"))
    router.dispatch(event("issue_comment", "created"))


def test_composed_routers_keep_every_handler() -> None:
    first, second = Router(), Router()
    seen: list[str] = []
    first.add(lambda ev: seen.append("first"), "push")
    second.add(lambda ev: seen.append("second"), "push")
    second.add(lambda ev: seen.append("installation"), "installation", "created")
    router = Router(first, second)
    router.dispatch(event("push"))
    assert seen == ["first", "second"]
    assert router.events == {"push", "installation"}
    assert len(router.fetch(event("installation", "created"))) == 1
    assert router.fetch(event("installation", "deleted")) == []


def test_composition_is_a_copy() -> None:
    """Registering on a part after composing does not change the composed router."""
    part = Router()
    router = Router(part)
    part.add(lambda ev: None, "push")
    assert router.fetch(event("push")) == []


def test_event_properties() -> None:
    ev = Event(
        "push",
        "d-1",
        {"installation": {"id": 7}, "repository": {"full_name": "d2l-ai/d2l-en"}},
    )
    assert (ev.action, ev.installation_id, ev.repo_full_name, ev.kind) == (
        None,
        7,
        "d2l-ai/d2l-en",
        "push",
    )
    assert Event.from_dict(ev.to_dict()) == ev
    assert "installation" not in repr(ev)  # payloads stay out of logs
