"""After a sync PR is merged: the target's translation memory, re-mined from the merged files.

Merged sentences are reviewed sentences. The memory the next sync (and ``/amts
retranslate``) consults is re-mined from the target at the merge, with the same aligner
and corpus filters as ``amts parallel-data``, and cached as a TSV under
``<data dir>/memory/<owner>/<name>/<lang>.tsv`` with ``<lang>.json`` saying which target
revision it came from; :mod:`bot.sync.run` hands it to the updater instead of mining the
whole book on every sync. With the Amazon engine, the same file updates the parallel data
resource that steers its batch jobs (the engine's own code, which re-imports only when the
file changed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amts.align.cache import CACHE_DIR, AlignmentCache
from amts.book import document
from amts.corpus import formats
from amts.corpus.parallel import ORIGIN_SUFFIX, CorpusBuilder
from amts.errors import AmtsError, InputError
from amts.files import atomic_output
from amts.sync.git import GitRepo
from amts.sync.state import STATE_PATH, SyncState
from bot.books.config import BookConfig, Target, load_config
from bot.sync.pr import repo_name, source_repository
from bot.work.jobs import RefreshJob, Tenant

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)

MEMORY_DIR = "memory"


@dataclass(frozen=True)
class MemoryCache:
    """Where the translation memory of one target and language is cached."""

    tsv: Path
    meta: Path

    @classmethod
    def of(cls, data_dir: str | Path, tenant: Tenant, lang: str) -> MemoryCache:
        """The cache of one tenant's target: ``memory/<installation>/<source owner>/
        <source name>/<target owner>/<target name>/<lang>.tsv``."""
        parts = [*tenant.source_repo.lower().split("/"), *tenant.target_repo.lower().split("/")]
        if len(parts) != 4 or any(not p or p.startswith(".") for p in parts):
            raise InputError(f"{tenant.key}: not a pair of repository names owner/name")
        folder = Path(installation_caches(data_dir, tenant.installation_id)[1], *parts)
        return cls(folder / f"{lang}.tsv", folder / f"{lang}.json")

    def revision(self) -> str | None:
        """The target revision the cached memory was mined from, if there is one."""
        try:
            return json.loads(self.meta.read_text(encoding="utf-8")).get("revision")
        except (OSError, ValueError):
            return None

    def path(self) -> Path | None:
        """The TSV, when a complete one is cached."""
        return self.tsv if self.tsv.is_file() and self.revision() else None

    def write(self, pairs: list[tuple[str, str]], src_lang: str, tgt_lang: str, rev: str) -> None:
        """Replace the cache atomically: a reader sees the old memory or the new one."""
        self.tsv.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(self.tsv) as out:
            formats.write_tsv(out, pairs, src_lang, tgt_lang)
        with atomic_output(self.meta) as out:
            out.write(json.dumps({"revision": rev, "pairs": len(pairs)}) + "\n")


def alignment_cache(data_dir: str | Path, tenant: Tenant) -> AlignmentCache:
    """The alignment cache of an installation's jobs: ``align-cache/<installation>``
    (entries are keyed by content, so shared within an installation, never across)."""
    return AlignmentCache(installation_caches(data_dir, tenant.installation_id)[0])


def installation_caches(data_dir: str | Path, installation_id: int) -> tuple[Path, Path]:
    """The folders of an installation's alignment cache and translation memories: what
    is deleted with the installation."""
    return (
        Path(data_dir, CACHE_DIR, str(installation_id)),
        Path(data_dir, MEMORY_DIR, str(installation_id)),
    )


def file_pairs(
    target: GitRepo, rev: str, source: GitRepo | None, source_rev: str | None
) -> Iterator[tuple[str, str, str]]:
    """``(English text, translation text, translation path)`` of every translated file.

    d2l-zh's layout pairs ``X_origin.md`` with ``X.md`` in the target itself; otherwise a
    translation pairs with the English file of the same path at ``source_rev``.
    """
    paths = set(target.files(rev))
    origins = sorted(p for p in paths if p.endswith(ORIGIN_SUFFIX))
    if origins:
        for origin in origins:
            path = origin[: -len(ORIGIN_SUFFIX)] + ".md"
            if path in paths:
                yield _text(target, rev, origin), _text(target, rev, path), path
        return
    if source is None or source_rev is None:
        raise InputError(
            f"{target.path}: translations without _origin.md files need the English "
            "repository to be mined"
        )
    english = set(source.files(source_rev))
    for path in sorted(p for p in paths if p.endswith(".md") and p in english):
        yield _text(source, source_rev, path), _text(target, rev, path), path


def _text(repo: GitRepo, rev: str, path: str) -> str:
    return document.decode(repo.read(rev, path) or b"", f"{repo.role}@{rev[:8]}:{path}")


def mine(
    target: GitRepo,
    rev: str,
    source: GitRepo | None,
    source_rev: str | None,
    *,
    src_lang: str,
    tgt_lang: str,
    cache: AlignmentCache | None = None,
) -> list[tuple[str, str]]:
    """The sentence pairs of the target at ``rev``, as ``amts parallel-data`` mines them."""
    builder = CorpusBuilder(src_lang, tgt_lang, cache=cache)
    parse = cache.document if cache is not None else document.parse
    pairs = []
    for english, translation, path in file_pairs(target, rev, source, source_rev):
        try:
            alignment = builder.aligner.align(parse(english, path), parse(translation, path))
        except AmtsError as exc:
            logger.info("refresh.file_skipped path=%s reason=%s", path, exc)
            continue
        # A sentence still in English is no translation: remembering it would have the
        # memory "translate" that sentence into English again next time.
        pairs += [
            (p.source, p.target) for p in builder.pairs(alignment, path) if p.source != p.target
        ]
    return pairs


@dataclass(frozen=True)
class Book:
    """The book a target belongs to: its English repository, configuration and entry."""

    source_repo: str
    config: BookConfig
    target: Target


def refresh_memory(services: Services, job: RefreshJob) -> Path:
    """Re-mine ``job.target_repo`` at the merge into the cache (and Amazon's parallel
    data); returns the cached TSV."""
    gh = services.github.client(job.installation_id)
    repo = gh.get_repo(job.target_repo)
    token = services.github.token(job.installation_id)
    mirrors = services.mirrors.of(job.installation_id)
    target_path = mirrors.fetch(job.target_repo, repo.clone_url, token)
    with GitRepo(target_path, "target") as target:
        rev = target.resolve(job.merged_sha)
        book = book_of(services, gh, repo.full_name, _state(target, rev, repo.full_name))
        # the book's tenant, as the sync's: an opted-in target's merge arrives with the
        # target's own installation, but its memory and records are the book's
        tenant = Tenant(
            services.github.installation_for(book.source_repo), book.source_repo, job.target_repo
        )
        cache = remine(services, gh, repo, target, rev, book, tenant)
    if book.config.engine == "amazon":
        from bot.books.spending import check_engine, resource_name

        check_engine(services.settings, book.config, tenant.installation_id, book.source_repo)
        name = resource_name(tenant.installation_id, book.source_repo, job.target_repo)
        update_parallel_data(cache.tsv, book.config.source_lang, book.target.lang, name)
    _merged(services, job, book, tenant)
    return cache.tsv


def _merged(services: Services, job: RefreshJob, book: Book, tenant: Tenant) -> None:
    """The merge changed the translation's lag: both status views follow."""
    from bot.dashboard.views import refresh

    record = services.status.get(job.target_repo, key=tenant.key) or {}
    pull = record.get("pull") or {}
    what = f"the merge of #{pull['number']}" if pull.get("number") else "the last merge"
    services.status.update(job.target_repo, key=tenant.key, pull=None)
    refresh(
        services,
        services.github.client(tenant.installation_id),  # the book's: it reads the English
        source=book.source_repo,
        target=job.target_repo,
        lang=book.target.lang,
        installation_id=tenant.installation_id,
        event=what,
        dashboard=book.config.dashboard,
        src_lang=book.config.source_lang,
        exclude=book.config.exclude,
        glossary=book.target.glossary,
    )


def _state(target: GitRepo, rev: str, name: str) -> SyncState:
    where = f"{name}@{rev[:8]}: {STATE_PATH}"
    data = target.read(rev, STATE_PATH)
    if data is None:
        raise InputError(
            f"{where} is missing: nothing says which English revision the translations "
            "follow; it is written by the first merged sync pull request"
        )
    return SyncState.from_bytes(data, where)


def book_of(services: Services, gh: Any, target_repo: str, state: SyncState) -> Book:
    """The book whose English repository ``state`` names, as its amts.yml configures it."""
    source_name = repo_name(state.source_repo or "")
    if source_name is None:
        raise InputError(f"{target_repo}: {STATE_PATH} names no source repository")
    config, target = _config(source_repository(services, gh, source_name), target_repo)
    return Book(source_name, config, target)


def remine(
    services: Services, gh: Any, repo: Any, target: GitRepo, rev: str, book: Book, tenant: Tenant
) -> MemoryCache:
    """Mine the target (PyGithub ``repo``, its mirror ``target``) at ``rev`` into its cache.

    Translations with ``_origin.md`` files carry their English; others are paired with
    the English of the revision the target's ``.amts/state.json`` at ``rev`` records.
    """
    where = f"{repo.full_name}@{rev[:8]}"
    aligned = alignment_cache(services.settings.data_dir, tenant)
    langs = {"src_lang": book.config.source_lang, "tgt_lang": book.target.lang, "cache": aligned}
    if any(p.endswith(ORIGIN_SUFFIX) for p in target.files(rev)):
        pairs = mine(target, rev, None, None, **langs)
    else:
        english = _state(target, rev, repo.full_name).source_revision
        token = services.github.token(services.github.installation_for(book.source_repo))
        source_repo = source_repository(services, gh, book.source_repo)
        mirrors = services.mirrors.of(tenant.installation_id)
        source_path = mirrors.fetch(book.source_repo, source_repo.clone_url, token)
        with GitRepo(source_path, "source") as source:
            pairs = mine(target, rev, source, source.resolve(english), **langs)
    if not pairs:  # an empty memory must not replace a good one
        raise InputError(f"{where}: no sentence pair could be mined")
    cache = MemoryCache.of(services.settings.data_dir, tenant, book.target.lang)
    cache.write(pairs, book.config.source_lang, book.target.lang, rev)
    logger.info("refresh.memory_written target=%s pairs=%d", where, len(pairs))
    return cache


def _config(source_repo: Any, target_repo: str) -> tuple[BookConfig, Target]:
    config = load_config(source_repo, source_repo.default_branch)
    target = config.target(target_repo) if config else None
    if config is None or target is None:
        raise InputError(
            f"{source_repo.full_name}: .github/amts.yml does not list {target_repo} any more"
        )
    return config, target


def update_parallel_data(
    tsv: Path, src_lang: str, tgt_lang: str, resource_name: str | None = None
) -> None:
    """Create or update Amazon Translate's parallel data from ``tsv`` now, through the
    engine's own resource code, so the next batch job starts from the reviewed pairs."""
    from amts.cli.base import make_engine

    engine = make_engine(
        "amazon",
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        parallel_data=tsv,
        glossary=None,
        resource_name=resource_name,
    )
    try:
        names = engine.sync_parallel_data(src_lang, tgt_lang)
    finally:
        engine.close()
    logger.info("refresh.parallel_data_updated names=%s", ",".join(names))
