"""Where and how AMTS calls Amazon Translate: the settings, checked once, and their variables.

Everything the other modules of the engine need to know about the account, the bucket,
the custom resources and the pacing of polls is here, validated when the settings are
made, so that a wrong value fails before any AWS call and never half-way through a job.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amts.align.glossary import Glossary
from amts.errors import InputError

ENV_PREFIX = "AMTS_AWS_"
MAX_CONCURRENT_JOBS = 10  # batch jobs an account may run at once
PARALLEL_DATA_FORMATS = {".tsv": "TSV", ".csv": "CSV", ".tmx": "TMX"}
_RESOURCE_NAME = re.compile(r"^([A-Za-z0-9-]_?)+$")


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
            if self.parallel_data_path.suffix.lower() not in PARALLEL_DATA_FORMATS:
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
            return env.get(ENV_PREFIX + name) or None

        def required(name: str, why: str) -> str:
            value = get(name)
            if value is None:
                raise InputError(f"{ENV_PREFIX}{name} is not set: {why}")
            return value

        def number(name: str, kind: type[int] | type[float]) -> dict[str, Any]:
            value = get(name)
            if value is None:
                return {}
            try:
                return {name.lower(): kind(value)}
            except ValueError:
                raise InputError(f"{ENV_PREFIX}{name}={value!r} is not a {kind.__name__}") from None

        region = get("REGION") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        if not region:
            raise InputError(f"{ENV_PREFIX}REGION is not set: the AWS region of Amazon Translate")
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
