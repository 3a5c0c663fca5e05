"""Carrying an English revision range into a translation repository, as one commit.

Stage 5: the files changed in git, each through :mod:`amts.update`, committed with the
state file that makes the next sync incremental."""

_EXPORTS = {
    "Synchronizer": "amts.sync.synchronizer",
    "DEFAULT_EXCLUDE": "amts.sync.synchronizer",
    "GitRepo": "amts.sync.git",
    "Change": "amts.sync.git",
    "SyncResult": "amts.sync.report",
    "FileResult": "amts.sync.report",
    "SyncState": "amts.sync.state",
    "STATE_PATH": "amts.sync.state",
    "render_pr_body": "amts.sync.report",
    "WrittenRecord": "amts.sync.written",
    "WRITTEN_PATH": "amts.sync.written",
    "SyncHistory": "amts.sync.history",
    "HISTORY_PATH": "amts.sync.history",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """Public names, imported on first use: a stage's package costs nothing until used."""
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
