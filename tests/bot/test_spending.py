"""Paid engines are the operator's decision (issue 11, item 4): ``engine: amazon`` runs
only for the owners and installations in ``AMTS_PAID_ENGINES``, others get a clear
refusal where an invalid configuration is reported; its resources are named per target."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from amts.cli.base import make_engine
from bot.books.spending import resource_name
from bot.settings import Settings
from bot.sync.run import run_sync
from bot.work.jobs import SyncJob
from tests.bot.bookworld import CONFIG, INSTALLATION, SOURCE, TENSORS, ZH, book_world
from tests.bot.webhooks import SECRET

AMAZON = CONFIG.replace("engine: memory", "engine: amazon")
EDIT = ("We can check the number of elements with `numel`.", "We count elements with `numel`.")


def test_a_book_not_allowed_a_paid_engine_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    with book_world(tmp_path, config=AMAZON) as world:
        after = world.edit_english(TENSORS, EDIT)
        world.dispatch("push", world.push_payload(world.first_english, after))
        assert world.jobs() == []
        [check] = world.emulator.check_runs(SOURCE, after)
        assert check["conclusion"] == "failure"
        assert "paid engine" in check["output"]["summary"]
        assert "AMTS_PAID_ENGINES" in check["output"]["summary"]
        # a job queued some other way (reconcile, /amts sync) is refused the same way
        job = SyncJob(SOURCE, ZH, "zh", INSTALLATION, "t", before=world.first_english, after=after)
        outcome = run_sync(world.services, job)
        assert outcome.status == "failed" and "paid engine" in outcome.error
        assert world.emulator.pulls(ZH) == []


@pytest.mark.parametrize("allowed", ["d2l-ai", "D2L-AI, other", str(INSTALLATION)])
def test_an_allowed_owner_or_installation_gets_its_syncs(tmp_path: Path, allowed: str) -> None:
    with book_world(tmp_path, config=AMAZON) as world:
        env = {"AMTS_WEBHOOK_SECRET": SECRET, "AMTS_PAID_ENGINES": allowed}
        paid = Settings.from_env(env).paid_engines
        world.services.settings = dataclasses.replace(world.services.settings, paid_engines=paid)
        after = world.edit_english(TENSORS, EDIT)
        world.dispatch("push", world.push_payload(world.first_english, after))
        assert [job["target_repo"] for job in world.jobs("sync")] == [ZH]
        assert world.emulator.check_runs(SOURCE, after) == []


def test_resources_are_named_per_installation_source_and_target() -> None:
    names = {
        resource_name(1, "d2l-ai/d2l-en", "d2l-ai/d2l-zh"),
        resource_name(2, "d2l-ai/d2l-en", "d2l-ai/d2l-zh"),
        resource_name(1, "evil/book", "d2l-ai/d2l-zh"),
        resource_name(1, "d2l-ai/d2l-en", "d2l-ai/d2l.zh"),
    }
    assert len(names) == 4
    assert all(re.fullmatch(r"amts-[A-Za-z0-9-]{1,120}", name) for name in names)


def test_the_engine_uses_the_targets_resource_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMTS_AWS_BUCKET", "amts-test-bucket")
    monkeypatch.setenv("AMTS_AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/amts")
    monkeypatch.setenv("AMTS_AWS_REGION", "us-east-1")
    name = resource_name(1, "d2l-ai/d2l-en", "d2l-ai/d2l-zh")
    engine = make_engine("amazon", src_lang="en", tgt_lang="zh", resource_name=name)
    try:
        assert engine.settings.parallel_data_name == name
    finally:
        engine.close()
