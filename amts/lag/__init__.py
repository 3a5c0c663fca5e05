"""How far each translated file is behind its English, for ``amts lag``, the App and the
dashboard.

A stage of its own beside ``sync``: a sync carries only what a push changed; what it does not
carry is lag, measured here and caught up only when a maintainer asks.
"""

from amts.lazy import lazy_exports

_EXPORTS = {
    "measure_lag": "amts.lag.measure",
    "LagReport": "amts.lag.report",
    "FileLag": "amts.lag.report",
    "STATUSES": "amts.lag.report",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
