"""Errors posted on GitHub are generic (issue 11, item 7): what failed, what to do and an
error id; the details (server paths, AWS accounts and roles) only in the log, under it."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from amts.engines.amazon.client import AmazonServiceError
from bot.incidents import public_error
from bot.jobs import SyncJob, Tenant
from bot.sync import run_sync
from tests.bot.bookworld import INSTALLATION, SOURCE, TENSORS, ZH, book_world

ERROR_ID = re.compile(r"error id `([0-9a-f]{12})`")
ROLE = "arn:aws:iam::123456789012:role/amts-translate"


def logged_details(caplog: pytest.LogCaptureFixture, error_id: str) -> str:
    [line] = [
        r.getMessage() for r in caplog.records if f"error.details id={error_id}" in r.getMessage()
    ]
    return line


def test_a_git_failure_on_the_pr_names_no_server_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with book_world(tmp_path) as world:
        number = world.open_sync_pr()
        after = world.edit_english(TENSORS, ("Every tensor has a shape.", "Tensors have shapes."))
        world.emulator.fail_next("GET", f"/{ZH}.git/info/refs", 500, times=20)
        caplog.set_level(logging.INFO)
        outcome = run_sync(
            world.services, SyncJob(SOURCE, ZH, "zh", INSTALLATION, "t", after=after)
        )
        assert outcome.status == "failed"
        posted = [c["body"] for c in world.emulator.comments(ZH, number)] + [
            check["output"]["summary"] for check in world.emulator.check_runs(SOURCE, after)
        ]
        [comment] = [text for text in posted if "could not" in text]
        data_dir = str(world.services.settings.data_dir)
        record = world.services.status.get(ZH, key=Tenant(INSTALLATION, SOURCE, ZH).key)
        for text in (comment, outcome.error, record["last_error"]):
            assert data_dir not in text and "mirrors" not in text and "git fetch" not in text
        error_id = ERROR_ID.search(comment).group(1)
        assert "/amts sync" in comment and "a git operation" in comment
        assert data_dir in logged_details(caplog, error_id)  # the operator has the details


def test_an_aws_refusal_names_no_account_or_role(caplog: pytest.LogCaptureFixture) -> None:
    exc = AmazonServiceError(
        "Amazon Translate",
        "StartTextTranslationJob",
        "amts-d2l-zh",
        "AccessDeniedException",
        f"User: {ROLE} is not authorized to perform: iam:PassRole",
    )
    caplog.set_level(logging.INFO)
    text = public_error(exc, "Syncing d2l-ai/d2l-zh")
    assert "123456789012" not in text and "arn:" not in text
    assert "translation engine failed" in text
    assert ROLE in logged_details(caplog, ERROR_ID.search(text).group(1))
