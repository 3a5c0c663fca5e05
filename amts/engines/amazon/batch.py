"""Batch translation: documents to S3, one StartTextTranslationJob, outputs read back.

Batch is the only mode in which parallel data (Active Custom Translation) steers the
translation, which is why it is the default. Jobs are slow and an account may run only
a few at once, so each process keeps to its share (a semaphore per account endpoint),
waits politely when the account is at its limit, and polls with a growing delay.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from amts.engines.amazon.client import AmazonServiceError, AwsClients
from amts.engines.amazon.polling import Backoff
from amts.engines.amazon.resources import Resources
from amts.engines.amazon.segments import Document, documents, restore_document
from amts.engines.amazon.settings import ENV_PREFIX, AmazonSettings
from amts.engines.amazon.storage import Bucket
from amts.engines.base import Translation
from amts.errors import EngineError, InputError

logger = logging.getLogger(__package__)  # one logger name for the whole engine

FINAL_JOB_STATUSES = frozenset({"COMPLETED", "COMPLETED_WITH_ERROR", "FAILED", "STOPPED"})

_SLOTS: dict[str, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _job_slots(key: str, size: int) -> threading.BoundedSemaphore:
    """One semaphore per account endpoint in this process: at most ``size`` running jobs."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(key, threading.BoundedSemaphore(size))


class BatchTranslator:
    """Translates through batch jobs, within this process's share of concurrent jobs."""

    def __init__(
        self,
        settings: AmazonSettings,
        aws: AwsClients,
        bucket: Bucket,
        resources: Resources,
        count: Callable[[Sequence[str]], None],
        sleep: Callable[[float], None],
    ) -> None:
        self.settings = settings
        self._aws = aws
        self._bucket = bucket
        self._resources = resources
        self._count = count
        self._sleep = sleep
        slot_key = f"{settings.region}|{settings.translate_endpoint_url or 'aws'}"
        self._slots = _job_slots(slot_key, settings.max_concurrent_jobs)

    def translate(self, texts: list[str], src: str, tgt: str) -> dict[str, Translation]:
        self._require_batch_settings()
        settings = self.settings
        terminology = self._resources.terminology(src, tgt)
        parallel_data = self._resources.parallel_data(src, tgt)
        run = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:8]}"
        docs = documents(texts, settings.document_max_bytes, settings.segments_per_document)
        for document in docs:
            self._bucket.put(
                self._bucket.key("jobs", run, "input", document.name),
                document.html().encode("utf-8"),
                "text/html; charset=utf-8",
            )
        request: dict[str, Any] = {
            "JobName": f"amts-{src}-{tgt}-{run}",
            "InputDataConfig": {
                "S3Uri": f"{self._bucket.uri(self._bucket.key('jobs', run, 'input'))}/",
                "ContentType": "text/html",
            },
            "OutputDataConfig": {
                "S3Uri": f"{self._bucket.uri(self._bucket.key('jobs', run, 'output'))}/"
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
        return self._collect(props, docs, texts, tgt, request)

    def _require_batch_settings(self) -> None:
        if not self.settings.bucket:
            raise InputError(f"batch translation needs an S3 bucket ({ENV_PREFIX}BUCKET)")
        if not self.settings.data_access_role_arn:
            raise InputError(f"batch translation needs a data access role ({ENV_PREFIX}ROLE_ARN)")

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
        backoff = Backoff(self.settings, self._sleep, deadline, factor=2)
        while True:
            try:
                response = self._aws.call_translate(
                    "StartTextTranslationJob", f"job {request['JobName']}", **request
                )
                return response["JobId"]
            except AmazonServiceError as exc:
                if exc.code != "LimitExceededException" or backoff.overdue():
                    raise
                logger.info(
                    "account at its batch job limit; retrying %s in %.1fs",
                    request["JobName"],
                    backoff.delay,
                )
                backoff.sleep()

    def _wait_for_job(self, job_id: str, name: str, deadline: float) -> dict[str, Any]:
        backoff = Backoff(self.settings, self._sleep, deadline)
        while True:
            response = self._aws.call_translate(
                "DescribeTextTranslationJob", f"job {job_id} ({name})", JobId=job_id
            )
            props = response["TextTranslationJobProperties"]
            status = props["JobStatus"]
            if status in FINAL_JOB_STATUSES:
                return props
            if backoff.overdue():
                raise EngineError(
                    f"batch job {job_id} ({name}) still {status} after "
                    f"{self.settings.job_timeout_seconds:g}s; it keeps running: stop it with "
                    f"'aws translate stop-text-translation-job --job-id {job_id}'"
                )
            backoff.sleep()

    def _collect(
        self,
        props: dict[str, Any],
        docs: list[Document],
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
        for document in docs:
            key = outputs.get(f"{tgt}.{document.name}")
            if key is None:
                why = f"job {job_id} returned no {tgt}.{document.name} ({status}: {message})"
                for index, _ in document.entries:
                    results[texts[index]] = Translation(None, "amazon:batch", note=why)
                continue
            body = self._bucket.read(key)
            results.update(restore_document(document, body, texts, job_id))
        ok = sum(result.ok for result in results.values())
        if status == "COMPLETED_WITH_ERROR":
            if not any(outputs.get(f"{tgt}.{d.name}") for d in docs):
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

        The service writes into ``<AccountId>-TranslateText-<JobId>/`` below the prefix,
        and its ``details/`` report next to the translations.
        """
        return {
            key.rsplit("/", 1)[-1]: key
            for key in self._bucket.keys_under(output_uri)
            if "/details/" not in key
        }
