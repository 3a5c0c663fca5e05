"""Tenants: who may sync into a target, and the key every piece of a sync's state has.

The App serves many installations. An English repository's ``.github/amts.yml`` names
its targets, but naming a repository does not make it yours: a target must be in the
source's installation, or opt in with its own ``.github/amts.yml`` listing the source
(``sources: [owner/english]``). Everything a sync keeps (the queue's coalescing flag,
the lease, the status record, the git mirrors, the translation-memory cache) is keyed by
the :class:`Tenant` (installation, source, target), so one tenant's job can neither
absorb another's push nor overwrite its state. A target claimed by two sources that
both still list it is an error, reported to both: a translation follows one book.
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from typing import TYPE_CHECKING, Any

from huey.constants import EmptyData

from bot.errors import ConfigError
from bot.work.jobs import Tenant

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)

CLAIMS_PREFIX = "claims:"


def check_target(services: Services, tenant: Tenant) -> int:
    """The installation to act on the target with: the source's, or the target's own if
    the target opts in to this source. Raises :class:`ConfigError` otherwise."""
    from bot.books.config import load_config

    try:
        installation = services.github.installation_for(tenant.target_repo)
    except Exception as exc:  # 404: the App is not installed there
        raise ConfigError(
            f"targets[{tenant.target_repo}]",
            f"the App is not installed on {tenant.target_repo}; install it there too",
        ) from exc
    if installation == tenant.installation_id:
        return installation
    client = services.github.client(installation)
    target = client.get_repo(tenant.target_repo)
    own = load_config(target, target.default_branch)
    if own is not None and any(s.lower() == tenant.source_repo.lower() for s in own.sources):
        return installation
    raise ConfigError(
        f"targets[{tenant.target_repo}]",
        f"{tenant.target_repo} belongs to another installation of the App and has not "
        f"opted in: its maintainers add `sources: [{tenant.source_repo}]` to its "
        ".github/amts.yml",
    )


def target_repository(services: Services, tenant: Tenant) -> tuple[int, Any]:
    """The installation acting on the target (:func:`check_target`'s) and the target as
    it sees it: an opted-in target's status issue is written, and its lag fetched, with
    the target's own installation, which the book's cannot reach."""
    installation = check_target(services, tenant)
    return installation, services.github.client(installation).get_repo(tenant.target_repo)


def check_claims(services: Services, tenant: Tenant) -> None:
    """Record that ``tenant``'s source claims its target; raise :class:`ConfigError` (and
    tell the other source on its English head) when another source still lists it."""
    storage = services.queue.storage
    key = CLAIMS_PREFIX + tenant.target_repo.lower()
    value = storage.peek_data(key)
    claims: dict[str, int] = {} if value is EmptyData else json.loads(bytes(value))
    others = {
        source: installation
        for source, installation in claims.items()
        if source != tenant.source_repo.lower()
        and _still_lists(services, installation, source, tenant.target_repo)
    }
    mine = {tenant.source_repo.lower(): tenant.installation_id}
    storage.put_data(key, json.dumps({**others, **mine}).encode())
    if not others:
        return
    names = ", ".join(sorted(others))
    error = ConfigError(
        f"targets[{tenant.target_repo}]",
        f"{tenant.target_repo} is also a target of {names}: a translation follows one "
        "English book, so AMTS syncs neither until one of them removes it",
    )
    for source, installation in others.items():
        _tell(services, installation, source, tenant.target_repo, tenant.source_repo)
    raise error


def forget_claims(services: Services, installation_id: int) -> list[str]:
    """Drop the claims made by ``installation_id``'s books (it was uninstalled); the
    claims records changed."""
    storage = services.queue.storage
    changed = []
    for key, value in storage.result_items().items():
        if not key.startswith(CLAIMS_PREFIX):
            continue
        claims: dict[str, int] = json.loads(bytes(value))
        kept = {s: i for s, i in claims.items() if i != installation_id}
        if kept == claims:
            continue
        changed.append(key)
        if kept:
            storage.put_data(key, json.dumps(kept).encode())
        else:
            storage.delete_data(key)
    return changed


def forget_installation(services: Services, installation_id: int) -> list[str]:
    """Everything the App keeps for ``installation_id``, forgotten once it is uninstalled:
    claims, waiting jobs, queued flags, leases, status records, and its folders under the
    data directory (git mirrors, alignment cache, translation memories). What was
    forgotten: storage keys and folders."""
    from bot.sync.refresh import installation_caches

    services.github.forget(installation_id)
    gone = forget_claims(services, installation_id)
    gone += services.queue.forget_installation(installation_id)
    gone += services.status.forget_installation(installation_id)
    folders = (
        services.mirrors.of(installation_id).root,
        *installation_caches(services.settings.data_dir, installation_id),
    )
    for folder in folders:
        if folder.is_dir():
            # renamed first: a job that still runs never sees half a mirror or cache
            doomed = folder.with_name(f".{folder.name}.deleted-{uuid.uuid4().hex}")
            folder.rename(doomed)
            shutil.rmtree(doomed, ignore_errors=True)
            gone.append(str(folder))
    return gone


def _still_lists(services: Services, installation: int, source: str, target: str) -> bool:
    from bot.books.config import load_config

    try:
        repo = services.github.client(installation).get_repo(source)
        config = load_config(repo, repo.default_branch)
    except Exception:  # gone, uninstalled or broken: it claims nothing any more
        logger.info("tenancy.claim_dropped source=%s target=%s", source, target)
        return False
    return config is not None and config.target(target) is not None


def _tell(services: Services, installation: int, source: str, target: str, other: str) -> None:
    """A failed ``amts`` check run on ``source``'s English head about the double claim."""
    from bot.github.pulls import fail_check

    try:
        repo: Any = services.github.client(installation).get_repo(source)
        head = repo.get_branch(repo.default_branch).commit.sha
        if services.queue.record_once(f"claim-report:{source}:{target}:{other.lower()}:{head}"):
            fail_check(
                repo,
                head,
                f"AMTS: {target} is claimed by two books",
                f"{target} is also a target of {other}: a translation follows one English "
                "book, so AMTS syncs neither until one of them removes it from its "
                ".github/amts.yml.",
            )
    except Exception as exc:  # the other side is told on its next sync anyway
        logger.warning("tenancy.claim_not_reported source=%s error=%s", source, exc)
