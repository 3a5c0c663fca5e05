"""After a merge, the target's translation memory is re-mined from the merged files, and
the next retranslation or sync learns what reviewers approved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from amts.corpus.formats import read_pairs
from bot.jobs import RefreshJob, Tenant
from bot.refresh import MemoryCache, refresh_memory
from bot.spending import resource_name
from tests.bot.bookworld import (
    CONFIG,
    INSTALLATION,
    NUMEL,
    SOURCE,
    TENSORS,
    TOOLS,
    ZH,
    World,
    book_world,
)
from tests.emulators.servers import (
    CREDENTIALS,
    REGION,
    ROLE_ARN,
    moto_server,
    s3_client,
    translate_emulator,
)
from tests.emulators.translate import TranslateEmulator

REVIEWED = "我们可以用`numel`检查元素的总数。"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with book_world(tmp_path) as world:
        yield world


def test_the_merged_translations_become_the_memory(world: World) -> None:
    """A sentence a translator translated on the sync branch is in the memory after the
    merge; the cache records the revision it was mined from."""
    number = world.open_sync_pr()
    text = world.emulator.read_file(ZH, "amts/sync", TENSORS) or ""
    world.emulator.push_as_human(ZH, "amts/sync", {TENSORS: text.replace(NUMEL, REVIEWED)})
    merged = world.emulator.merge_pr(ZH, number)
    tsv = refresh_memory(world.services, RefreshJob(ZH, "zh", INSTALLATION, merged))
    cache = MemoryCache.of(world.services.settings.data_dir, Tenant(INSTALLATION, SOURCE, ZH), "zh")
    assert tsv == cache.tsv == cache.path()
    assert json.loads(cache.meta.read_text())["revision"] == merged
    src, tgt, pairs = read_pairs(tsv)
    assert (src, tgt) == ("en", "zh")
    assert (NUMEL, REVIEWED) in pairs
    # The rest of the book is in it too (DATA_ZH of tests/gitrepos.py, by hand) …
    assert ("Data comes in tables.", "数据以表格的形式出现。") in pairs
    # … but not a sentence the sync left in English: that is no translation.
    assert TOOLS not in {source for source, _ in pairs}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[TranslateEmulator]:
    """moto (S3) and the Amazon Translate emulator, with the variables a deployment sets."""
    with moto_server() as s3_url, translate_emulator(s3_url) as translate:
        bucket = "amts-refresh"
        s3_client(s3_url).create_bucket(Bucket=bucket)
        for name, value in {
            "AMTS_AWS_REGION": REGION,
            "AMTS_AWS_BUCKET": bucket,
            "AMTS_AWS_ROLE_ARN": ROLE_ARN,
            "AMTS_AWS_TRANSLATE_ENDPOINT_URL": translate.url,
            "AMTS_AWS_S3_ENDPOINT_URL": s3_url,
            "AMTS_AWS_POLL_SECONDS": "0.005",
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        }.items():
            monkeypatch.setenv(name, value)
        yield translate


def test_with_amazon_the_parallel_data_is_updated(tmp_path: Path, aws: TranslateEmulator) -> None:
    """The merged pairs replace the parallel data that steers Amazon's batch jobs."""
    with book_world(tmp_path, config=CONFIG.replace("engine: memory", "engine: amazon")) as world:
        settings = world.services.settings
        world.services.settings = replace(settings, paid_engines=frozenset({"d2l-ai"}))
        number = world.open_sync_pr()
        merged = world.emulator.merge_pr(ZH, number)
        updates = len(aws.requests("UpdateParallelData"))
        tsv = refresh_memory(world.services, RefreshJob(ZH, "zh", INSTALLATION, merged))
        assert len(aws.requests("UpdateParallelData")) == updates + 1
        name = resource_name(INSTALLATION, SOURCE, ZH)  # the target's own, not amts-en-zh
        assert aws.parallel_data_pairs(name, "zh") == dict(read_pairs(tsv)[2])
