"""A catch-up asked for by ticking boxes in the status issue, run by the worker.

The catch-up itself is ``/amts catch-up``'s (:func:`bot.commands.catchup.catch_up_paths`); this
runs it for the ticked files, notes "requested by @user → #PR" beside each box, and
re-renders the issue, which unticks the boxes: the issue shows the request was heard and where its
commit went, without a comment per request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from amts.errors import AmtsError, InputError
from bot.errors import BotError
from bot.incidents import new_error_id

if TYPE_CHECKING:
    from bot.services import Services
    from bot.work.jobs import CatchUpRequest

logger = logging.getLogger(__name__)


def run_request(services: Services, job: CatchUpRequest) -> Any:
    """Catch the ticked files up into the sync PR; note the outcome on each box."""
    record = services.status.find(job.target_repo, None) or {}
    requests = dict(record.get("requests") or {})
    outcome: Any = None
    from bot.commands.catchup import catch_up_paths

    try:
        outcome = catch_up_paths(
            services,
            target_repo=job.target_repo,
            paths=job.paths,
            user=job.user,
            installation_id=job.installation_id,
            delivery_id=job.delivery_id,
        )
    except InputError as exc:  # the path: the maintainer can fix it
        note = f"requested by @{job.user}: {services.github.mask(str(exc))[:200]}"
    except Exception as exc:  # reported on the box; the details go to the log
        error_id = new_error_id()
        logger.log(
            logging.ERROR if isinstance(exc, AmtsError | BotError) else logging.CRITICAL,
            "dashboard.catch_up_failed repo=%s error_id=%s error=%s",
            job.target_repo,
            error_id,
            services.github.mask(f"{type(exc).__name__}: {exc}"),
            exc_info=not isinstance(exc, AmtsError | BotError),
        )
        note = f"requested by @{job.user}: failed (error id `{error_id}`)"
    else:
        note = _note(job.user, outcome)
    for path in job.paths:
        requests[path] = note
    record = services.status.update(job.target_repo, key=record.get("key"), requests=requests)
    from bot.books.tenancy import target_repository
    from bot.dashboard.views import publish

    # The catch-up's sync measured the lag already: only the notes are new.
    _, repo = target_repository(services, job.tenant)
    publish(services, repo, record)
    return outcome


def _note(user: str, outcome: Any) -> str:
    """ "requested by @user → #PR", or why no commit was made."""
    if getattr(outcome, "commit", None) and outcome.pr_number:
        return f"requested by @{user} → #{outcome.pr_number}"
    if getattr(outcome, "status", "") == "failed":
        return f"requested by @{user}: failed (error id `{outcome.error_id or '-'}`)"
    return f"requested by @{user}: {getattr(outcome, 'message', '') or 'nothing to carry'}"
