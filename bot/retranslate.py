"""``/amts retranslate``: a new commit on the sync branch re-translating AMTS's own sentences.

The work itself is :func:`amts.sync.retranslate.retranslate_branch` (which sentences are
still AMTS's, the exact spans, the commit on top of the branch head); this module adds
the GitHub side: the mirror, the book's engine, the fast-forward push, and the reply a
maintainer reads. With the default memory engine a sentence often comes back the same
(the memory is what the sync used); the reply says "unchanged" rather than pretending.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from amts.engines.base import Engine
from amts.sync.git import GitRepo
from amts.sync.retranslate import Result, retranslate_branch
from bot.jobs import CommandJob, Tenant
from bot.refresh import Book, MemoryCache, remine
from bot.syncpr import SyncPR

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)


def retranslate_pr(
    services: Services,
    repo: Any,
    sync_pr: SyncPR,
    targets: Sequence[tuple[str, str | None]],
    job: CommandJob,
) -> str:
    """Retranslate on ``sync_pr``'s branch, push the commit, and say what was done."""
    name, branch = repo.full_name, sync_pr.branch
    token = services.github.token(job.installation_id)
    mirrors = services.mirrors.of(job.installation_id)
    tenant = Tenant(job.installation_id, sync_pr.source_repo, name)
    with mirrors.locked(name):
        path = mirrors.fetch(name, repo.clone_url, token)
        with GitRepo(path, "target") as target:
            head = target.resolve(f"refs/remotes/origin/{branch}")
            gh = services.github.client(job.installation_id)
            engine = make_engine(services, gh, repo, target, sync_pr, tenant)
            try:
                result = retranslate_branch(
                    target,
                    branch,
                    targets,
                    engine,
                    src_lang=sync_pr.config.source_lang,
                    tgt_lang=sync_pr.target.lang,
                    head=head,
                    message=None,
                )
            finally:
                close = getattr(engine, "close", None)
                if close is not None:
                    close()
        if result.commit:
            mirrors.push(name, token, result.commit, branch, expected_old=head)
            logger.info(
                "retranslate.pushed repo=%s branch=%s commit=%s", name, branch, result.commit
            )
    return describe(result, commit_url=f"{repo.html_url}/commit/{result.commit}")


def make_engine(
    services: Services, gh: Any, repo: Any, target: GitRepo, sync_pr: SyncPR, tenant: Tenant
) -> Engine:
    """The book's engine; the memory engine gets the target's cached translation memory,
    mined from the default branch first if there is none yet."""
    from amts.engines import create_engine
    from amts.memory import TranslationMemory

    src, tgt = sync_pr.config.source_lang, sync_pr.target.lang
    if sync_pr.config.engine != "memory":
        from amts.cli.base import make_engine as make_named_engine
        from bot.spending import check_engine, resource_name

        check_engine(services.settings, sync_pr.config, tenant.installation_id, tenant.source_repo)
        return make_named_engine(
            sync_pr.config.engine,
            src_lang=src,
            tgt_lang=tgt,
            parallel_data=None,
            glossary=None,
            resource_name=resource_name(*dataclasses.astuple(tenant)),
        )
    cache = MemoryCache.of(services.settings.data_dir, tenant, tgt)
    tsv = cache.path()
    if tsv is None:
        default = target.resolve(f"refs/remotes/origin/{repo.default_branch}")
        book = Book(sync_pr.source_repo, sync_pr.config, sync_pr.target)
        tsv = remine(services, gh, repo, target, default, book, tenant).tsv
    return create_engine("memory", memory=TranslationMemory.from_file(tsv, src, tgt))


def describe(result: Result, *, commit_url: str) -> str:
    """The reply: the commit and how many sentences changed, and why others did not."""
    counts = Counter(outcome.status for outcome in result.outcomes)
    notes = Counter(outcome.note for outcome in result.outcomes if outcome.status == "skipped")
    lines = []
    if result.commit:
        files = sorted({o.path for o in result.outcomes if o.status == "changed"})
        lines.append(
            f"retranslated {counts['changed']} sentence(s) in {', '.join(files)}: "
            f"commit {result.commit[:12]} ({commit_url})."
        )
    else:
        lines.append("nothing to commit: no sentence came back different.")
    if counts["unchanged"]:
        lines.append(
            f"- {counts['unchanged']} unchanged (the engine gave the same translation again)"
        )
    if counts["untranslated"]:
        lines.append(
            f"- {counts['untranslated']} the engine could not translate (left as they are)"
        )
    for note, count in sorted(notes.items()):
        lines.append(f"- {count} not touched: {note}")
    return "\n".join(lines)
