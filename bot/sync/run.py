"""The sync of one target: one pull request per language, kept current, never over a
human's commit.

Everything is derived from git and GitHub state at run time, so a job that is lost,
repeated or coalesced with others converges to the same end: the English head carried
into the target's sync pull request.

1. Source and target through the API (default branch, ``clone_url``); the book's
   ``.github/amts.yml`` at the English head.
2. Both mirrors fetched (:mod:`bot.github.mirrors`).
3. An open sync PR: the new commit goes on top of its branch head, whose files are the
   old translation, so translators' commits there are kept by construction. None: the
   commit starts from the target's default branch, on the sync branch if that is new or
   already merged, else on a fresh ``<branch>-<sha>``.
4. The English base is the ``.amts/state.json`` at that parent (or the push's ``before``
   for a target that has none); a force-push that removed it is said in the body
   (:mod:`bot.sync.plan` decides 3 and 4).
5. :class:`amts.sync.Synchronizer` makes one commit; a plain push (fast-forward only);
   if a translator pushed meanwhile, everything is redone on the new head (3 rounds).
6. The PR is opened (labels, reviewers) or its title and body updated from every sync it
   carries (``.amts/report.json`` on the branch).
   ``/amts catch-up`` makes its commit with ``Synchronizer.catch_up`` instead: the lag
   of the paths asked for, up to the English the branch follows (:mod:`bot.commands.catchup`).
7. Failures: a comment on the PR saying what failed and ``/amts sync``, or a failed
   ``amts`` check run on the English commit, with an error id whose details are in the
   log (:mod:`bot.incidents`); the status store says what happened either way.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from github import GithubException

from amts.errors import AmtsError, InputError
from amts.sync.state import STATE_PATH
from bot.books.config import BookConfig, Target, load_config
from bot.books.spending import check_engine, resource_name
from bot.books.tenancy import check_claims, check_target
from bot.errors import BotError, ConfigError, PushRejected
from bot.github.client import github_error
from bot.github.mirrors import git, read_blob, rev_parse
from bot.github.pulls import comment_failure, fail_check, open_pr, open_sync_pr, update_pr
from bot.incidents import error_id_of, new_error_id, public_error
from bot.logs import for_delivery
from bot.status import now_iso
from bot.sync.plan import Plan, plan_round
from bot.sync.startpoint import commit_start, is_start_only
from bot.work.timelimit import checkpoint

if TYPE_CHECKING:
    from github.PullRequest import PullRequest
    from github.Repository import Repository

    from amts.sync.report import SyncResult
    from bot.services import Services
    from bot.work.jobs import SyncJob

logger = logging.getLogger(__name__)

MAX_ROUNDS = 3  # pushes rejected because a translator pushed meanwhile


@dataclass
class SyncOutcome:
    """What a sync job did: ``status`` is opened, updated, nothing, skipped or failed."""

    status: str
    target_repo: str
    pr_number: int | None = None
    pr_url: str | None = None
    branch: str | None = None
    commit: str | None = None
    english: str | None = None  # the English revision the target now follows (on the PR)
    message: str = ""  # why there was nothing to do
    error: str = ""  # what failed (reported on the PR or the English commit)
    error_id: str | None = None  # the log line with the details
    asks: dict[str, int] | None = None  # what this sync's commit asks of reviewers

    @property
    def nothing(self) -> str:
        """Why no commit was made ("" if one was): for replies to ``/amts sync``."""
        if self.commit:
            return ""
        if self.status == "failed":
            return f"the sync failed ({self.error}); see the comment on the pull request"
        return self.message or self.status

    @property
    def commit_url(self) -> str | None:
        if not (self.commit and self.pr_url):
            return None
        return f"{self.pr_url}/commits/{self.commit}"


class _Sync:
    """One job's context: the clients, repositories and config it works with."""

    def __init__(self, services: Services, job: SyncJob, catch_up: Sequence[str] = ()) -> None:
        self.services, self.job = services, job
        self.catch_up = tuple(catch_up)  # ``/amts catch-up``'s paths: their lag, not a sync
        self.log = for_delivery(logger, job.delivery_id)
        self.ctx = f"repo={job.target_repo} lang={job.lang}"
        self.pull: PullRequest | None = None
        self.english: str | None = job.after or None
        self.source_repo: Repository | None = None
        self.failure = ""  # files the Synchronizer had to skip, one per line
        self.config: BookConfig | None = None
        self.asks: dict[str, int] | None = None

    # -- the job --------------------------------------------------------------------------

    def run(self) -> SyncOutcome:
        job = self.job
        gh = self.services.github.client(job.installation_id)
        self.source_repo = source = _get_repo(gh, job.source_repo)
        self.config = config = load_config(source, source.default_branch)
        target = config.target(job.target_repo) if config else None
        if config is None or target is None:
            self.log.info("sync.not_configured: %s", self.ctx)
            return SyncOutcome("skipped", job.target_repo, message="not a configured target")
        check_engine(self.services.settings, config, job.installation_id, job.source_repo)
        # the target is this installation's, or opted in to this source (then its own
        # installation acts on it); and no other book still claims it
        target_installation = check_target(self.services, job.tenant)
        check_claims(self.services, job.tenant)
        target_repo = _get_repo(self.services.github.client(target_installation), job.target_repo)
        tokens = (
            self.services.github.token(job.installation_id),
            self.services.github.token(target_installation),
        )
        for round_ in range(1, MAX_ROUNDS + 1):
            try:
                return self._round(source, target_repo, config, target, tokens)
            except PushRejected as exc:
                self.log.info("sync.push_rejected: %s round=%d (%s)", self.ctx, round_, exc)
        raise BotError(
            f"{job.target_repo}: the sync branch kept moving while AMTS pushed "
            f"({MAX_ROUNDS} tries); it will be retried with the next change"
        )

    def _round(
        self,
        source: Repository,
        target_repo: Repository,
        config: BookConfig,
        target: Target,
        tokens: tuple[str, str],
    ) -> SyncOutcome:
        mirrors = self.services.mirrors.of(self.job.installation_id)
        source_token, token = tokens
        with mirrors.locked(target_repo.full_name):
            src = mirrors.fetch(source.full_name, source.clone_url, source_token)
            tgt = mirrors.fetch(target_repo.full_name, target_repo.clone_url, token)
            english = rev_parse(src, f"refs/remotes/origin/{source.default_branch}")
            if english is None:
                raise BotError(f"{source.full_name}: no branch {source.default_branch}")
            self.english = english
            self.pull = open_sync_pr(target_repo, config.branch)
            plan = plan_round(
                self.job, self.log, src, tgt, target_repo, config.branch, english, self.pull
            )
            result = self._commit(src, tgt, config, target, plan, english)
            if result.commit is None:
                if plan.orphan and not result.failed and not is_start_only(tgt, plan.parent):
                    # carried already: only the PR is missing
                    return self._publish(tgt, target_repo, config, plan, plan.parent, english)
                if plan.remote_old is None and read_blob(tgt, plan.parent, STATE_PATH) is None:
                    self._start(tgt, target_repo, plan, result, token)
                return self._nothing(result, plan, english)
            checkpoint()
            mirrors.push(target_repo.full_name, token, result.commit, plan.branch, plan.remote_old)
            self.asks = result.report_digest().review_counts()
            checkpoint()
            return self._publish(tgt, target_repo, config, plan, result.commit, result.to)

    # -- the commit -----------------------------------------------------------------------

    def _commit(
        self, src: Path, tgt: Path, config: BookConfig, target: Target, plan: Plan, english: str
    ) -> SyncResult:
        from amts.sync.git import GitRepo
        from amts.sync.synchronizer import DEFAULT_EXCLUDE, Synchronizer

        self.failure = ""
        # refs/heads/* of a mirror are the bot's scratch: the branch starts at the parent
        # when continuing a PR (the Synchronizer then appends to its records), else anew.
        local = f"refs/heads/{plan.branch}"
        if plan.continuing:
            git(tgt, "update-ref", local, plan.parent)
        else:
            git(tgt, "update-ref", "-d", local, check=False)
        with tempfile.TemporaryDirectory(prefix="amts-sync-") as tmp:
            glossary = target_glossary(tgt, plan.parent, target, Path(tmp))
            updater = make_target_updater(
                config, target, glossary, self.services.settings.data_dir, self.job
            )
            try:
                with GitRepo(src, "source") as source, GitRepo(tgt, "target") as repo:
                    synchronizer = Synchronizer(
                        source,
                        repo,
                        updater,
                        (*DEFAULT_EXCLUDE, *config.exclude),
                        max_file_bytes=self.services.settings.max_file_bytes,
                        checkpoint=checkpoint,
                        keep_reports=False,  # the PR body and the status need the digest
                    )
                    where = {"parent": plan.parent, "update_branch": True, "history": True}
                    if self.catch_up:  # to the English the branch follows, not the head
                        result = synchronizer.catch_up(
                            self.catch_up, plan.base, plan.branch, **where
                        )
                    else:
                        result = synchronizer.run(
                            plan.base, english, plan.branch, note=plan.note, **where
                        )
            except AmtsError as exc:
                if self.catch_up and isinstance(exc, InputError):
                    raise  # the maintainer's paths: answered in the reply, not a failed sync
                raise BotError(str(exc)) from exc
        if not plan.continuing:
            _keep_mined_memory(
                updater, config, target, self.services.settings.data_dir, self.job, plan.parent
            )
        if result.failed:
            self.failure = "\n".join(
                f"{f.path}: {f.note}" for f in result.files if f.status == "skipped"
            )
        return result

    def _start(
        self, tgt: Path, repo: Repository, plan: Plan, result: SyncResult, token: str
    ) -> None:
        """A first push that committed nothing still starts the target (:mod:`bot.sync.startpoint`):
        from the English it synced to, or the base it failed to carry from."""
        revision = plan.base if result.failed else result.to
        why = f"The first sync of {repo.full_name} carried nothing ({result.nothing})."
        commit = commit_start(tgt, plan.parent, plan.branch, self.job.source_repo, revision, why)
        mirrors = self.services.mirrors.of(self.job.installation_id)
        mirrors.push(repo.full_name, token, commit, plan.branch, expected_old=None)
        self.log.info("sync.started: %s revision=%s", self.ctx, revision[:8])

    # -- the pull request -----------------------------------------------------------------

    def _publish(
        self,
        tgt: Path,
        repo: Repository,
        config: BookConfig,
        plan: Plan,
        commit: str,
        english: str,
    ) -> SyncOutcome:
        """Open the PR of ``plan.branch`` at ``commit``, or update it, from the branch's
        ``.amts/report.json``."""
        from amts.sync.history import HISTORY_PATH
        from bot.sync.publish import pr_text

        title, body = pr_text(read_blob(tgt, commit, HISTORY_PATH), config.source_lang)
        pull = plan.pull or open_sync_pr(repo, config.branch)  # a PR opened meanwhile
        if pull is not None and pull.head.ref == plan.branch:
            update_pr(pull, title=title, body=body)
            status, event = "updated", "sync.pr_updated"
        else:
            pull = open_pr(
                repo,
                branch=plan.branch,
                title=title,
                body=body,
                labels=config.labels,
                reviewers=config.reviewers,
            )
            status, event = "opened", "sync.pr_opened"
        self.pull = pull
        self.log.info("%s: %s pr=%s commit=%s", event, self.ctx, pull.number, commit)
        return SyncOutcome(
            status,
            repo.full_name,
            pull.number,
            pull.html_url,
            plan.branch,
            commit,
            english,
            error=self.failure,
            asks=self.asks,
        )

    def _nothing(self, result: SyncResult, plan: Plan, english: str) -> SyncOutcome:
        self.log.info("sync.nothing_to_do: %s (%s)", self.ctx, result.nothing)
        outcome = SyncOutcome(
            "nothing",
            self.job.target_repo,
            plan.pull.number if plan.pull else None,
            plan.pull.html_url if plan.pull else None,
            plan.branch,
            english=english if result.nothing == "already synced" else None,
            message=result.nothing,
        )
        if result.failed:
            outcome.status, outcome.error = "failed", self.failure or result.nothing
        return outcome

    # -- failures -------------------------------------------------------------------------

    def report_failure(self, message: str) -> None:
        """Tell the humans where they look: the PR, else the English commit's checks (a
        catch-up's failure is told in the command's reply instead)."""
        if self.catch_up:
            return
        try:
            if self.pull is not None:
                comment_failure(self.pull, message)
            elif self.source_repo is not None and self.english:
                fail_check(
                    self.source_repo,
                    self.english,
                    f"AMTS could not sync {self.job.target_repo}",
                    message,
                )
        except (BotError, GithubException) as exc:
            self.log.error("sync.failure_not_reported: %s (%s)", self.ctx, exc)


def run_sync(services: Services, job: SyncJob, *, catch_up: Sequence[str] = ()) -> SyncOutcome:
    """Bring ``job.target_repo``'s sync pull request up to the English head; with
    ``catch_up`` (``/amts catch-up``'s ``PATH[#LABEL]`` list), carry those paths' lag
    into it instead, up to the English it follows.

    A failure is reported on GitHub and in the status store and returned, not raised: the
    job is done, and ``/amts sync``, the next push or the reconcile job retries it. A
    catch-up's bad path is raised (:class:`InputError`), for the command's reply.
    """
    sync = _Sync(services, job, catch_up)
    try:
        outcome = sync.run()
    except (BotError, AmtsError, GithubException) as exc:
        if catch_up and isinstance(exc, InputError):
            raise
        error = exc if not isinstance(exc, GithubException) else github_error(exc, "syncing")
        message = public_error(error, f"Syncing {job.target_repo}", log=sync.log)
        error_id = error_id_of(message)
        sync.log.error("sync.failed: %s error_id=%s error=%s", sync.ctx, error_id, message)
        sync.report_failure(message)
        outcome = SyncOutcome(
            "failed",
            job.target_repo,
            sync.pull.number if sync.pull else None,
            sync.pull.html_url if sync.pull else None,
            error=message,
            error_id=error_id,
        )
    except Exception as exc:  # a bug: still tell the humans, then let the worker log it
        message = public_error(exc, f"Syncing {job.target_repo}", log=sync.log)
        sync.log.exception("sync.crashed: %s", sync.ctx)
        sync.report_failure(message)
        _record(services, job, SyncOutcome("failed", job.target_repo, error=message))
        raise
    else:
        if outcome.error:
            outcome.error_id = new_error_id()
            sync.log.error(
                "sync.files_failed: %s error_id=%s error=%s",
                sync.ctx,
                outcome.error_id,
                outcome.error,
            )
            sync.report_failure(outcome.error)
    _record(services, job, outcome)
    if outcome.status != "skipped":
        from bot.dashboard.views import refresh

        refresh(
            services,
            services.github.client(job.installation_id),
            source=job.source_repo,
            target=job.target_repo,
            lang=job.lang,
            installation_id=job.installation_id,
            event=f"the sync of {outcome.english[:8]}" if outcome.english else "the last sync",
            dashboard=sync.config.dashboard if sync.config else True,
            src_lang=sync.config.source_lang if sync.config else "en",
            exclude=sync.config.exclude if sync.config else (),
            glossary=_glossary_of(sync.config, job.target_repo),
        )
    return outcome


def _glossary_of(config: BookConfig | None, target_repo: str) -> str | None:
    target = config.target(target_repo) if config else None
    return target.glossary if target else None


def _record(services: Services, job: SyncJob, outcome: SyncOutcome) -> None:
    fields: dict[str, Any] = {
        "source_repo": job.source_repo,
        "lang": job.lang,
        "installation_id": job.installation_id,
    }
    if outcome.pr_url:
        fields["pr_url"] = outcome.pr_url
    if outcome.english:
        fields["synced_revision"] = outcome.english
    fields["last_error"] = outcome.error or None
    if outcome.error:
        fields["failure"] = {
            "error": outcome.error,
            "error_id": outcome.error_id,
            "at": now_iso(),
        }
    try:
        record = services.status.get(job.target_repo, key=job.tenant.key) or {}
        fields["pull"] = _pull_asks(record.get("pull"), outcome)
        services.status.update(job.target_repo, key=job.tenant.key, **fields)
    except Exception:  # the status page must never fail a sync
        logger.exception("sync.status_not_recorded: repo=%s", job.target_repo)


def _pull_asks(old: dict[str, Any] | None, outcome: SyncOutcome) -> dict[str, Any] | None:
    """The open sync PR and what all its syncs ask of reviewers, this one's added."""
    if outcome.pr_number is None:
        return None if outcome.status in ("nothing", "opened", "updated") else old
    same = old is not None and old.get("number") == outcome.pr_number
    asks = dict(old) if same and old else {"number": outcome.pr_number, "url": outcome.pr_url}
    for key, value in (outcome.asks or {}).items():
        asks[key] = int(asks.get(key) or 0) + value
    return asks


def target_glossary(tgt: Path, parent: str, target: Target, tmp: Path) -> Path | None:
    """The target's configured glossary at ``parent`` of its mirror, as a file in ``tmp``."""
    if not target.glossary:
        return None
    data = read_blob(tgt, parent, target.glossary)
    if data is None:
        raise ConfigError(
            f"targets[{target.repo}].glossary",
            f"{target.glossary} is not in {target.repo} at {parent[:8]}",
        )
    path = tmp / Path(target.glossary).name
    path.write_bytes(data)
    return path


def make_target_updater(
    config: BookConfig, target: Target, glossary: Path | None, data_dir: Path, job: SyncJob
):
    """The updater ``amts sync`` would make (:func:`amts.cli.base.make_updater`), with the
    target's translation-memory cache (refreshed on merge) when there is one."""
    from amts.cli.base import make_updater
    from bot.sync.refresh import MemoryCache, alignment_cache

    return make_updater(
        config.engine,
        src_lang=config.source_lang,
        tgt_lang=target.lang,
        parallel_data=MemoryCache.of(data_dir, job.tenant, target.lang).path(),
        glossary=glossary,
        cache=alignment_cache(data_dir, job.tenant),
        resource_name=resource_name(job.installation_id, job.source_repo, job.target_repo),
    )


def _keep_mined_memory(
    updater, config: BookConfig, target: Target, data_dir: Path, job: SyncJob, revision: str
) -> None:
    """A memory the sync mined from the default branch (no cache yet) becomes the cache,
    so the next sync of this target starts in a second instead of mining the book again;
    a merged sync PR refreshes it (:mod:`bot.sync.refresh`)."""
    from bot.sync.refresh import MemoryCache

    cache = MemoryCache.of(data_dir, job.tenant, target.lang)
    if cache.path() is not None or updater.memory is None or not len(updater.memory):
        return
    cache.write(list(updater.memory.pairs()), config.source_lang, target.lang, revision)


def _get_repo(gh: Any, full_name: str) -> Repository:
    try:
        return gh.get_repo(full_name)
    except GithubException as exc:
        raise github_error(exc, f"reading {full_name}") from exc
