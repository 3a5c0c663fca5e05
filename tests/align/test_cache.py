"""The alignment cache: same output with and without it, keyed so that it cannot go stale."""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from amts.align import aligner as aligner_module
from amts.align.aligner import Aligner
from amts.align.cache import MIN_PARALLEL_PAIRS, AlignmentCache, blob_id
from amts.align.glossary import load_glossary
from amts.book import document
from amts.corpus.parallel import CorpusBuilder, find_file_pairs
from amts.engines import create_engine
from amts.sync.git import GitRepo
from amts.sync.synchronizer import Synchronizer
from amts.update.updater import Updater
from tests.conftest import EXAMPLES
from tests.gitrepos import change_english, english_book, pt_book, zh_book

TENSORS_EN = EXAMPLES / "en" / "chapter_basics" / "tensors.md"
TENSORS_ZH = EXAMPLES / "zh" / "chapter_basics" / "tensors.md"
GLOSSARY = EXAMPLES / "zh" / "TERMINOLOGY.md"


def _corpus(cache: AlignmentCache | None) -> list[tuple[str, str, float, str]]:
    builder = CorpusBuilder("en", "zh", glossary=load_glossary(GLOSSARY), cache=cache)
    pairs = find_file_pairs(EXAMPLES / "en", EXAMPLES / "zh", {}, builder.summary)
    return [(p.source, p.target, p.confidence, p.file) for p in builder.build(pairs)]


def test_blob_id_is_gits() -> None:
    """The key of a file is the blob id git gives the same bytes."""
    expected = subprocess.run(
        ["git", "hash-object", str(TENSORS_ZH)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert blob_id(TENSORS_ZH.read_text(encoding="utf-8")) == expected


def test_parallel_data_is_the_same_cold_warm_and_without(tmp_path: Path) -> None:
    """The sample book's corpus: no cache, a cold disk cache, and a warm one read back by
    a new process's cache object give the same records."""
    without = _corpus(None)
    cold_cache = AlignmentCache(tmp_path)
    cold = _corpus(cold_cache)
    warm_cache = AlignmentCache(tmp_path)
    warm = _corpus(warm_cache)
    assert without and cold == without and warm == without
    assert cold_cache.hits == 0 and cold_cache.misses > 0
    assert warm_cache.misses == 0 and warm_cache.hits == cold_cache.misses


@pytest.mark.parametrize("layout", [zh_book, pt_book], ids=["origin files", "same paths"])
def test_sync_is_byte_identical_with_the_cache_and_aligns_each_file_once(
    tmp_path: Path, layout
) -> None:
    """A sync of the sample book commits the same tree without a cache, with a cold one and
    with a warm one; with the cache, planning reuses what mining aligned."""
    en = english_book(tmp_path)
    target = layout(tmp_path)
    base = en.rev("HEAD")
    change_english(en)
    lang = "zh" if layout is zh_book else "pt"
    trees, caches = [], []
    for run, cache in enumerate(
        [None, AlignmentCache(tmp_path / "c"), AlignmentCache(tmp_path / "c")]
    ):
        updater = Updater("en", lang, create_engine("memory"), cache=cache)
        with GitRepo(en.path, "source") as source, GitRepo(target.path, "target") as repo:
            result = Synchronizer(source, repo, updater).run(base, "HEAD", f"sync/{run}")
        trees.append(_files(target.path, f"sync/{run}"))
        caches.append(cache)
    assert trees[0] == trees[1] == trees[2]
    cold, warm = caches[1], caches[2]
    # Cold: every file pair mined once; the plan of the changed file found it aligned.
    # Cold: each translated file aligned once, when the memory was mined (and the new
    # English file once, with no translation); planning the changed files found theirs.
    assert cold.aligned == len(_translated_files(en.path, base, target.path)) + 1
    assert cold.hits > 0
    assert warm.misses == 0  # the next job parses and aligns nothing
    assert result.commit is not None


def _files(repo: Path, rev: str) -> dict[str, bytes]:
    """Every file of ``rev`` but the sync record's date."""
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev], cwd=repo, capture_output=True, text=True
    ).stdout.split()
    files = {}
    for name in names:
        data = subprocess.run(
            ["git", "show", f"{rev}:{name}"], cwd=repo, capture_output=True
        ).stdout
        if name.endswith(".json"):
            data = json.dumps(_undated(json.loads(data)), sort_keys=True).encode()
        files[name] = data
    return files


def _undated(value):
    if isinstance(value, dict):
        return {k: _undated(v) for k, v in value.items() if k not in ("date", "synced_at", "at")}
    if isinstance(value, list):
        return [_undated(v) for v in value]
    return value


def _translated_files(english: Path, base: str, target: Path) -> set[str]:
    """Translations with their English: beside an ``_origin.md``, or at the English's path."""

    def markdown(repo: Path, rev: str) -> set[str]:
        listing = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", rev], cwd=repo, capture_output=True, text=True
        ).stdout.split()
        return {name for name in listing if name.endswith(".md")}

    translations = markdown(target, "HEAD")
    origins = {n.removesuffix("_origin.md") + ".md" for n in translations if "_origin" in n}
    return origins if origins else translations & markdown(english, base)


def test_a_new_aligner_version_or_glossary_misses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries of another aligner version or glossary are never read: each is a miss."""
    source, target = document.load(TENSORS_EN), document.load(TENSORS_ZH)
    glossary = load_glossary(GLOSSARY)
    AlignmentCache(tmp_path).align(Aligner("en", "zh", glossary), source, target)

    same = AlignmentCache(tmp_path)
    same.align(Aligner("en", "zh", glossary), source, target)
    assert (same.hits, same.misses) == (1, 0)

    other_glossary = AlignmentCache(tmp_path)
    other_glossary.align(Aligner("en", "zh", None), source, target)
    assert (other_glossary.hits, other_glossary.misses) == (0, 1)

    monkeypatch.setattr(aligner_module, "ALIGNER_VERSION", "next")
    new_version = AlignmentCache(tmp_path)
    new_version.align(Aligner("en", "zh", glossary), source, target)
    assert (new_version.hits, new_version.misses) == (0, 1)


def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    """A truncated file or one whose links point outside the documents is aligned again."""
    source, target = document.load(TENSORS_EN), document.load(TENSORS_ZH)
    expected = Aligner("en", "zh").align(source, target)
    AlignmentCache(tmp_path).align(Aligner("en", "zh"), source, target)
    entries = sorted(tmp_path.rglob("*.json"), key=lambda p: p.stat().st_size)
    alignment_file = entries[-1]  # links are the largest entry
    data = json.loads(alignment_file.read_text())
    data["blocks"][0][0] = [10_000]
    alignment_file.write_text(json.dumps(data))
    for damage in (None, "{not json"):
        if damage:
            alignment_file.write_text(damage)
        cache = AlignmentCache(tmp_path)
        result = cache.align(Aligner("en", "zh"), source, target)
        assert cache.misses == 1
        assert (result.blocks, result.sentences) == (expected.blocks, expected.sentences)


def test_the_disk_stays_under_its_bound_and_keeps_what_was_used_last(tmp_path: Path) -> None:
    """Past ``max_bytes`` the least recently used entries go; the folder stays bounded."""
    texts = [f"# Section {i}\n\nParagraph number {i} with some words.\n" * 20 for i in range(40)]
    probe = AlignmentCache(tmp_path / "probe")
    probe.document(texts[0])
    entry = next((tmp_path / "probe").rglob("*.json")).stat().st_size
    cache = AlignmentCache(tmp_path / "c", max_bytes=10 * entry, max_items=1)
    for text in texts:
        cache.document(text)
        cache.document(texts[0])  # used again and again: never the least recent
    files = list((tmp_path / "c").rglob("*.json"))
    assert sum(f.stat().st_size for f in files) <= 10 * entry * 1.2
    assert 4 <= len(files) <= 11
    again = AlignmentCache(tmp_path / "c")
    again.document(texts[0])
    assert again.hits == 1


def test_align_texts_reads_what_a_sync_cached(tmp_path: Path) -> None:
    """The public entry for readers of alignments hits entries another cache object wrote."""
    en, zh = TENSORS_EN.read_text(encoding="utf-8"), TENSORS_ZH.read_text(encoding="utf-8")
    first = AlignmentCache.for_data_dir(tmp_path).align_texts(Aligner("en", "zh"), en, zh)
    reader = AlignmentCache.for_data_dir(tmp_path)
    again = reader.align_texts(Aligner("en", "zh"), en, zh, "en.md", "zh.md")
    assert (reader.hits, reader.misses) == (3, 0)
    assert (again.blocks, again.sentences) == (first.blocks, first.sentences)
    assert again.target.path == "zh.md" and again.source.text == en


def _variants(count: int) -> list[tuple[str, str]]:
    """``count`` distinct file pairs: the sample's, each with a numbered paragraph added."""
    en, zh = TENSORS_EN.read_text(encoding="utf-8"), TENSORS_ZH.read_text(encoding="utf-8")
    return [
        (f"{en}\nNote {i} on tensors.\n", f"{zh}\n关于张量的第{i}条注释。\n") for i in range(count)
    ]


@pytest.mark.parametrize("on_disk", [False, True], ids=["in memory", "on disk"])
@pytest.mark.parametrize("threaded", [False, True], ids=["forked", "forkserver"])
def test_many_pairs_are_aligned_across_processes_with_the_same_result(
    tmp_path: Path, on_disk: bool, threaded: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """Past MIN_PARALLEL_PAIRS other processes align pairs too (forked from a process with
    one thread, by a forkserver beside other threads); every alignment is the one this process would
    have made, each pair is aligned once, and reading them afterwards aligns nothing more."""
    pairs = _variants(MIN_PARALLEL_PAIRS)
    aligner = Aligner("en", "zh", load_glossary(GLOSSARY))
    cache = AlignmentCache(tmp_path if on_disk else None)
    caplog.set_level(logging.INFO, logger="amts.align.cache")
    with _another_thread() if threaded else contextlib.nullcontext():
        method = "fork" if threading.active_count() == 1 else "forkserver"
        done = cache.prefill(aligner, pairs)
    assert f"({method})" in caplog.text
    assert threaded is (method == "forkserver")
    aligned_here = cache.aligned
    assert done > 0 and aligned_here > 0 and done + aligned_here == len(pairs)
    for source, target in pairs:
        expected = Aligner("en", "zh", load_glossary(GLOSSARY)).align(
            document.parse(source), document.parse(target)
        )
        result = cache.align_texts(aligner, source, target)
        assert (result.blocks, result.sentences) == (expected.blocks, expected.sentences)
    assert cache.aligned == aligned_here
    if on_disk:  # every process wrote its alignments where the next job finds them
        later = AlignmentCache(tmp_path)
        for source, target in pairs:
            later.align_texts(aligner, source, target)
        assert (later.parsed, later.aligned) == (0, 0)


@contextlib.contextmanager
def _another_thread() -> Iterator[None]:
    """A thread that runs until the block ends, as the App's threads do."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_few_pairs_are_not_worth_a_process() -> None:
    """Below MIN_PARALLEL_PAIRS nothing is started: the caller aligns as it reads."""
    cache = AlignmentCache()
    assert cache.prefill(Aligner("en", "zh"), _variants(MIN_PARALLEL_PAIRS - 1)) == 0
    assert cache.aligned == 0


def test_a_blocks_only_request_is_served_from_a_cached_alignment(tmp_path: Path) -> None:
    """``amts lag`` asks for blocks only: a cached whole alignment answers it; without one
    the blocks are aligned and nothing is cached."""
    source, target = document.load(TENSORS_EN), document.load(TENSORS_ZH)
    cold = AlignmentCache(tmp_path)
    blocks_only = Aligner("en", "zh", cache=cold).align(source, target, sentences=False)
    assert blocks_only.sentences == [] and (cold.hits, cold.aligned) == (0, 0)
    whole = Aligner("en", "zh", cache=cold).align(source, target)
    warm = AlignmentCache(tmp_path)
    served = Aligner("en", "zh", cache=warm).align(source, target, sentences=False)
    assert (warm.hits, warm.aligned) == (1, 0)
    assert served.blocks == whole.blocks == blocks_only.blocks
