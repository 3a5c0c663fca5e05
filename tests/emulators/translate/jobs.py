"""Batch translation jobs: StartTextTranslationJob, DescribeTextTranslationJob, and their run.

Jobs read their input documents from S3 and write ``<target>.<document>`` outputs and
a ``details/`` report below ``<output>/<AccountId>-TranslateText-<JobId>/``, as the
service does. Two differences, on purpose: a job advances one stage per
``DescribeTextTranslationJob`` call (``job_polls``) instead of by wall-clock time, and
a job started while ``max_concurrent_jobs`` are running is refused with
``LimitExceededException`` (the real service would queue it) so that the engine's own
limit is tested.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .protocol import ServiceError, idempotent, now, split_s3_uri
from .pseudo import Rules, translate_html, translate_plain

RUNNING = ("SUBMITTED", "IN_PROGRESS")
FINAL = ("COMPLETED", "COMPLETED_WITH_ERROR", "FAILED", "STOPPED")


@dataclass
class Job:
    job_id: str
    request: dict[str, Any]
    status: str
    submitted: float
    memory: dict[str, str]
    terms: dict[str, str]
    polls: int = 0
    end: float | None = None
    message: str = ""
    output_uri: str = ""
    details: dict[str, int] = field(default_factory=dict)
    fate: tuple[str, str, int] | None = None  # status, message, documents to fail

    def properties(self) -> dict[str, Any]:
        req = self.request
        props: dict[str, Any] = {
            "JobId": self.job_id,
            "JobStatus": self.status,
            "JobDetails": self.details,
            "SourceLanguageCode": req["SourceLanguageCode"],
            "TargetLanguageCodes": req["TargetLanguageCodes"],
            "TerminologyNames": req.get("TerminologyNames", []),
            "ParallelDataNames": req.get("ParallelDataNames", []),
            "SubmittedTime": self.submitted,
            "InputDataConfig": req["InputDataConfig"],
            "OutputDataConfig": {**req["OutputDataConfig"], "S3Uri": self.output_uri},
            "DataAccessRoleArn": req["DataAccessRoleArn"],
        }
        if "JobName" in req:
            props["JobName"] = req["JobName"]
        if self.message:
            props["Message"] = self.message
        if self.end is not None:
            props["EndTime"] = self.end
        return props


class JobOperations:
    """The batch job operations of :class:`~.state.TranslateEmulator`, which holds the state.

    Terms and parallel data come from the emulator's terminology and parallel data
    operations (``_terms``, ``_memory``); fates and corruption from its test controls.
    """

    account_id: str
    job_polls: tuple[int, int]
    max_concurrent_jobs: int
    max_running_jobs_seen: int
    hold: bool
    _jobs: dict[str, Job]
    _fates: list[tuple[str, str, int]]
    _corrupt: list[str]
    _tokens: dict[tuple[str, str], Any]
    _lock: threading.RLock
    _s3: Any

    def running_jobs(self) -> int:
        with self._lock:
            return sum(job.status in RUNNING for job in self._jobs.values())

    @idempotent("StartTextTranslationJob")
    def _start_job(self, params: dict[str, Any]) -> dict[str, Any]:
        if not re.fullmatch(
            r"arn:aws(-[^:]+)?:iam::[0-9]{12}:role/.+", params["DataAccessRoleArn"]
        ):
            raise ServiceError(
                "InvalidParameterValueException", "DataAccessRoleArn is not a role ARN"
            )
        content_type = params["InputDataConfig"]["ContentType"]
        if content_type not in ("text/html", "text/plain"):
            raise ServiceError("InvalidRequestException", f"unsupported ContentType {content_type}")
        source, targets = params["SourceLanguageCode"], params["TargetLanguageCodes"]
        terms = self._terms(params.get("TerminologyNames", []), source, targets[0])
        memory = self._memory(params.get("ParallelDataNames", []), targets[0])
        if self.running_jobs() >= self.max_concurrent_jobs:
            raise ServiceError(
                "LimitExceededException",
                f"You have reached the maximum of {self.max_concurrent_jobs} concurrent "
                "batch translation jobs.",
            )
        job_id = uuid.uuid4().hex
        job = Job(
            job_id=job_id,
            request=params,
            status="SUBMITTED",
            submitted=now(),
            memory=memory,
            terms=terms,
            output_uri=(
                f"{params['OutputDataConfig']['S3Uri'].rstrip('/')}/"
                f"{self.account_id}-TranslateText-{job_id}/"
            ),
            fate=self._fates.pop(0) if self._fates else None,
        )
        self._jobs[job_id] = job
        self.max_running_jobs_seen = max(self.max_running_jobs_seen, self.running_jobs())
        return {"JobId": job_id, "JobStatus": "SUBMITTED"}

    def _describe_job(self, params: dict[str, Any]) -> dict[str, Any]:
        job = self._jobs.get(params["JobId"])
        if job is None:
            raise ServiceError("ResourceNotFoundException", f"job {params['JobId']} not found")
        if job.status in RUNNING:
            job.polls += 1
            submitted, in_progress = self.job_polls
            if job.polls > submitted + in_progress and not self.hold:
                self._complete(job)
            elif job.polls > submitted:
                job.status = "IN_PROGRESS"
        return {"TextTranslationJobProperties": job.properties()}

    def _list_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("Filter", {})
        jobs = [
            job.properties()
            for job in self._jobs.values()
            if wanted.get("JobStatus") in (None, job.status)
            and wanted.get("JobName") in (None, job.request.get("JobName"))
        ]
        return {"TextTranslationJobPropertiesList": jobs}

    def _complete(self, job: Job) -> None:
        """Translate the job's documents from S3 to S3, as the service does when it runs."""
        job.end = now()
        status, message, failing = job.fate or ("COMPLETED", "", 0)
        keys = list(self._input_keys(job))
        job.details = {
            "InputDocumentsCount": len(keys),
            "TranslatedDocumentsCount": 0,
            "DocumentsWithErrorsCount": 0,
        }
        if status == "FAILED" or not keys:
            job.status = "FAILED"
            job.message = message or "No input documents found at the input S3 location"
            return
        failed = set(keys[len(keys) - failing :]) if status == "COMPLETED_WITH_ERROR" else set()
        written = [self._translate_document(job, key) for key in keys if key not in failed]
        self._write_details(job, written)
        job.details["TranslatedDocumentsCount"] = len(written)
        job.details["DocumentsWithErrorsCount"] = len(failed)
        job.status = "COMPLETED_WITH_ERROR" if failed else "COMPLETED"
        job.message = message if failed else ""

    def _input_keys(self, job: Job) -> Iterator[str]:
        bucket, prefix = split_s3_uri(job.request["InputDataConfig"]["S3Uri"])
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                if not item["Key"].endswith("/"):
                    yield item["Key"]

    def _translate_document(self, job: Job, key: str) -> tuple[str, str]:
        request = job.request
        bucket, prefix = split_s3_uri(request["InputDataConfig"]["S3Uri"])
        document = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        target = request["TargetLanguageCodes"][0]
        rules = Rules(target, terms=job.terms, memory=job.memory, corrupt=self._corrupt)
        if request["InputDataConfig"]["ContentType"] == "text/html":
            translated = translate_html(document, rules)
        else:
            translated = translate_plain(document, rules)
        name = key[len(prefix) :].lstrip("/")
        out_bucket, out_prefix = split_s3_uri(job.output_uri)
        self._s3.put_object(
            Bucket=out_bucket,
            Key=f"{out_prefix}{target}.{name}",
            Body=translated.encode("utf-8"),
            ContentType=request["InputDataConfig"]["ContentType"],
        )
        return name, f"{target}.{name}"

    def _write_details(self, job: Job, written: list[tuple[str, str]]) -> None:
        target = job.request["TargetLanguageCodes"][0]
        out_bucket, out_prefix = split_s3_uri(job.output_uri)
        details = {
            "sourceLanguageCode": job.request["SourceLanguageCode"],
            "targetLanguageCode": target,
            "documentCountWithCustomerError": str(
                job.details["InputDocumentsCount"] - len(written)
            ),
            "documentCountWithServerError": "0",
            "inputDataPrefix": job.request["InputDataConfig"]["S3Uri"],
            "outputDataPrefix": job.output_uri,
            "details": [{"sourceFile": s, "targetFile": t} for s, t in written],
        }
        self._s3.put_object(
            Bucket=out_bucket,
            Key=f"{out_prefix}details/{target}.auxiliary-translation-details.json",
            Body=json.dumps(details).encode("utf-8"),
        )
