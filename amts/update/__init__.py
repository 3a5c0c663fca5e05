"""Carrying one English change into one translation file, as edits of exact spans.

Stage 4: diff the English, plan the edits, translate what is new (memory, then engine),
apply, report."""

_EXPORTS = {
    "Updater": "amts.update.updater",
    "UpdateReport": "amts.update.changes",
    "FilePlan": "amts.update.fileplan",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """Public names, imported on first use: a stage's package costs nothing until used."""
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
