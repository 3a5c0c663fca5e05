"""Carrying one English change into one translation file, as edits of exact spans.

Stage 4: diff the English, plan the edits, translate what is new (memory, then engine),
apply, report."""

from amts.lazy import lazy_exports

_EXPORTS = {
    "Updater": "amts.update.updater",
    "UpdateReport": "amts.update.changes",
    "FilePlan": "amts.update.fileplan",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
