"""Bring both status views up to date for one target: measure the lag, keep the numbers,
edit the status issue.

Called by the worker after a sync, a merge, a catch-up; the lag is the target's default
branch measured against the English head (what readers of the translation see), with
:func:`amts.lag.measure_lag`. The record it leaves in :class:`bot.status.StatusStore` is
what the page and :func:`bot.dashboard.issue.render` show.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from github import GithubException

from amts.errors import AmtsError
from bot.dashboard.issue import TITLE, Status, is_dashboard, render
from bot.dashboard.lag import summary
from bot.errors import ConfigError
from bot.status import now_iso
from bot.work.jobs import Tenant

if TYPE_CHECKING:
    from github.Repository import Repository

    from amts.align.aligner import Aligner
    from bot.services import Services

logger = logging.getLogger(__name__)
ISSUE_SEARCH_LIMIT = 100  # issues of the App looked through for a lost status issue


def measure(
    services: Services,
    gh: Any,
    source: str,
    target: str,
    lang: str,
    installation_id: int,
    *,
    src_lang: str = "en",
    exclude: Sequence[str] = (),
    glossary: str | None = None,
    acting: tuple[int, Repository] | None = None,
) -> dict:
    """``amts lag --json``'s dict for ``target``'s default branch against the English head,
    measured in the App's git mirrors, with the aligner and alignment cache of the
    target's syncs: the files a sync or premine aligned are not aligned again. The target
    is fetched by the installation acting on it, ``acting`` if given
    (:func:`bot.books.tenancy.target_repository`: an opted-in target's own)."""
    from amts.lag import measure_lag
    from amts.sync.synchronizer import DEFAULT_EXCLUDE
    from bot.books.tenancy import target_repository
    from bot.github.mirrors import rev_parse

    if acting is None:
        acting = target_repository(services, Tenant(installation_id, source, target))
    source_repo, (target_installation, target_repo) = gh.get_repo(source), acting
    mirrors = services.mirrors.of(installation_id)  # the sync's own, per installation
    with mirrors.locked(target_repo.full_name):
        token = services.github.token(installation_id)
        src = mirrors.fetch(source_repo.full_name, source_repo.clone_url, token)
        target_token = services.github.token(target_installation)
        tgt = mirrors.fetch(target_repo.full_name, target_repo.clone_url, target_token)
        english = rev_parse(src, f"refs/remotes/origin/{source_repo.default_branch}")
        translation = rev_parse(tgt, f"refs/remotes/origin/{target_repo.default_branch}")
        tenant = Tenant(installation_id, source_repo.full_name, target_repo.full_name)
        with tempfile.TemporaryDirectory(prefix="amts-lag-") as tmp:
            aligner = _aligner(services, tenant, tgt, translation, src_lang, lang, glossary, tmp)
            report = measure_lag(
                src,
                tgt,
                lang,
                rev=english,
                target_rev=translation,
                src_lang=src_lang,
                exclude=(*DEFAULT_EXCLUDE, *exclude),
                aligner=aligner,
            )
    cache = aligner.cache
    if cache is not None:
        logger.info(
            "views.lag_measured repo=%s cached=%d parsed=%d",
            target_repo.full_name,
            cache.hits,
            cache.parsed,
        )
    return report.as_json()


def _aligner(
    services: Services,
    tenant: Tenant,
    tgt: Path,
    rev: str | None,
    src_lang: str,
    lang: str,
    glossary: str | None,
    tmp: str,
) -> Aligner:
    """The aligner the target's syncs use (same glossary, so the same cache keys), over the
    tenant's alignment cache. A glossary that cannot be read measures without one."""
    from amts.align.aligner import Aligner
    from amts.cli.base import glossary_from
    from bot.books.config import Target
    from bot.sync.refresh import alignment_cache
    from bot.sync.run import target_glossary

    terms = None
    if glossary and rev:
        try:
            path = target_glossary(tgt, rev, Target(tenant.target_repo, lang, glossary), Path(tmp))
            terms = glossary_from(path, src_lang, lang)
        except (AmtsError, ConfigError) as exc:
            logger.info("views.glossary_unread repo=%s reason=%s", tenant.target_repo, exc)
    cache = alignment_cache(services.settings.data_dir, tenant)
    return Aligner(src_lang, lang, terms, cache=cache)


def refresh(
    services: Services,
    gh: Any,
    *,
    source: str,
    target: str,
    lang: str,
    installation_id: int,
    event: str,
    dashboard: bool = True,
    src_lang: str = "en",
    exclude: Sequence[str] = (),
    glossary: str | None = None,
) -> dict[str, Any]:
    """Measure, record and publish; ``event`` names what changed the numbers ("the sync
    of d2l-en 1a2b3c4d", "the merge of #412"). Never raises: the views must not fail a job."""
    status = services.status
    from bot.books.tenancy import target_repository

    key = Tenant(installation_id, source, target).key
    record = status.get(target, key=key) or {}
    fields: dict[str, Any] = {
        "source_repo": source,
        "lang": lang,
        "installation_id": installation_id,
    }
    lag = acting = None
    try:
        acting = target_repository(services, Tenant(installation_id, source, target))
        lag = measure(
            services,
            gh,
            source,
            target,
            lang,
            installation_id,
            src_lang=src_lang,
            exclude=exclude,
            glossary=glossary,
            acting=acting,
        )
    except Exception:
        logger.exception("views.lag_failed repo=%s", target)
    if lag is not None:
        old = record.get("lag")
        if old and old.get("totals") != lag.get("totals"):
            fields["since"] = [summary(old).percent, event]
        fields["lag"] = lag
        fields["lag_at"] = now_iso()
    record = status.update(target, key=key, **fields)
    if dashboard and acting is not None:
        try:
            publish(services, acting[1], record)
        except Exception:
            logger.exception("views.dashboard_failed repo=%s", target)
    return record


def status_of(record: dict[str, Any], page_url: str = "") -> Status:
    """The status issue's content for a status record."""
    since = record.get("since")
    return Status(
        source=record.get("source_repo") or "",
        target=record["target_repo"],
        lang=record.get("lang") or "",
        lag=record.get("lag"),
        since=(float(since[0]), str(since[1])) if since else None,
        pull=record.get("pull"),
        failure=record.get("failure") if record.get("last_error") else None,
        requests=record.get("requests") or {},
        page_url=page_url,
    )


def publish(
    services: Services, repo: Repository, record: dict[str, Any], *, force: bool = False
) -> int | None:
    """Create the status issue or edit its body in place; the issue's number, or ``None``
    while it is closed (closed by hand: stop updating until it is reopened). ``force``:
    write the body even if GitHub's looks the same (someone's ticks are undone)."""
    target = record["target_repo"]
    body = render(status_of(record, services.settings.public_url))
    number = (record.get("dashboard") or {}).get("number")
    try:
        issue = repo.get_issue(number) if number else _find(repo, target)
        if issue is None:
            issue = repo.create_issue(title=TITLE, body=body)
            logger.info("dashboard.created repo=%s issue=%s", target, issue.number)
        elif issue.state == "closed":
            services.status.update(
                target,
                key=record.get("key"),
                dashboard={"number": issue.number, "closed": True, "url": issue.html_url},
            )
            logger.info("dashboard.closed_by_hand repo=%s issue=%s", target, issue.number)
            return None
        elif force or issue.body != body:
            issue.edit(body=body)
            logger.info("dashboard.updated repo=%s issue=%s", target, issue.number)
    except GithubException as exc:
        if exc.status == 404 and number:  # deleted by hand: start a new one next time
            services.status.update(target, key=record.get("key"), dashboard=None)
        raise
    services.status.update(
        target,
        key=record.get("key"),
        dashboard={"number": issue.number, "closed": False, "url": issue.html_url},
    )
    return issue.number


def _find(repo: Repository, target: str) -> Any:
    """The status issue whose number was lost (records wiped), by its hidden first line."""
    for n, issue in enumerate(repo.get_issues(state="all", sort="created", direction="asc")):
        if n >= ISSUE_SEARCH_LIMIT:
            break
        if issue.pull_request is None and is_dashboard(issue.body, target):
            return issue
    return None
