"""Translation engines, looked up by name and imported only when used.

The registry maps a name to ``"module:Class"`` so that the default offline run
never imports boto3's service code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from amts.engines.base import Engine, Translation
from amts.errors import InputError

ENGINES: dict[str, str] = {
    "memory": "amts.engines.memory:MemoryEngine",
    "amazon": "amts.engines.amazon:AmazonEngine",
}


def engine_class(name: str) -> type[Engine]:
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise InputError(f"unknown engine {name!r}; choose one of: {known}") from None
    module, _, cls = target.partition(":")
    return getattr(import_module(module), cls)


def create_engine(name: str, **options: Any) -> Engine:
    return engine_class(name)(**options)


__all__ = ["ENGINES", "Engine", "Translation", "create_engine", "engine_class"]
