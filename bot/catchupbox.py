"""A catch-up asked for by ticking boxes in the status issue, run by the worker.

The catch-up itself is ``/amts catch-up``'s (:mod:`bot.catchup`); this module runs it for
the ticked files, notes "requested by @user → #PR" beside each box, and re-renders the
issue, which unticks the boxes: the issue shows the request was heard and where its
commit went, without a comment per request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from amts.errors import AmtsError
from bot.errors import BotError, new_error_id

if TYPE_CHECKING:
    from bot.jobs import CatchUpRequest
    from bot.services import Services

logger = logging.getLogger(__name__)


def run_request(services: Services, job: CatchUpRequest) -> Any:
    """Catch the ticked files up into the sync PR; note the outcome on each box."""
    record = services.status.get(job.target_repo) or {}
    requests = dict(record.get("requests") or {})
    outcome: Any = None
    try:
        outcome = catch_up(services, job)
    except (AmtsError, BotError) as exc:
        error_id = new_error_id()
        logger.error(
            "dashboard.catch_up_failed repo=%s error_id=%s error=%s",
            job.target_repo,
            error_id,
            services.github.mask(str(exc)),
        )
        note = f"requested by @{job.user}: failed (error id `{error_id}`)"
    else:
        pr = getattr(outcome, "pr_number", None)
        note = f"requested by @{job.user} → #{pr}" if pr else f"requested by @{job.user}: "
        if not pr:
            note += getattr(outcome, "message", "") or "nothing to carry"
    for path in job.paths:
        requests[path] = note
    services.status.update(job.target_repo, requests=requests)
    from bot.views import refresh

    refresh(
        services,
        services.github.client(job.installation_id),
        source=record.get("source_repo") or "",
        target=job.target_repo,
        lang=record.get("lang") or "",
        installation_id=job.installation_id,
        event=f"the catch-up requested by @{job.user}",
    )
    return outcome


def catch_up(services: Services, job: CatchUpRequest) -> Any:
    """``/amts catch-up PATH ...`` for the ticked paths; its sync outcome."""
    try:
        from bot.catchup import catch_up_paths
    except ImportError:
        raise BotError(
            "this version of the App cannot catch up yet; comment `/amts catch-up PATH` once it can"
        ) from None
    return catch_up_paths(
        services,
        target_repo=job.target_repo,
        paths=job.paths,
        user=job.user,
        installation_id=job.installation_id,
        delivery_id=job.delivery_id,
    )
