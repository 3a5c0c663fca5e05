"""Carrying an English revision range into a translation repository, as one commit.

Stage 5: the files changed in git, each through :mod:`amts.update`, committed with the
state file that makes the next sync incremental."""

from amts.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _EXPORTS)
