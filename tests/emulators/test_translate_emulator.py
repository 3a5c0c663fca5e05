"""The Translate emulator speaks the real wire protocol: plain boto3 clients drive it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .servers import (
    ROLE_ARN,
    moto_server,
    s3_client,
    translate_client,
    translate_emulator,
)
from .translate import (
    Rules,
    TranslateEmulator,
    parse_pairs,
    translate_block,
    translate_html,
    translate_plain,
)


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[str, TranslateEmulator]]:
    with moto_server() as s3_url, translate_emulator(s3_url) as emulator:
        yield s3_url, emulator


@pytest.fixture
def emulator(services: tuple[str, TranslateEmulator]) -> Iterator[TranslateEmulator]:
    services[1].reset()
    yield services[1]
    services[1].reset()


@pytest.fixture
def translate(emulator: TranslateEmulator) -> Iterator[Any]:
    client = translate_client(emulator.url, retries={"mode": "standard", "total_max_attempts": 1})
    yield client
    client.close()


@pytest.fixture
def s3(services: tuple[str, TranslateEmulator]) -> Iterator[Any]:
    client = s3_client(services[0])
    yield client
    client.close()


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"emu-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def code(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# ----------------------------------------------------------------- pseudo-translation


def test_pseudo_translation_keeps_do_not_translate_elements() -> None:
    rules = Rules("zh", terms={"saddle point": "鞍点"})
    text = 'A saddle point <span translate="no" id="p0">`saddle point`</span> here.'

    assert translate_block(text, rules) == (
        '〔zh〕A 鞍点 <span translate="no" id="p0">`saddle point`</span> here.'
    )
    assert rules.applied == {"saddle point": "鞍点"}


def test_parallel_data_match_reinserts_spans_and_blocks_are_separate() -> None:
    rules = Rules("zh", memory={"Use `x` now.": "现在用`x`。"})
    document = '<p id="s0">Use <span translate="no" id="s0p0">`x`</span> now.</p><p id="s1">Hi.</p>'

    assert translate_html(document, rules) == (
        '<p id="s0">现在用<span translate="no" id="s0p0">`x`</span>。</p><p id="s1">〔zh〕Hi.</p>'
    )


def test_plain_text_documents_are_not_html() -> None:
    assert translate_plain("a < b & c\n\nSecond line.", Rules("zh")) == (
        "〔zh〕a < b & c\n\n〔zh〕Second line."
    )


def test_data_files_in_all_three_formats() -> None:
    tmx = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>Hello.</seg></tuv><tuv xml:lang="zh"><seg>你好。</seg></tuv></tu>
</body></tmx>"""
    csv_data = 'en,zh\n"Hi, all.","大家好。"\n'
    tsv_data = 'en\tzh\n"Say ""hi""."\t说“嗨”。\n'

    assert parse_pairs(tmx.encode(), "TMX", what="t") == ("en", {"zh": {"Hello.": "你好。"}})
    assert parse_pairs(csv_data.encode(), "CSV", what="c") == (
        "en",
        {"zh": {"Hi, all.": "大家好。"}},
    )
    assert parse_pairs(tsv_data.encode(), "TSV", what="t") == (
        "en",
        {"zh": {'Say "hi".': "说“嗨”。"}},
    )


# --------------------------------------------------------------------- TranslateText


def test_translate_text_with_terminology(emulator: TranslateEmulator, translate: Any) -> None:
    translate.import_terminology(
        Name="glossary",
        MergeStrategy="OVERWRITE",
        TerminologyData={"File": "en,zh\nsaddle point,鞍点\n".encode(), "Format": "CSV"},
    )

    response = translate.translate_text(
        Text="A saddle point.",
        SourceLanguageCode="en",
        TargetLanguageCode="zh",
        TerminologyNames=["glossary"],
    )

    assert response["TranslatedText"] == "〔zh〕A 鞍点."
    assert response["AppliedTerminologies"] == [
        {"Name": "glossary", "Terms": [{"SourceText": "saddle point", "TargetText": "鞍点"}]}
    ]
    props = translate.get_terminology(Name="glossary")["TerminologyProperties"]
    assert (props["TermCount"], props["TargetLanguageCodes"]) == (1, ["zh"])
    assert [c.operation for c in emulator.calls] == [
        "ImportTerminology",
        "TranslateText",
        "GetTerminology",
    ]


def test_translate_text_over_10000_bytes_is_refused(translate: Any) -> None:
    with pytest.raises(ClientError) as raised:
        translate.translate_text(Text="深" * 3334, SourceLanguageCode="en", TargetLanguageCode="zh")

    assert code(raised) == ("TextSizeLimitExceededException", 400)
    assert "10002 bytes" in str(raised.value)


def test_unknown_terminology_is_not_found(translate: Any) -> None:
    with pytest.raises(translate.exceptions.ResourceNotFoundException):
        translate.translate_text(
            Text="Hi.", SourceLanguageCode="en", TargetLanguageCode="zh", TerminologyNames=["no"]
        )


def test_throttling_for_the_next_calls_only(emulator: TranslateEmulator, translate: Any) -> None:
    emulator.throttle("TranslateText", times=1)

    with pytest.raises(translate.exceptions.TooManyRequestsException) as raised:
        translate.translate_text(Text="Hi.", SourceLanguageCode="en", TargetLanguageCode="zh")
    assert code(raised) == ("TooManyRequestsException", 400)
    assert translate.translate_text(Text="Hi.", SourceLanguageCode="en", TargetLanguageCode="zh")
    assert emulator.errors("TranslateText") == ["TooManyRequestsException"]


def test_botocore_standard_retries_recognise_the_throttling(emulator: TranslateEmulator) -> None:
    client = translate_client(emulator.url, retries={"mode": "standard", "total_max_attempts": 2})
    emulator.throttle("TranslateText", times=1, code="ThrottlingException")

    response = client.translate_text(Text="Hi.", SourceLanguageCode="en", TargetLanguageCode="zh")
    client.close()

    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert emulator.errors("TranslateText") == ["ThrottlingException"]


# --------------------------------------------------------------------- parallel data


def test_parallel_data_lifecycle(
    emulator: TranslateEmulator, translate: Any, s3: Any, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="pd/v1.tsv", Body="en\tzh\nHello.\t你好。\n".encode())
    s3.put_object(Bucket=bucket, Key="pd/v2.tsv", Body="en\tzh\nHello.\t您好。\n".encode())
    v1 = {"S3Uri": f"s3://{bucket}/pd/v1.tsv", "Format": "TSV"}
    v2 = {"S3Uri": f"s3://{bucket}/pd/v2.tsv", "Format": "TSV"}

    assert translate.create_parallel_data(Name="pd", ParallelDataConfig=v1)["Status"] == "CREATING"
    with pytest.raises(translate.exceptions.ConflictException):
        translate.create_parallel_data(Name="pd", ParallelDataConfig=v1)
    with pytest.raises(translate.exceptions.ConcurrentModificationException):
        translate.update_parallel_data(Name="pd", ParallelDataConfig=v2)
    statuses = [translate.get_parallel_data(Name="pd")["ParallelDataProperties"] for _ in "12"]
    assert [p["Status"] for p in statuses] == ["CREATING", "ACTIVE"]
    assert statuses[1]["ImportedRecordCount"] == 1

    updated = translate.update_parallel_data(Name="pd", ParallelDataConfig=v2)
    assert (updated["Status"], updated["LatestUpdateAttemptStatus"]) == ("ACTIVE", "UPDATING")
    with pytest.raises(translate.exceptions.ConcurrentModificationException):
        translate.update_parallel_data(Name="pd", ParallelDataConfig=v2)
    assert emulator.parallel_data_pairs("pd", "zh") == {"Hello.": "你好。"}  # old data in use
    for _ in "12":
        props = translate.get_parallel_data(Name="pd")["ParallelDataProperties"]
    assert (props["Status"], props["LatestUpdateAttemptStatus"]) == ("ACTIVE", "ACTIVE")
    assert emulator.parallel_data_pairs("pd", "zh") == {"Hello.": "您好。"}


OVER = "A" + "b" * 999 + "."  # 1,001 UTF-8 bytes: one over the per-segment quota
NINE_HUNDRED = ("E" + "f" * 898 + ".", "中" * 300)  # 900 bytes each, 1,800 together
COUNTED_TSV = "\n".join(
    [
        "en\tzh",
        "Hello.\t你好。",  # imported
        f"{NINE_HUNDRED[0]}\t{NINE_HUNDRED[1]}",  # imported: the quota is per segment
        f"{OVER}\t太长了。",  # failed: a segment over 1,000 bytes
        "Only one field",  # failed: not one segment per language
        "No target.\t",  # skipped: an empty target
        "",  # skipped: an empty line
        "Bye.\t再见。",  # imported
    ]
)
COUNTED_TMX = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>Hello.</seg></tuv><tuv xml:lang="zh"><seg>你好。</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>{NINE_HUNDRED[0]}</seg></tuv>
    <tuv xml:lang="zh"><seg>{NINE_HUNDRED[1]}</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>{OVER}</seg></tuv><tuv xml:lang="zh"><seg>太长了。</seg></tuv></tu>
<tu><tuv xml:lang="zh"><seg>没有英文。</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>No target.</seg></tuv><tuv xml:lang="zh"><seg></seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Bye.</seg></tuv><tuv xml:lang="zh"><seg>再见。</seg></tuv></tu>
</body></tmx>"""


@pytest.mark.parametrize(
    ("fmt", "body", "skipped"),
    [pytest.param("TSV", COUNTED_TSV, 2, id="tsv"), pytest.param("TMX", COUNTED_TMX, 1, id="tmx")],
)
def test_parallel_data_counts_imported_skipped_and_failed_records(
    emulator: TranslateEmulator,
    translate: Any,
    s3: Any,
    bucket: str,
    fmt: str,
    body: str,
    skipped: int,
) -> None:
    """As GetParallelData reports them: empty segments or lines skipped; a segment over
    1,000 bytes or a malformed record failed; the import itself still becomes ACTIVE."""
    s3.put_object(Bucket=bucket, Key=f"pd.{fmt.lower()}", Body=body.encode())
    config = {"S3Uri": f"s3://{bucket}/pd.{fmt.lower()}", "Format": fmt}
    translate.create_parallel_data(Name="counted", ParallelDataConfig=config)
    for _ in "12":
        props = translate.get_parallel_data(Name="counted")["ParallelDataProperties"]

    assert props["Status"] == "ACTIVE"
    assert (props["ImportedRecordCount"], props["SkippedRecordCount"]) == (3, skipped)
    assert props["FailedRecordCount"] == 2
    assert emulator.parallel_data_pairs("counted", "zh") == {
        "Hello.": "你好。",
        NINE_HUNDRED[0]: NINE_HUNDRED[1],
        "Bye.": "再见。",
    }


def test_parallel_data_that_cannot_be_read_fails(translate: Any, bucket: str) -> None:
    config = {"S3Uri": f"s3://{bucket}/missing.tsv", "Format": "TSV"}
    translate.create_parallel_data(Name="broken", ParallelDataConfig=config)
    for _ in "12":
        props = translate.get_parallel_data(Name="broken")["ParallelDataProperties"]

    assert props["Status"] == "FAILED"
    assert "missing.tsv" in props["Message"]


# -------------------------------------------------------------------------- batch jobs


def start(translate: Any, bucket: str, **extra: Any) -> str:
    response = translate.start_text_translation_job(
        JobName="test-job",
        InputDataConfig={"S3Uri": f"s3://{bucket}/in/", "ContentType": "text/html"},
        OutputDataConfig={"S3Uri": f"s3://{bucket}/out/"},
        DataAccessRoleArn=ROLE_ARN,
        SourceLanguageCode="en",
        TargetLanguageCodes=["zh"],
        **extra,
    )
    assert response["JobStatus"] == "SUBMITTED"
    return response["JobId"]


def describe(translate: Any, job_id: str) -> dict[str, Any]:
    return translate.describe_text_translation_job(JobId=job_id)["TextTranslationJobProperties"]


def test_job_reads_s3_and_writes_the_documented_output_layout(
    emulator: TranslateEmulator, translate: Any, s3: Any, bucket: str
) -> None:
    s3.put_object(
        Bucket=bucket, Key="pd.tsv", Body="en\tzh\nKnown sentence.\t已知句子。\n".encode()
    )
    s3.put_object(Bucket=bucket, Key="in/a.html", Body=b'<p id="s0">Known sentence.</p>')
    s3.put_object(Bucket=bucket, Key="in/b.html", Body=b'<p id="s1">Other text.</p>')
    emulator.parallel_data_gets_until_active = 1
    config = {"S3Uri": f"s3://{bucket}/pd.tsv", "Format": "TSV"}
    translate.create_parallel_data(Name="pd", ParallelDataConfig=config)
    translate.get_parallel_data(Name="pd")

    job_id = start(translate, bucket, ParallelDataNames=["pd"])
    statuses = [describe(translate, job_id)["JobStatus"] for _ in range(3)]

    assert statuses == ["SUBMITTED", "IN_PROGRESS", "COMPLETED"]
    props = describe(translate, job_id)
    prefix = f"out/{emulator.account_id}-TranslateText-{job_id}/"
    assert props["OutputDataConfig"]["S3Uri"] == f"s3://{bucket}/{prefix}"
    assert props["JobDetails"] == {
        "TranslatedDocumentsCount": 2,
        "DocumentsWithErrorsCount": 0,
        "InputDocumentsCount": 2,
    }
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]}
    assert keys == {
        f"{prefix}zh.a.html",
        f"{prefix}zh.b.html",
        f"{prefix}details/zh.auxiliary-translation-details.json",
    }
    body = s3.get_object(Bucket=bucket, Key=f"{prefix}zh.a.html")["Body"].read().decode()
    assert body == '<p id="s0">已知句子。</p>'
    listed = translate.list_text_translation_jobs(Filter={"JobStatus": "COMPLETED"})
    assert [j["JobId"] for j in listed["TextTranslationJobPropertiesList"]] == [job_id]


def test_job_start_is_idempotent_per_client_token(translate: Any, bucket: str) -> None:
    first = start(translate, bucket, ClientToken="same-token")
    assert start(translate, bucket, ClientToken="same-token") == first


def test_eleventh_concurrent_job_is_refused(
    emulator: TranslateEmulator, translate: Any, bucket: str
) -> None:
    for _ in range(10):
        start(translate, bucket)

    with pytest.raises(translate.exceptions.LimitExceededException):
        start(translate, bucket)
    assert emulator.running_jobs() == 10


def test_failed_and_partially_failed_jobs_on_demand(
    emulator: TranslateEmulator, translate: Any, s3: Any, bucket: str
) -> None:
    for name in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=f"in/{name}.html", Body=b"<p>Text.</p>")
    emulator.job_polls = (0, 0)
    emulator.fail_next_job("FAILED", message="role cannot read input")
    emulator.fail_next_job("COMPLETED_WITH_ERROR", failed_documents=1)

    failed = describe(translate, start(translate, bucket))
    partial = describe(translate, start(translate, bucket))

    assert (failed["JobStatus"], failed["Message"]) == ("FAILED", "role cannot read input")
    assert partial["JobStatus"] == "COMPLETED_WITH_ERROR"
    assert partial["JobDetails"]["DocumentsWithErrorsCount"] == 1
    prefix = partial["OutputDataConfig"]["S3Uri"].removeprefix(f"s3://{bucket}/")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
    assert sorted(k.rsplit("/", 1)[-1] for k in keys if "/details/" not in k) == [
        "zh.a.html",
        "zh.b.html",
    ]


def test_unknown_operation_and_unknown_job(emulator: TranslateEmulator, translate: Any) -> None:
    with pytest.raises(translate.exceptions.ResourceNotFoundException):
        translate.describe_text_translation_job(JobId="nope")
    assert emulator.errors("DescribeTextTranslationJob") == ["ResourceNotFoundException"]
    with pytest.raises(ClientError) as raised:
        translate.list_terminologies()
    assert code(raised) == ("UnknownOperationException", 400)
