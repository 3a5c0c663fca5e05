"""The state file a sync keeps in the target repository, ``.amts/state.json``.

It records the source revision the translation follows, so that the next sync needs no
``--from``, and the files a sync had to skip (*pending*), each with the English its
translation still follows, so that the next sync retries them from there.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from amts import __version__
from amts.errors import InputError

STATE_PATH = ".amts/state.json"


@dataclass(frozen=True)
class Pending:
    """A file a sync skipped: its translation (at ``old_path``, None if there is none yet)
    still follows the English of ``old_path`` at ``base``; ``path`` is the English now."""

    path: str
    old_path: str | None
    base: str
    reason: str = ""


@dataclass
class SyncState:
    """``.amts/state.json`` in the target: how far the translation follows the source."""

    source_revision: str
    source_repo: str | None = None
    synced_at: str = ""
    amts_version: str = __version__
    pending: list[Pending] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, data: bytes, where: str) -> SyncState:
        fix = "fix it, or give the base revision with --from (the sync then rewrites it)"
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{where}: not valid JSON ({exc}); {fix}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("source_revision"), str):
            raise InputError(f'{where}: no "source_revision" string; {fix}')
        try:
            pending = [Pending(**item) for item in raw.get("pending", [])]
        except TypeError as exc:
            raise InputError(f'{where}: bad "pending" entry ({exc}); {fix}') from exc
        keys = ("source_repo", "synced_at", "amts_version")
        return cls(raw["source_revision"], **{k: raw[k] for k in keys if k in raw}, pending=pending)

    def to_bytes(self) -> bytes:
        data = {k: v for k, v in asdict(self).items() if v or k == "source_revision"}
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
