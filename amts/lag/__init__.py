"""How far each translated file is behind its English, for ``amts lag``, the App and the
dashboard.

A stage of its own beside ``sync``: a sync carries only what a push changed; what it does not
carry is lag, measured here and caught up only when a maintainer asks.
"""

_EXPORTS = {
    "measure_lag": "amts.lag.measure",
    "LagReport": "amts.lag.report",
    "FileLag": "amts.lag.report",
    "STATUSES": "amts.lag.report",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """Public names, imported on first use: a stage's package costs nothing until used."""
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
