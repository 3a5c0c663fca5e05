"""Paid translation engines are the operator's decision, and their resources per target.

``engine: amazon`` in any tenant's ``.github/amts.yml`` would spend the operator's AWS
account. The operator names who may (``AMTS_PAID_ENGINES``: owners' logins or
installation ids); anyone else's book is refused with a message saying so, where an
invalid configuration is reported. The engine's parallel data and terminology are named
per (installation, source, target), so one book's (possibly private) translations never
steer another's and two books' syncs never overwrite each other's resources.
"""

from __future__ import annotations

import hashlib
import re

from bot.books.config import BookConfig
from bot.errors import ConfigError
from bot.settings import Settings

#: Engines that cost the operator money on every sync.
PAID_ENGINES = frozenset({"amazon"})
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9-]+")


def check_engine(
    settings: Settings, config: BookConfig, installation_id: int, source_repo: str
) -> None:
    """Raise a :class:`ConfigError` if ``config``'s engine is paid and neither the
    installation nor the owner of ``source_repo`` is allowed paid engines."""
    if config.engine not in PAID_ENGINES:
        return
    owner = source_repo.partition("/")[0].lower()
    if owner in settings.paid_engines or str(installation_id) in settings.paid_engines:
        return
    raise ConfigError(
        "engine",
        f"{config.engine} is a paid engine and this App's operator has not allowed it for "
        f"{owner}; use engine: memory, or ask the operator to add {owner} to "
        "AMTS_PAID_ENGINES",
    )


def resource_name(installation_id: int, source_repo: str, target_repo: str) -> str:
    """The engine's resource name for one target: readable, and unique per (installation,
    source, target) through a hash of the three (AWS names allow ``[A-Za-z0-9-]``)."""
    key = f"{installation_id}:{source_repo.lower()}:{target_repo.lower()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    readable = _NOT_A_NAME.sub("-", target_repo.replace("/", "--")).strip("-")[:80]
    return f"amts-{readable}-{digest}"
