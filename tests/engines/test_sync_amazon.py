"""`amts sync --engine amazon` end to end: real git repositories, the real CLI, boto3
talking HTTP to moto's S3 and the Translate emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from amts.cli import main
from tests.emulators.servers import CREDENTIALS, REGION, ROLE_ARN
from tests.gitrepos import (
    BASICS,
    EXAMPLES,
    NUMEL_NEW,
    TENSORS,
    change_english,
    english_book,
    zh_book,
)

PARALLEL_DATA = "amts-en-zh"


@pytest.fixture
def books(tmp_path: Path):
    english, chinese = english_book(tmp_path), zh_book(tmp_path)
    base = english.rev("HEAD")
    to = change_english(english)
    return english, chinese, base, to


@pytest.fixture
def aws_env(monkeypatch, emulator, s3_endpoint: str, bucket: str) -> None:
    """The variables a deployment sets: AMTS's own, and boto3's credentials."""
    for name, value in {
        "AMTS_AWS_REGION": REGION,
        "AMTS_AWS_BUCKET": bucket,
        "AMTS_AWS_ROLE_ARN": ROLE_ARN,
        "AMTS_AWS_TRANSLATE_ENDPOINT_URL": emulator.url,
        "AMTS_AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AMTS_AWS_POLL_SECONDS": "0.005",
        "AMTS_AWS_MAX_ATTEMPTS": "4",
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }.items():
        monkeypatch.setenv(name, value)


def sync(english, chinese, base: str, tmp_path: Path):
    body, report = tmp_path / "body.md", tmp_path / "report.json"
    args = [
        "sync",
        "--source-repo", str(english.path),
        "--target-repo", str(chinese.path),
        "--tgt-lang", "zh",
        "--from", base,
        "--engine", "amazon",
        "--glossary", str(EXAMPLES / "zh" / "TERMINOLOGY.md"),
        "--pr-body", str(body),
        "--report", str(report),
    ]  # fmt: skip
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result, body, report


def test_amazon_sync_of_a_multi_file_change(books, aws_env, emulator, tmp_path):
    """Parallel data mined from the target repo steers one batch job for every file; the
    outputs come back with their code spans intact, and the PR body carries BLEU."""
    english, chinese, base, to = books
    result, body, report = sync(english, chinese, base, tmp_path)
    assert result.exit_code == 0, result.output

    # Parallel data: created from the translation repository's own sentence pairs.
    [create] = emulator.requests("CreateParallelData")
    assert create["Name"] == PARALLEL_DATA
    assert create["ParallelDataConfig"]["Format"] == "TSV"
    pairs = emulator.parallel_data_pairs(PARALLEL_DATA, "zh")
    assert pairs["Linear regression predicts a number from features."] == (
        "线性回归根据特征预测一个数值。"
    )
    # The glossary became custom terminology.
    [terminology] = emulator.requests("ImportTerminology")
    assert terminology["Name"] == PARALLEL_DATA

    # One batch job for the whole sync (the changed files and the quality check), with both.
    [job] = emulator.requests("StartTextTranslationJob")
    assert job["ParallelDataNames"] == [PARALLEL_DATA]
    assert job["TerminologyNames"] == [PARALLEL_DATA]
    assert job["TargetLanguageCodes"] == ["zh"]
    assert emulator.requests("DescribeTextTranslationJob")  # polled to the end
    assert not emulator.requests("TranslateText")  # parallel data works in batch jobs only

    # The new sentence came back from the job, its code span untouched.
    branch = f"amts/sync-{to[:8]}"
    tensors = chinese.show(branch, TENSORS).decode()
    translated = next(line for line in tensors.splitlines() if "numel" in line)
    assert translated.startswith("〔zh〕")
    assert "`numel`" in translated
    assert "我们可以用`numel`检查元素的数量。" not in tensors  # the stale sentence went
    assert "形状可以通过属性获得。" in tensors  # untouched human text stayed

    data = json.loads(report.read_text())
    origins = [
        (sentence["origin"], sentence["detail"])
        for file in data["reports"]
        for change in file["changes"]
        for sentence in change["sentences"]
        if sentence["source"] == NUMEL_NEW
    ]
    assert origins == [("engine", "amazon:batch")]
    text = body.read_text()
    assert "BLEU = " in text and "tok:zh" in text  # the engine scored on held-out sentences
    assert "amazon" in text
    for secret in CREDENTIALS.values():
        assert secret not in result.output + text + report.read_text()


def test_failed_job_skips_the_files_that_needed_it(books, aws_env, emulator, tmp_path):
    """A FAILED batch job ends with a clear note; files that did not need it are carried,
    the others wait for the next sync in the state file."""
    english, chinese, base, to = books
    emulator.fail_next_job("FAILED", message=f"Access denied to {ROLE_ARN} (emulated)")
    result, body, report = sync(english, chinese, base, tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    status = {file["path"]: (file["status"], file["note"]) for file in data["files"]}
    assert status[TENSORS][0] == "skipped"
    assert "the translation engine failed" in status[TENSORS][1]
    # The report and the PR body are published: the service's message (account, role)
    # stays in the log (issue 11, item 7).
    assert ROLE_ARN not in report.read_text() + body.read_text()
    assert status[f"{BASICS}/linear.md"][0] == "deleted"  # no engine needed: carried
    branch = f"amts/sync-{to[:8]}"
    assert chinese.show(branch, TENSORS) == chinese.show("HEAD", TENSORS)  # not half-written
    state = json.loads(chinese.show(branch, ".amts/state.json"))
    assert TENSORS in [pending["path"] for pending in state["pending"]]


def test_throttled_calls_are_retried(books, aws_env, emulator, tmp_path):
    """Throttling answers are retried with backoff; the sync succeeds."""
    english, chinese, base, _ = books
    emulator.throttle("StartTextTranslationJob", times=2)
    emulator.throttle("DescribeTextTranslationJob", times=1)
    result, _, _ = sync(english, chinese, base, tmp_path)
    assert result.exit_code == 0, result.output
    assert emulator.errors("StartTextTranslationJob") == ["TooManyRequestsException"] * 2
    assert emulator.errors("DescribeTextTranslationJob") == ["TooManyRequestsException"]
    assert len(emulator.requests("StartTextTranslationJob")) == 1
