"""Amazon Translate behind the :class:`~amts.engines.base.Engine` interface.

Parallel data (Active Custom Translation) only steers *batch* jobs, so batch is the
default: segments go to S3 as HTML documents, one ``<p id="s<n>">`` per segment so
every answer maps back by id, protected spans travel as ``translate="no"`` elements
(:mod:`amts.placeholders`), and the job's ``<lang>.<document>`` outputs are read back.
Small inputs without parallel data use the real-time ``TranslateText`` call instead.

Every botocore error crosses into AMTS at one place, :meth:`AmazonEngine._call`, as an
:class:`AmazonServiceError` naming the operation and resource (never credentials).
Throttling is retried by botocore's standard retry mode (exponential backoff, jitter).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from amts.engines.base import Engine, Translation
from amts.errors import EngineError, InputError, PlaceholderError
from amts.glossary import Glossary, load_glossary
from amts.placeholders import Masked, mask
from amts.protect import is_protected_only

logger = logging.getLogger(__name__)

TEXT_MAX_BYTES = 10_000  # TranslateText's limit on one request's text, in UTF-8 bytes
MAX_CONCURRENT_JOBS = 10  # batch jobs an account may run at once
FINAL_JOB_STATUSES = frozenset({"COMPLETED", "COMPLETED_WITH_ERROR", "FAILED", "STOPPED"})
_BUSY_PARALLEL_DATA = frozenset({"CREATING", "UPDATING", "DELETING"})
_PARALLEL_DATA_FORMATS = {".tsv": "TSV", ".csv": "CSV", ".tmx": "TMX"}
_RESOURCE_NAME = re.compile(r"^([A-Za-z0-9-]_?)+$")
_OUTPUT_SEGMENT = re.compile(
    r"""<p\b[^>]*?\bid\s*=\s*["']?s(?P<index>\d+)["']?[^>]*>(?P<body>.*?)</p\s*>""",
    re.DOTALL | re.IGNORECASE,
)


class AmazonServiceError(EngineError):
    """An AWS call failed; ``code`` is the service's error code (``TooManyRequestsException``)."""

    def __init__(
        self,
        service: str,
        operation: str,
        resource: str,
        code: str,
        message: str,
        attempts: int = 1,
    ) -> None:
        tried = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
        super().__init__(f"{service} {operation} for {resource} failed{tried}: {code}: {message}")
        self.operation, self.resource, self.code = operation, resource, code


# ------------------------------------------------------------------------- settings

_ENV = "AMTS_AWS_"


@dataclass(frozen=True)
class AmazonSettings:
    """Where and how to call Amazon Translate; see :meth:`from_env` for the variables."""

    region: str
    bucket: str = ""
    prefix: str = "amts"
    data_access_role_arn: str = ""
    parallel_data_name: str | None = None
    parallel_data_path: Path | None = None
    terminology_name: str | None = None
    glossary: Glossary | Path | None = None
    translate_endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    realtime_max_bytes: int = 5_000
    poll_seconds: float = 15.0
    max_poll_seconds: float = 120.0
    job_timeout_seconds: float = 6 * 3600.0
    max_attempts: int = 8
    max_concurrent_jobs: int = MAX_CONCURRENT_JOBS
    document_max_bytes: int = 50_000
    segments_per_document: int = 200

    def __post_init__(self) -> None:
        if isinstance(self.parallel_data_path, str):
            object.__setattr__(self, "parallel_data_path", Path(self.parallel_data_path))
        if isinstance(self.glossary, str):
            object.__setattr__(self, "glossary", Path(self.glossary))
        object.__setattr__(self, "prefix", self.prefix.strip("/"))
        if not self.region:
            raise InputError("Amazon Translate settings: region is empty")
        for field_name in ("parallel_data_name", "terminology_name"):
            value = getattr(self, field_name)
            if value is not None and not _RESOURCE_NAME.match(value):
                raise InputError(
                    f"Amazon Translate settings: {field_name} {value!r} may only contain "
                    "letters, digits, '-' and single '_'"
                )
        if self.parallel_data_path is not None:
            if not self.parallel_data_name:
                raise InputError(
                    "Amazon Translate settings: parallel_data_path needs a parallel_data_name"
                )
            if self.parallel_data_path.suffix.lower() not in _PARALLEL_DATA_FORMATS:
                raise InputError(
                    f"{self.parallel_data_path}: parallel data must be .tsv, .csv or .tmx"
                )
        if self.glossary is not None and not self.terminology_name:
            raise InputError("Amazon Translate settings: a glossary needs a terminology_name")
        if not 1 <= self.max_concurrent_jobs <= MAX_CONCURRENT_JOBS:
            raise InputError(
                f"Amazon Translate settings: max_concurrent_jobs must be 1..{MAX_CONCURRENT_JOBS}"
            )
        positive = (
            "realtime_max_bytes",
            "poll_seconds",
            "max_poll_seconds",
            "job_timeout_seconds",
            "max_attempts",
            "document_max_bytes",
            "segments_per_document",
        )
        for field_name in positive:
            if getattr(self, field_name) <= 0:
                raise InputError(f"Amazon Translate settings: {field_name} must be positive")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AmazonSettings:
        """Settings from ``AMTS_AWS_*`` variables; credentials stay with boto3's own chain.

        Required: ``AMTS_AWS_REGION`` (or ``AWS_REGION``), ``AMTS_AWS_BUCKET``,
        ``AMTS_AWS_ROLE_ARN``. Optional: ``PREFIX``, ``PARALLEL_DATA_NAME``,
        ``PARALLEL_DATA_PATH``, ``TERMINOLOGY_NAME``, ``GLOSSARY``,
        ``TRANSLATE_ENDPOINT_URL``, ``S3_ENDPOINT_URL``, ``REALTIME_MAX_BYTES``,
        ``POLL_SECONDS``, ``JOB_TIMEOUT_SECONDS``, ``MAX_ATTEMPTS`` (all ``AMTS_AWS_``).
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(_ENV + name) or None

        def required(name: str, why: str) -> str:
            value = get(name)
            if value is None:
                raise InputError(f"{_ENV}{name} is not set: {why}")
            return value

        def number(name: str, kind: type[int] | type[float]) -> dict[str, Any]:
            value = get(name)
            if value is None:
                return {}
            try:
                return {name.lower(): kind(value)}
            except ValueError:
                raise InputError(f"{_ENV}{name}={value!r} is not a {kind.__name__}") from None

        region = get("REGION") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        if not region:
            raise InputError(f"{_ENV}REGION is not set: the AWS region of Amazon Translate")
        optional = {
            "prefix": get("PREFIX"),
            "parallel_data_name": get("PARALLEL_DATA_NAME"),
            "parallel_data_path": get("PARALLEL_DATA_PATH"),
            "terminology_name": get("TERMINOLOGY_NAME"),
            "glossary": get("GLOSSARY"),
            "translate_endpoint_url": get("TRANSLATE_ENDPOINT_URL"),
            "s3_endpoint_url": get("S3_ENDPOINT_URL"),
        }
        return cls(
            region=region,
            bucket=required("BUCKET", "the S3 bucket for batch translation inputs and outputs"),
            data_access_role_arn=required(
                "ROLE_ARN", "the IAM role Amazon Translate assumes to read and write the bucket"
            ),
            **{key: value for key, value in optional.items() if value is not None},
            **number("REALTIME_MAX_BYTES", int),
            **number("POLL_SECONDS", float),
            **number("JOB_TIMEOUT_SECONDS", float),
            **number("MAX_ATTEMPTS", int),
        )


# ------------------------------------------------------------------- batch layout


@dataclass(frozen=True)
class _Document:
    """One input document of a batch job: segments as ``<p id="s<n>">`` elements."""

    name: str
    entries: tuple[tuple[int, Masked], ...]

    def html(self) -> str:
        body = "\n".join(f'<p id="s{index}">{masked.text}</p>' for index, masked in self.entries)
        return (
            '<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n'
            f"<body>\n{body}\n</body>\n</html>\n"
        )


def _documents(texts: Sequence[str], max_bytes: int, max_segments: int) -> list[_Document]:
    documents: list[_Document] = []
    entries: list[tuple[int, Masked]] = []
    size = 0

    def flush() -> None:
        nonlocal entries, size
        if entries:
            documents.append(_Document(f"doc-{len(documents):04d}.html", tuple(entries)))
        entries, size = [], 0

    for index, text in enumerate(texts):
        masked = mask(text, id_prefix=f"s{index}p")
        length = len(masked.text.encode("utf-8"))
        if entries and (size + length > max_bytes or len(entries) >= max_segments):
            flush()
        entries.append((index, masked))
        size += length
    flush()
    return documents


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SLOTS: dict[str, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _job_slots(key: str, size: int) -> threading.BoundedSemaphore:
    """One semaphore per account endpoint in this process: at most ``size`` running jobs."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(key, threading.BoundedSemaphore(size))


# -------------------------------------------------------------------------- engine


class AmazonEngine(Engine):
    """Amazon Translate: batch jobs with parallel data and terminology, or real time."""

    name = "amazon"

    def __init__(
        self,
        settings: AmazonSettings | None = None,
        *,
        session: boto3.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__()
        if settings is None:
            settings = AmazonSettings(**options) if options else AmazonSettings.from_env()
        elif options:
            settings = dataclasses.replace(settings, **options)
        self.settings = settings
        self._sleep = sleep
        session = session or boto3.Session(region_name=settings.region)
        config = Config(
            region_name=settings.region,
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
        )
        self._translate = session.client(
            "translate", endpoint_url=settings.translate_endpoint_url, config=config
        )
        if settings.s3_endpoint_url:  # S3 emulators and gateways want path-style URLs
            config = config.merge(Config(s3={"addressing_style": "path"}))
        self._s3 = session.client("s3", endpoint_url=settings.s3_endpoint_url, config=config)
        self._resources_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._terminology_done: set[tuple[str, str]] = set()
        slot_key = f"{settings.region}|{settings.translate_endpoint_url or 'aws'}"
        self._slots = _job_slots(slot_key, settings.max_concurrent_jobs)

    def close(self) -> None:
        """Close the HTTP connection pools of both clients."""
        self._translate.close()
        self._s3.close()

    def __enter__(self) -> AmazonEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------- interface

    def translate(
        self, segments: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[Translation]:
        """Translate ``segments``; a segment whose spans did not survive comes back ``None``."""
        if not src_lang or not tgt_lang:
            raise InputError("Amazon Translate needs both src_lang and tgt_lang")
        results: dict[str, Translation] = {}
        unique: dict[str, None] = {}  # insertion-ordered set: each text is paid for once
        for segment in segments:
            if segment in results or segment in unique:
                continue
            if is_protected_only(segment):  # code, math, a bare role: nothing to pay for
                results[segment] = Translation(
                    segment, "amazon:copied", note="nothing to translate"
                )
            else:
                unique[segment] = None
        batch, realtime = self._route(list(unique))
        if realtime:
            results.update(self._translate_realtime(realtime, src_lang, tgt_lang))
        if batch:
            results.update(self._translate_batch(batch, src_lang, tgt_lang))
        return [results[segment] for segment in segments]

    def _route(self, texts: list[str]) -> tuple[list[str], list[str]]:
        """(batch, real time): parallel data or a large input means batch."""
        if not texts:
            return [], []
        if self.settings.parallel_data_path is not None:
            return texts, []
        sizes = [len(mask(text).text.encode("utf-8")) for text in texts]
        if sum(sizes) > self.settings.realtime_max_bytes:
            return texts, []
        too_long = {text for text, size in zip(texts, sizes, strict=True) if size > TEXT_MAX_BYTES}
        if too_long:
            logger.info(
                "%d segment(s) exceed TranslateText's %d bytes: sent as a batch job",
                len(too_long),
                TEXT_MAX_BYTES,
            )
        batch = [text for text in texts if text in too_long]
        return batch, [text for text in texts if text not in too_long]

    # ------------------------------------------------------------ the AWS boundary

    def _call(self, client: Any, operation: str, resource: str, **params: Any) -> dict[str, Any]:
        """Call ``operation``; botocore errors leave here as :class:`AmazonServiceError`."""
        service = "Amazon Translate" if client is self._translate else "S3"
        try:
            return getattr(client, xform_name(operation))(**params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            retries = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            raise AmazonServiceError(
                service,
                operation,
                resource,
                error.get("Code", "Unknown"),
                error.get("Message", ""),
                retries + 1,
            ) from exc
        except BotoCoreError as exc:
            raise AmazonServiceError(
                service, operation, resource, type(exc).__name__, str(exc)
            ) from exc

    def _count(self, texts: Sequence[str]) -> None:
        with self._count_lock:
            self.chars_sent += sum(len(text) for text in texts)

    # ------------------------------------------------------------------- real time

    def _translate_realtime(self, texts: list[str], src: str, tgt: str) -> dict[str, Translation]:
        terminology = self._ensure_terminology(src, tgt)
        results = {}
        for text in texts:
            masked = mask(text)
            params: dict[str, Any] = {
                "Text": masked.text,
                "SourceLanguageCode": src,
                "TargetLanguageCode": tgt,
            }
            if terminology:
                params["TerminologyNames"] = terminology
            response = self._call(
                self._translate, "TranslateText", f"segment {_short(text)!r}", **params
            )
            self._count([text])
            results[text] = _restore(masked, response["TranslatedText"], "amazon:realtime")
        return results

    # ----------------------------------------------------------------- resources

    def _ensure_terminology(self, src: str, tgt: str) -> list[str]:
        """Names to pass as ``TerminologyNames``; imports the glossary once per language pair."""
        settings = self.settings
        if not settings.terminology_name:
            return []
        names = [settings.terminology_name]
        if settings.glossary is None:
            return names  # a terminology someone imported already
        with self._resources_lock:
            if (src, tgt) in self._terminology_done:
                return names
            if isinstance(settings.glossary, Glossary):
                glossary = settings.glossary
                if (glossary.src_lang, glossary.tgt_lang) != (src, tgt):
                    raise InputError(
                        f"glossary is {glossary.src_lang}→{glossary.tgt_lang} but the "
                        f"translation is {src}→{tgt}"
                    )
            else:
                glossary = load_glossary(settings.glossary, src_lang=src, tgt_lang=tgt)
            data = glossary.to_csv().encode("utf-8")
            self._call(
                self._translate,
                "ImportTerminology",
                f"terminology {settings.terminology_name}",
                Name=settings.terminology_name,
                MergeStrategy="OVERWRITE",
                Description=f"AMTS glossary, {len(glossary)} terms",
                TerminologyData={"File": data, "Format": "CSV", "Directionality": "UNI"},
            )
            logger.info(
                "imported %d glossary terms as terminology %s",
                len(glossary),
                settings.terminology_name,
            )
            self._terminology_done.add((src, tgt))
        return names

    def _ensure_parallel_data(self, src: str, tgt: str) -> list[str]:
        """Create or update the parallel data resource from the file, and wait until ACTIVE.

        The file's SHA-256 is kept in the resource's description, so an unchanged file
        costs one ``GetParallelData`` and no re-import.
        """
        settings = self.settings
        path, name = settings.parallel_data_path, settings.parallel_data_name
        if path is None or name is None:
            return []
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read parallel data ({exc.strerror})") from exc
        digest = hashlib.sha256(data).hexdigest()
        marker = f"AMTS parallel data sha256={digest}"
        with self._resources_lock:
            uri = None
            created = False
            if self._get_parallel_data(name) is None:
                uri = self._upload_parallel_data(path, name, digest, data)
                created = self._create_parallel_data(name, uri, _format(path), marker)
            if not created:
                props = self._settled_parallel_data(name)
                fresh = (
                    props.get("Description") == marker
                    and props.get("Status") == "ACTIVE"
                    and props.get("LatestUpdateAttemptStatus", "ACTIVE") == "ACTIVE"
                )
                if fresh:
                    logger.debug("parallel data %s is up to date", name)
                else:
                    uri = uri or self._upload_parallel_data(path, name, digest, data)
                    self._update_parallel_data(name, uri, _format(path), marker)
            props = self._settled_parallel_data(name)
        if props.get("Status") != "ACTIVE" or props.get("LatestUpdateAttemptStatus") == "FAILED":
            raise EngineError(
                f"parallel data {name} from {path} could not be imported "
                f"(status {props.get('Status')}, latest update "
                f"{props.get('LatestUpdateAttemptStatus', '-')}): {props.get('Message', '')}"
            )
        if tgt not in props.get("TargetLanguageCodes", [tgt]):
            raise InputError(
                f"{path}: parallel data {name} has no {tgt!r} column "
                f"(it has {', '.join(props.get('TargetLanguageCodes', []))})"
            )
        return [name]

    def _create_parallel_data(self, name: str, uri: str, fmt: str, marker: str) -> bool:
        """CreateParallelData; False when another process created it first."""
        try:
            self._call(
                self._translate,
                "CreateParallelData",
                f"parallel data {name}",
                Name=name,
                Description=marker,
                ClientToken=uuid.uuid4().hex,
                ParallelDataConfig={"S3Uri": uri, "Format": fmt},
            )
        except AmazonServiceError as exc:
            if exc.code != "ConflictException":
                raise
            logger.info("parallel data %s was created elsewhere meanwhile", name)
            return False
        logger.info("creating parallel data %s from %s", name, uri)
        return True

    def _get_parallel_data(self, name: str) -> dict[str, Any] | None:
        try:
            response = self._call(
                self._translate, "GetParallelData", f"parallel data {name}", Name=name
            )
        except AmazonServiceError as exc:
            if exc.code == "ResourceNotFoundException":
                return None
            raise
        return response["ParallelDataProperties"]

    def _settled_parallel_data(self, name: str) -> dict[str, Any]:
        """Poll until neither the resource nor its latest update attempt is in flight."""
        deadline = time.monotonic() + self.settings.job_timeout_seconds
        delay = self.settings.poll_seconds
        while True:
            props = self._get_parallel_data(name)
            if props is None:
                raise EngineError(f"parallel data {name} disappeared while AMTS waited for it")
            busy = {props.get("Status"), props.get("LatestUpdateAttemptStatus")}
            if not busy & _BUSY_PARALLEL_DATA:
                return props
            if time.monotonic() + delay > deadline:
                raise EngineError(
                    f"parallel data {name} still {props.get('Status')}/"
                    f"{props.get('LatestUpdateAttemptStatus', '-')} after "
                    f"{self.settings.job_timeout_seconds:g}s"
                )
            self._sleep(delay)
            delay = min(delay * 1.5, self.settings.max_poll_seconds)

    def _update_parallel_data(self, name: str, uri: str, fmt: str, marker: str) -> None:
        """UpdateParallelData; if another update got in first, wait for it and try again."""
        for attempt in range(3):
            try:
                self._call(
                    self._translate,
                    "UpdateParallelData",
                    f"parallel data {name}",
                    Name=name,
                    Description=marker,
                    ClientToken=uuid.uuid4().hex,
                    ParallelDataConfig={"S3Uri": uri, "Format": fmt},
                )
                logger.info("updating parallel data %s", name)
                return
            except AmazonServiceError as exc:
                in_flight = exc.code in ("ConcurrentModificationException", "ConflictException")
                if not in_flight or attempt == 2:
                    raise
                logger.info("parallel data %s is being modified elsewhere; waiting", name)
                self._settled_parallel_data(name)

    def _upload_parallel_data(self, path: Path, name: str, digest: str, data: bytes) -> str:
        key = self._key("parallel-data", name, f"{digest[:16]}{path.suffix.lower()}")
        self._put(key, data, "text/plain; charset=utf-8")
        return f"s3://{self.settings.bucket}/{key}"

    # ---------------------------------------------------------------------- batch

    def _key(self, *parts: str) -> str:
        return "/".join(part for part in (self.settings.prefix, *parts) if part)

    def _put(self, key: str, body: bytes, content_type: str) -> None:
        self._call(
            self._s3,
            "PutObject",
            f"s3://{self.settings.bucket}/{key}",
            Bucket=self.settings.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
        )

    def _require_batch_settings(self) -> None:
        if not self.settings.bucket:
            raise InputError(f"batch translation needs an S3 bucket ({_ENV}BUCKET)")
        if not self.settings.data_access_role_arn:
            raise InputError(f"batch translation needs a data access role ({_ENV}ROLE_ARN)")

    def _translate_batch(self, texts: list[str], src: str, tgt: str) -> dict[str, Translation]:
        self._require_batch_settings()
        settings = self.settings
        terminology = self._ensure_terminology(src, tgt)
        parallel_data = self._ensure_parallel_data(src, tgt)
        run = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:8]}"
        documents = _documents(texts, settings.document_max_bytes, settings.segments_per_document)
        for document in documents:
            self._put(
                self._key("jobs", run, "input", document.name),
                document.html().encode("utf-8"),
                "text/html; charset=utf-8",
            )
        request: dict[str, Any] = {
            "JobName": f"amts-{src}-{tgt}-{run}",
            "InputDataConfig": {
                "S3Uri": f"s3://{settings.bucket}/{self._key('jobs', run, 'input')}/",
                "ContentType": "text/html",
            },
            "OutputDataConfig": {
                "S3Uri": f"s3://{settings.bucket}/{self._key('jobs', run, 'output')}/"
            },
            "DataAccessRoleArn": settings.data_access_role_arn,
            "SourceLanguageCode": src,
            "TargetLanguageCodes": [tgt],
            "ClientToken": uuid.uuid4().hex,
        }
        if terminology:
            request["TerminologyNames"] = terminology
        if parallel_data:
            request["ParallelDataNames"] = parallel_data
        props = self._run_job(request, texts)
        return self._collect(props, documents, texts, tgt, request)

    def _run_job(self, request: dict[str, Any], texts: list[str]) -> dict[str, Any]:
        """Start the job within this process's share of concurrent jobs; wait until final."""
        name = request["JobName"]
        deadline = time.monotonic() + self.settings.job_timeout_seconds
        if not self._slots.acquire(timeout=self.settings.job_timeout_seconds):
            raise EngineError(
                f"batch job {name} not started: {self.settings.max_concurrent_jobs} jobs of "
                f"this process kept running for {self.settings.job_timeout_seconds:g}s"
            )
        try:
            job_id = self._start_job(request, deadline)
            self._count(texts)
            logger.info("batch job %s (%s) started: %d segments", job_id, name, len(texts))
            return self._wait_for_job(job_id, name, deadline)
        finally:
            self._slots.release()

    def _start_job(self, request: dict[str, Any], deadline: float) -> str:
        """StartTextTranslationJob, waiting while the account is at its concurrent job limit."""
        delay = self.settings.poll_seconds
        while True:
            try:
                response = self._call(
                    self._translate,
                    "StartTextTranslationJob",
                    f"job {request['JobName']}",
                    **request,
                )
                return response["JobId"]
            except AmazonServiceError as exc:
                if exc.code != "LimitExceededException" or time.monotonic() + delay > deadline:
                    raise
                logger.info(
                    "account at its batch job limit; retrying %s in %.1fs",
                    request["JobName"],
                    delay,
                )
                self._sleep(delay)
                delay = min(delay * 2, self.settings.max_poll_seconds)

    def _wait_for_job(self, job_id: str, name: str, deadline: float) -> dict[str, Any]:
        delay = self.settings.poll_seconds
        while True:
            response = self._call(
                self._translate,
                "DescribeTextTranslationJob",
                f"job {job_id} ({name})",
                JobId=job_id,
            )
            props = response["TextTranslationJobProperties"]
            status = props["JobStatus"]
            if status in FINAL_JOB_STATUSES:
                return props
            if time.monotonic() + delay > deadline:
                raise EngineError(
                    f"batch job {job_id} ({name}) still {status} after "
                    f"{self.settings.job_timeout_seconds:g}s; it keeps running: stop it with "
                    f"'aws translate stop-text-translation-job --job-id {job_id}'"
                )
            self._sleep(delay)
            delay = min(delay * 1.5, self.settings.max_poll_seconds)

    def _collect(
        self,
        props: dict[str, Any],
        documents: list[_Document],
        texts: list[str],
        tgt: str,
        request: dict[str, Any],
    ) -> dict[str, Translation]:
        """Read the job's ``<tgt>.<document>`` outputs and restore each segment."""
        job_id, status = props["JobId"], props["JobStatus"]
        message = props.get("Message") or "no message"
        if status in ("FAILED", "STOPPED"):
            raise EngineError(f"batch job {job_id} ({request['JobName']}) {status}: {message}")
        outputs = self._output_files(request["OutputDataConfig"]["S3Uri"])
        results: dict[str, Translation] = {}
        for document in documents:
            key = outputs.get(f"{tgt}.{document.name}")
            if key is None:
                why = f"job {job_id} returned no {tgt}.{document.name} ({status}: {message})"
                for index, _ in document.entries:
                    results[texts[index]] = Translation(None, "amazon:batch", note=why)
                continue
            body = self._read(key)
            results.update(self._restore_document(document, body, texts, job_id))
        ok = sum(result.ok for result in results.values())
        if status == "COMPLETED_WITH_ERROR":
            if not any(outputs.get(f"{tgt}.{d.name}") for d in documents):
                raise EngineError(f"batch job {job_id} {status} with no output: {message}")
            logger.warning(
                "batch job %s %s: %d of %d segments flagged: %s",
                job_id,
                status,
                len(results) - ok,
                len(results),
                message,
            )
        logger.info(
            "batch job %s %s: %d of %d segments translated", job_id, status, ok, len(results)
        )
        return results

    def _output_files(self, output_uri: str) -> dict[str, str]:
        """Output file name → key, anywhere under the output prefix.

        The service writes into ``<AccountId>-TranslateText-<JobId>/`` below the prefix.
        """
        bucket, prefix = _split_s3_uri(output_uri)
        files: dict[str, str] = {}
        token: dict[str, str] = {}
        while True:
            page = self._call(
                self._s3, "ListObjectsV2", output_uri, Bucket=bucket, Prefix=prefix, **token
            )
            for item in page.get("Contents", []):
                if "/details/" not in item["Key"]:
                    files[item["Key"].rsplit("/", 1)[-1]] = item["Key"]
            if not page.get("IsTruncated"):
                return files
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def _read(self, key: str) -> str:
        uri = f"s3://{self.settings.bucket}/{key}"
        body = self._call(self._s3, "GetObject", uri, Bucket=self.settings.bucket, Key=key)["Body"]
        try:
            return body.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EngineError(f"{uri}: translation output is not UTF-8") from exc
        finally:
            body.close()

    @staticmethod
    def _restore_document(
        document: _Document, body: str, texts: list[str], job_id: str
    ) -> dict[str, Translation]:
        found: dict[int, list[str]] = {}
        for match in _OUTPUT_SEGMENT.finditer(body):
            found.setdefault(int(match["index"]), []).append(match["body"])
        results = {}
        for index, masked in document.entries:
            bodies = found.get(index, [])
            if len(bodies) != 1:
                problem = "missing from" if not bodies else f"found {len(bodies)} times in"
                note = f"segment s{index} {problem} {document.name} of job {job_id}"
                results[texts[index]] = Translation(None, "amazon:batch", note=note)
            else:
                results[texts[index]] = _restore(masked, bodies[0].strip(), "amazon:batch")
        return results


def _restore(masked: Masked, translated: str, origin: str) -> Translation:
    try:
        return Translation(masked.unmask(translated), origin)
    except PlaceholderError as exc:
        logger.warning("%s: flagged: %s", origin, exc)
        return Translation(None, origin, note=str(exc))


def _format(path: Path) -> str:
    return _PARALLEL_DATA_FORMATS[path.suffix.lower()]
