"""A target's translation memory mined before its first sync, in a low-priority job."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.dashboard.views import measure
from bot.sync.premine import premine_memory
from bot.sync.reconcile import reconcile
from bot.sync.refresh import MemoryCache
from bot.work.jobs import PremineJob
from tests.bot.bookworld import CONFIG, INSTALLATION, SOURCE, ZH, World, book_world
from tests.gitrepos import pt_book

PT = "d2l-ai/d2l-pt"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        yield world


def _job() -> PremineJob:
    return PremineJob(SOURCE, ZH, "zh", INSTALLATION)


def _cache(world: World) -> MemoryCache:
    return MemoryCache.of(world.services.settings.data_dir, _job().tenant, "zh")


def test_reconcile_queues_one_premine_for_a_target_without_memory(world: World) -> None:
    """The first reconcile (also the one after an installation) queues the job, in the
    background lane (no sync waits behind it); the next rounds do not queue it again."""
    reconcile(world.services)
    assert world.jobs("premine") == [_job().to_dict()]
    assert world.jobs("sync") == []
    reconcile(world.services)
    assert len(world.jobs("premine")) == 1
    assert [t.name for t in world.queue.background.pending()] == ["premine"]
    assert [t for t in world.queue.huey.pending() if t.name == "premine"] == []


def test_a_target_without_origin_files_is_premined_from_its_starting_point(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """d2l-pt's layout pairs each translation with the English it follows: the starting
    point reconcile records on the sync branch names it, so such a target is mined ahead
    too."""
    config = CONFIG.replace("    lang: zh\n", f"    lang: zh\n  - repo: {PT}\n    lang: pt\n")
    with book_world(tmp_path, config=config) as world:
        pt = pt_book(tmp_path / "pt-book")
        world.emulator.add_repo(PT, pt.path, installation_id=INSTALLATION)
        reconcile(world.services)
        assert PremineJob(SOURCE, PT, "pt", INSTALLATION).to_dict() in world.jobs("premine")
        job = PremineJob(SOURCE, PT, "pt", INSTALLATION)
        tsv = premine_memory(world.services, job)
        assert tsv is not None
        assert tsv == MemoryCache.of(world.services.settings.data_dir, job.tenant, "pt").path()
        pairs = tsv.read_text("utf-8").splitlines()
        assert len(pairs) > 10
        assert any("tensor" in line.lower() for line in pairs)
        # the status views measure the lag from what the premine parsed and aligned
        caplog.set_level(logging.INFO, logger="bot.dashboard.views")
        caplog.clear()  # reconcile measured both targets' lag before anything was cached
        lag = measure(world.services, world.gh, SOURCE, PT, "pt", INSTALLATION)
        assert lag["totals"]["blocks"] > 0
        [line] = [r.getMessage() for r in caplog.records if "views.lag_measured" in r.getMessage()]
        assert "parsed=0" in line and "cached=0" not in line, line


def test_the_first_sync_uses_the_premined_memory(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The premine job caches the memory the first sync would have mined, and the
    alignments with it: the first sync mines nothing and still opens its pull request."""
    caplog.set_level(logging.INFO)
    tsv = premine_memory(world.services, _job())
    assert tsv is not None and tsv == _cache(world).path()
    assert len(tsv.read_text(encoding="utf-8").splitlines()) > 5
    aligned = list((world.services.settings.data_dir / "align-cache").rglob("*.json"))
    assert aligned
    caplog.clear()
    world.open_sync_pr()
    assert "sync.memory_built" not in caplog.text  # the sync found the memory cached
    assert "premine" not in caplog.text


def test_a_premine_after_the_first_sync_does_nothing(world: World) -> None:
    """A sync that came first cached its mined memory: the job finds it and stops."""
    world.open_sync_pr()
    before = _cache(world).tsv.read_bytes()
    assert premine_memory(world.services, _job()) is None
    assert _cache(world).tsv.read_bytes() == before
    reconcile(world.services)
    assert world.jobs("premine") == []
