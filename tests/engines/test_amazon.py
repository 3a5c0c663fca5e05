"""AmazonEngine against real boto3, moto's S3 server and the local Translate emulator."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amts.align.glossary import Glossary
from amts.engines import create_engine
from amts.engines.amazon import AmazonEngine, AmazonServiceError, AmazonSettings
from amts.errors import EngineError, InputError
from tests.emulators.servers import CREDENTIALS, REGION, ROLE_ARN, session, translate_client
from tests.emulators.translate import TranslateEmulator

MakeEngine = Callable[..., AmazonEngine]

GLOSSARY = Glossary((("saddle point", "鞍点"), ("deep learning", "深度学习")), "en", "zh")
SEGMENTS = [
    "A saddle point of `f(x)` is not a minimum.",
    "We plot $x < y$ & $y > 0$ in :numref:`fig_saddle`.",
    "[**Deep learning**] is described at https://d2l.ai/index.html.",
]
KNOWN = "Gradient descent follows the negative gradient of `loss`."
KNOWN_ZH = "梯度下降沿着`loss`的负梯度方向。"


def ops(emulator: TranslateEmulator) -> list[str]:
    return [call.operation for call in emulator.calls]


def write_pairs(path: Path, pairs: list[tuple[str, str]]) -> Path:
    lines = ["en\tzh", *(f"{src}\t{tgt}" for src, tgt in pairs)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def parallel_file(tmp_path: Path) -> Path:
    return write_pairs(tmp_path / "parallel.tsv", [(KNOWN, KNOWN_ZH)])


# ------------------------------------------------------------------------ real time


def test_realtime_translation_applies_terminology(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(terminology_name="d2l-glossary", glossary=GLOSSARY)

    results = engine.translate(SEGMENTS, src_lang="en", tgt_lang="zh")

    assert [r.origin for r in results] == ["amazon:realtime"] * 3
    assert results[0].text == "〔zh〕A 鞍点 of `f(x)` is not a minimum."
    assert results[1].text == "〔zh〕We plot $x < y$ & $y > 0$ in :numref:`fig_saddle`."
    assert results[2].text == "〔zh〕[**深度学习**] is described at https://d2l.ai/index.html."
    (imported,) = emulator.requests("ImportTerminology")
    assert imported["Name"] == "d2l-glossary"
    assert imported["MergeStrategy"] == "OVERWRITE"
    assert imported["TerminologyData"]["Format"] == "CSV"
    csv_text = base64.b64decode(imported["TerminologyData"]["File"]).decode("utf-8")
    assert csv_text.splitlines()[:2] == ["en,zh", "saddle point,鞍点"]
    sent = emulator.requests("TranslateText")
    assert len(sent) == 3
    assert all(p["TerminologyNames"] == ["d2l-glossary"] for p in sent)
    assert all((p["SourceLanguageCode"], p["TargetLanguageCode"]) == ("en", "zh") for p in sent)
    assert sent[1]["Text"] == (
        'We plot <span translate="no" id="p0">$x &lt; y$</span> &amp; '
        '<span translate="no" id="p1">$y &gt; 0$</span> in '
        '<span translate="no" id="p2">:numref:`fig_saddle`</span>.'
    )
    assert "StartTextTranslationJob" not in ops(emulator)
    assert engine.chars_sent == sum(len(s) for s in SEGMENTS)


def test_nothing_translatable_is_copied_and_duplicates_sent_once(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine()
    segments = ["`np.zeros(3)`", "$\\mathbf{x}$", "Hello world.", "Hello world."]

    results = engine.translate(segments, src_lang="en", tgt_lang="zh")

    assert [r.text for r in results[:2]] == segments[:2]
    assert {r.origin for r in results[:2]} == {"amazon:copied"}
    assert results[2] == results[3]
    assert [p["Text"] for p in emulator.requests("TranslateText")] == ["Hello world."]
    assert engine.chars_sent == len("Hello world.")


def test_too_long_segment_goes_to_batch_never_over_10000_bytes(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(realtime_max_bytes=100_000)
    long_segment = " ".join(f"Sentence {i} uses `x{i}` and talks at length." for i in range(300))
    assert len(long_segment.encode()) > 10_000

    results = engine.translate(["Short one.", long_segment], src_lang="en", tgt_lang="zh")

    assert results[0].origin == "amazon:realtime"
    assert results[1].origin == "amazon:batch"
    assert results[1].text == "〔zh〕" + long_segment
    assert all(len(p["Text"].encode()) <= 10_000 for p in emulator.requests("TranslateText"))
    assert [p["Text"] for p in emulator.requests("TranslateText")] == ["Short one."]
    assert len(emulator.requests("StartTextTranslationJob")) == 1


# ----------------------------------------------------------------------------- batch


def test_batch_job_uses_parallel_data_and_terminology(
    make_engine: MakeEngine, emulator: TranslateEmulator, s3: Any, bucket: str, parallel_file: Path
) -> None:
    emulator.parallel_data_gets_until_active = 3
    engine = make_engine(
        parallel_data_name="d2l-zh",
        parallel_data_path=parallel_file,
        terminology_name="d2l-glossary",
        glossary=GLOSSARY,
    )

    results = engine.translate([KNOWN, *SEGMENTS], src_lang="en", tgt_lang="zh")

    assert results[0].text == KNOWN_ZH  # only the parallel data knows this translation
    assert results[1].text == "〔zh〕A 鞍点 of `f(x)` is not a minimum."
    assert results[2].text == "〔zh〕We plot $x < y$ & $y > 0$ in :numref:`fig_saddle`."
    assert {r.origin for r in results} == {"amazon:batch"}
    assert engine.chars_sent == len(KNOWN) + sum(len(s) for s in SEGMENTS)

    (created,) = emulator.requests("CreateParallelData")
    assert created["Name"] == "d2l-zh"
    assert created["ParallelDataConfig"]["Format"] == "TSV"
    assert created["ParallelDataConfig"]["S3Uri"].startswith(f"s3://{bucket}/amts/parallel-data/")
    statuses = [
        c.response["ParallelDataProperties"]["Status"]
        for c in emulator.calls
        if c.operation == "GetParallelData" and c.response
    ]
    assert statuses == ["CREATING", "CREATING", "ACTIVE"]
    operations = ops(emulator)
    last_get = len(operations) - 1 - operations[::-1].index("GetParallelData")
    assert operations.index("StartTextTranslationJob") > last_get  # waited for ACTIVE

    (job,) = emulator.requests("StartTextTranslationJob")
    assert job["ParallelDataNames"] == ["d2l-zh"]
    assert job["TerminologyNames"] == ["d2l-glossary"]
    assert job["InputDataConfig"]["ContentType"] == "text/html"
    assert job["DataAccessRoleArn"] == ROLE_ARN
    assert job["TargetLanguageCodes"] == ["zh"]
    input_prefix = job["InputDataConfig"]["S3Uri"].removeprefix(f"s3://{bucket}/")
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=input_prefix)["Contents"]
    document = s3.get_object(Bucket=bucket, Key=listing[0]["Key"])["Body"].read().decode()
    assert '<p id="s0">Gradient descent follows the negative gradient of <span' in document
    assert '<p id="s1">A saddle point of <span translate="no" id="s1p0">`f(x)`</span>' in document
    statuses = [
        c.response["TextTranslationJobProperties"]["JobStatus"]
        for c in emulator.calls
        if c.operation == "DescribeTextTranslationJob" and c.response
    ]
    assert statuses == ["SUBMITTED", "IN_PROGRESS", "COMPLETED"]


def test_parallel_data_created_then_updated_only_when_the_file_changes(
    make_engine: MakeEngine, emulator: TranslateEmulator, parallel_file: Path
) -> None:
    engine = make_engine(parallel_data_name="d2l-zh", parallel_data_path=parallel_file)
    engine.translate([KNOWN], src_lang="en", tgt_lang="zh")
    engine.translate([KNOWN], src_lang="en", tgt_lang="zh")
    assert len(emulator.requests("CreateParallelData")) == 1
    assert emulator.requests("UpdateParallelData") == []  # same file: nothing to re-import

    newer = "Momentum accumulates past gradients."
    write_pairs(parallel_file, [(KNOWN, KNOWN_ZH), (newer, "动量累积过去的梯度。")])
    results = engine.translate([newer], src_lang="en", tgt_lang="zh")

    (update,) = emulator.requests("UpdateParallelData")
    assert update["Name"] == "d2l-zh"
    assert (
        update["ParallelDataConfig"]["S3Uri"]
        != emulator.requests("CreateParallelData")[0]["ParallelDataConfig"]["S3Uri"]
    )
    assert results[0].text == "动量累积过去的梯度。"  # the job saw the updated data
    after_update = emulator.calls[
        next(i for i, c in enumerate(emulator.calls) if c.operation == "UpdateParallelData") :
    ]
    attempts = [
        c.response["ParallelDataProperties"].get("LatestUpdateAttemptStatus")
        for c in after_update
        if c.operation == "GetParallelData"
    ]
    assert attempts == ["UPDATING", "ACTIVE"]
    assert len(emulator.requests("StartTextTranslationJob")) == 3


def test_records_the_service_refused_are_logged_and_noted(
    make_engine: MakeEngine,
    emulator: TranslateEmulator,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After create and after update, GetParallelData's counts reach the log and the
    engine's notes; a clean import is logged only."""
    over = "A" + "b" * 999 + "."  # 1,001 bytes: over Amazon's per-segment quota
    path = write_pairs(tmp_path / "pd.tsv", [(KNOWN, KNOWN_ZH), (over, "太长了。"), ("Empty.", "")])
    engine = make_engine(parallel_data_name="d2l-zh", parallel_data_path=path)

    with caplog.at_level("INFO", logger="amts.engines.amazon"):
        results = engine.translate([KNOWN], src_lang="en", tgt_lang="zh")

    assert results[0].text == KNOWN_ZH  # the import is ACTIVE and steers the job
    created = (
        "parallel data d2l-zh created: Amazon Translate imported 1 records, skipped 1, failed 1"
    )
    assert engine.notes == [created]
    assert (created, "WARNING") in [(r.getMessage(), r.levelname) for r in caplog.records]

    caplog.clear()
    write_pairs(path, [(KNOWN, KNOWN_ZH), ("Momentum.", "动量。")])
    with caplog.at_level("INFO", logger="amts.engines.amazon"):
        engine.translate(["Momentum."], src_lang="en", tgt_lang="zh")

    updated = (
        "parallel data d2l-zh updated: Amazon Translate imported 2 records, skipped 0, "
        "failed 0 (latest update ACTIVE)"
    )
    assert engine.notes == [created]  # nothing refused: nothing for the reviewer
    assert (updated, "INFO") in [(r.getMessage(), r.levelname) for r in caplog.records]


def test_the_service_message_ends_the_note(
    make_engine: MakeEngine, emulator: TranslateEmulator, tmp_path: Path
) -> None:
    """What the service says about a partly refused file (its ``Message``) ends the note."""
    path = write_pairs(tmp_path / "pd.tsv", [(KNOWN, KNOWN_ZH), ("Empty.", "")])
    engine = make_engine(parallel_data_name="d2l-zh", parallel_data_path=path)
    emulator.explain_next_import("1 record skipped: empty target text")
    engine.translate([KNOWN], src_lang="en", tgt_lang="zh")
    assert engine.notes == [
        "parallel data d2l-zh created: Amazon Translate imported 1 records, skipped 1, "
        "failed 0: 1 record skipped: empty target text"
    ]


def test_never_starts_a_second_update_while_one_is_in_flight(
    make_engine: MakeEngine,
    emulator: TranslateEmulator,
    translate_service: TranslateEmulator,
    s3: Any,
    bucket: str,
    tmp_path: Path,
) -> None:
    emulator.parallel_data_gets_until_active = 1
    other = translate_client(translate_service.url, retries={"max_attempts": 1})
    s3.put_object(Bucket=bucket, Key="other.tsv", Body=b"en\tzh\nOld.\t\xe6\x97\xa7\xe3\x80\x82\n")
    config = {"S3Uri": f"s3://{bucket}/other.tsv", "Format": "TSV"}
    other.create_parallel_data(Name="d2l-zh", ParallelDataConfig=config)
    other.get_parallel_data(Name="d2l-zh")  # now ACTIVE
    emulator.parallel_data_gets_until_active = 3
    other.update_parallel_data(Name="d2l-zh", ParallelDataConfig=config)  # in flight
    other.close()

    path = write_pairs(tmp_path / "mine.tsv", [(KNOWN, KNOWN_ZH)])
    engine = make_engine(parallel_data_name="d2l-zh", parallel_data_path=path)
    results = engine.translate([KNOWN], src_lang="en", tgt_lang="zh")

    assert results[0].text == KNOWN_ZH
    assert emulator.errors("UpdateParallelData") == []  # no ConcurrentModificationException
    assert len(emulator.requests("UpdateParallelData")) == 2  # theirs, then ours
    engine_update = [i for i, c in enumerate(emulator.calls) if c.operation == "UpdateParallelData"]
    before_ours = [
        c.response["ParallelDataProperties"].get("LatestUpdateAttemptStatus")
        for c in emulator.calls[: engine_update[1]]
        if c.operation == "GetParallelData" and c.response
    ]
    assert before_ours[-1] == "ACTIVE"


@pytest.mark.parametrize("mode", ["batch", "realtime"])
def test_a_broken_placeholder_flags_only_its_segment(
    make_engine: MakeEngine, emulator: TranslateEmulator, mode: str
) -> None:
    engine = make_engine(realtime_max_bytes=1 if mode == "batch" else 5_000)
    emulator.corrupt_placeholders("is not a minimum")

    results = engine.translate(SEGMENTS, src_lang="en", tgt_lang="zh")

    assert results[0].text is None
    assert results[0].origin == f"amazon:{mode}"
    assert "placeholder" in results[0].note and "`f(x)`" in results[0].note
    assert "missing" in results[0].note
    assert results[1].ok and results[2].ok
    assert results[1].text == "〔zh〕We plot $x < y$ & $y > 0$ in :numref:`fig_saddle`."


def test_failed_job_raises_with_job_id_and_message(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(realtime_max_bytes=1)
    emulator.fail_next_job("FAILED", message="The data access role cannot read the bucket")

    with pytest.raises(EngineError) as raised:
        engine.translate(SEGMENTS, src_lang="en", tgt_lang="zh")

    job_id = emulator.requests("DescribeTextTranslationJob")[0]["JobId"]
    assert job_id in str(raised.value)
    assert "FAILED" in str(raised.value)
    assert "cannot read the bucket" in str(raised.value)


def test_completed_with_error_keeps_what_came_back(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(realtime_max_bytes=1, segments_per_document=2)
    segments = [f"Sentence number {i} about `x{i}`." for i in range(5)]
    emulator.fail_next_job("COMPLETED_WITH_ERROR", failed_documents=1)

    results = engine.translate(segments, src_lang="en", tgt_lang="zh")

    assert [r.text for r in results[:4]] == [f"〔zh〕{s}" for s in segments[:4]]
    assert results[4].text is None
    assert "doc-0002.html" in results[4].note
    assert "COMPLETED_WITH_ERROR" in results[4].note
    (job,) = emulator.requests("StartTextTranslationJob")
    assert job["InputDataConfig"]["S3Uri"].endswith("/input/")


def test_completed_with_error_and_nothing_back_raises(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(realtime_max_bytes=1)
    emulator.fail_next_job("COMPLETED_WITH_ERROR", failed_documents=99)

    with pytest.raises(EngineError, match="COMPLETED_WITH_ERROR with no output"):
        engine.translate(SEGMENTS, src_lang="en", tgt_lang="zh")


def test_job_that_never_finishes_times_out_naming_the_job(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(realtime_max_bytes=1, job_timeout_seconds=0.2)
    emulator.hold = True

    with pytest.raises(EngineError, match="still IN_PROGRESS") as raised:
        engine.translate(SEGMENTS, src_lang="en", tgt_lang="zh")

    (started,) = [c for c in emulator.calls if c.operation == "StartTextTranslationJob"]
    assert started.response is not None
    assert started.response["JobId"] in str(raised.value)


# ------------------------------------------------------------------- retries, limits


def test_throttled_call_succeeds_after_retries(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(max_attempts=3)
    emulator.throttle("TranslateText", times=2)

    results = engine.translate(["Hello world."], src_lang="en", tgt_lang="zh")

    assert results[0].text == "〔zh〕Hello world."
    assert emulator.errors("TranslateText") == ["TooManyRequestsException"] * 2
    assert len(emulator.requests("TranslateText")) == 1


def test_throttling_that_outlasts_retries_is_a_clear_engine_error(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(max_attempts=2)
    emulator.throttle("TranslateText", times=5)

    with pytest.raises(AmazonServiceError) as raised:
        engine.translate(["Hello world."], src_lang="en", tgt_lang="zh")

    message = str(raised.value)
    assert raised.value.code == "TooManyRequestsException"
    assert "TranslateText" in message and "Hello world." in message
    assert "gave up after 2 attempts" in message
    assert all(secret not in message for secret in CREDENTIALS.values())
    assert emulator.errors("TranslateText") == ["TooManyRequestsException"] * 2


def test_more_than_ten_jobs_at_once_run_ten_at_a_time(
    make_engine: MakeEngine, emulator: TranslateEmulator
) -> None:
    engine = make_engine(realtime_max_bytes=1)
    emulator.hold = True
    results: dict[int, list[Any]] = {}
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = engine.translate([f"Job {i} text."], src_lang="en", tgt_lang="zh")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    wait_for(lambda: emulator.running_jobs() == 10)
    time.sleep(0.1)  # the other two must stay out while ten run
    assert emulator.running_jobs() == 10
    assert len(emulator.requests("StartTextTranslationJob")) == 10
    emulator.hold = False
    for thread in threads:
        thread.join(timeout=10)

    assert not failures
    assert {i: r[0].text for i, r in results.items()} == {
        i: f"〔zh〕Job {i} text." for i in range(12)
    }
    assert emulator.max_running_jobs_seen == 10
    assert emulator.errors("StartTextTranslationJob") == []


def test_waits_while_the_account_is_at_its_job_limit(
    make_engine: MakeEngine, emulator: TranslateEmulator, s3: Any, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="elsewhere/a.txt", Body=b"Someone else's job.")
    other = translate_client(emulator.url)
    for i in range(10):  # another process's jobs fill the account's ten slots
        other.start_text_translation_job(
            JobName=f"other-{i}",
            InputDataConfig={"S3Uri": f"s3://{bucket}/elsewhere/", "ContentType": "text/plain"},
            OutputDataConfig={"S3Uri": f"s3://{bucket}/elsewhere-out/"},
            DataAccessRoleArn=ROLE_ARN,
            SourceLanguageCode="en",
            TargetLanguageCodes=["zh"],
        )
    other.close()
    engine = make_engine(realtime_max_bytes=1)
    outcome: list[Any] = []
    thread = threading.Thread(
        target=lambda: outcome.append(engine.translate(["Mine."], src_lang="en", tgt_lang="zh"))
    )
    thread.start()

    wait_for(lambda: "LimitExceededException" in emulator.errors("StartTextTranslationJob"))
    assert len(emulator.finish_jobs()) == 10
    thread.join(timeout=10)

    assert outcome[0][0].text == "〔zh〕Mine."
    assert len(emulator.requests("StartTextTranslationJob")) == 11


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


# -------------------------------------------------------------------------- settings


def test_settings_from_env() -> None:
    env = {
        "AMTS_AWS_REGION": "us-west-2",
        "AMTS_AWS_BUCKET": "my-bucket",
        "AMTS_AWS_ROLE_ARN": ROLE_ARN,
        "AMTS_AWS_PARALLEL_DATA_NAME": "d2l-zh",
        "AMTS_AWS_PARALLEL_DATA_PATH": "/data/zh.tsv",
        "AMTS_AWS_REALTIME_MAX_BYTES": "2000",
        "AMTS_AWS_POLL_SECONDS": "2.5",
    }
    settings = AmazonSettings.from_env(env)
    assert settings.region == "us-west-2"
    assert settings.bucket == "my-bucket"
    assert settings.parallel_data_path == Path("/data/zh.tsv")
    assert settings.realtime_max_bytes == 2000
    assert settings.poll_seconds == 2.5


@pytest.mark.parametrize(
    ("missing", "variable"),
    [("AMTS_AWS_BUCKET", "AMTS_AWS_BUCKET"), ("AMTS_AWS_ROLE_ARN", "AMTS_AWS_ROLE_ARN")],
)
def test_settings_from_env_name_the_missing_variable(missing: str, variable: str) -> None:
    env = {"AMTS_AWS_REGION": "us-west-2", "AMTS_AWS_BUCKET": "b", "AMTS_AWS_ROLE_ARN": ROLE_ARN}
    del env[missing]
    with pytest.raises(InputError, match=variable):
        AmazonSettings.from_env(env)


def test_settings_from_env_rejects_bad_numbers() -> None:
    env = {
        "AMTS_AWS_REGION": "us-west-2",
        "AMTS_AWS_BUCKET": "b",
        "AMTS_AWS_ROLE_ARN": ROLE_ARN,
        "AMTS_AWS_MAX_ATTEMPTS": "many",
    }
    with pytest.raises(InputError, match="AMTS_AWS_MAX_ATTEMPTS"):
        AmazonSettings.from_env(env)


def test_settings_reject_parallel_data_without_a_name() -> None:
    with pytest.raises(InputError, match="parallel_data_name"):
        AmazonSettings(region=REGION, parallel_data_path=Path("zh.tsv"))


def test_engine_registry_builds_the_amazon_engine(
    emulator: TranslateEmulator, s3_endpoint: str, bucket: str
) -> None:
    engine = create_engine(
        "amazon",
        session=session(),
        region=REGION,
        bucket=bucket,
        data_access_role_arn=ROLE_ARN,
        translate_endpoint_url=emulator.url,
        s3_endpoint_url=s3_endpoint,
    )
    assert isinstance(engine, AmazonEngine)
    with engine:
        assert engine.translate(["Hi there."], src_lang="en", tgt_lang="zh")[0].ok


def test_records_the_service_refused_reach_the_update_report(
    make_engine: MakeEngine, emulator: TranslateEmulator, tmp_path: Path
) -> None:
    """The reviewer sees what Amazon refused of the parallel data in the file's report."""
    from amts.book.document import parse
    from amts.update import Updater

    path = write_pairs(tmp_path / "pd.tsv", [(KNOWN, KNOWN_ZH), ("Empty.", "")])
    engine = make_engine(parallel_data_name="d2l-zh", parallel_data_path=path)
    updater = Updater("en", "zh", engine, evaluate=0)
    old = parse("# Intro\n\nThe book starts here.\n")
    new = parse(f"# Intro\n\nThe book starts here.\n\n{KNOWN}\n")
    _, report = updater.update(old, new, parse("# 介绍\n\n本书从这里开始。\n"))
    assert any("imported 1 records, skipped 1" in note for note in report.notes)
