"""The one boundary between AMTS and AWS: the boto3 clients and the errors that leave them.

Every botocore error crosses into AMTS in :meth:`AwsClients.call_translate` or
:meth:`AwsClients.call_s3`, as an :class:`AmazonServiceError` naming the operation and
the resource (never credentials), so no other module of the engine handles botocore's
exceptions. Throttling is retried by botocore's standard retry mode (exponential
backoff, jitter) before an error gets here.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from amts.engines.amazon.settings import AmazonSettings
from amts.errors import EngineError


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


class AwsClients:
    """The Amazon Translate and S3 clients of one engine, with botocore's standard retries."""

    def __init__(self, settings: AmazonSettings, session: boto3.Session | None = None) -> None:
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

    def call_translate(self, operation: str, resource: str, **params: Any) -> dict[str, Any]:
        """Call an Amazon Translate ``operation`` (``"TranslateText"``) about ``resource``."""
        return _call(self._translate, "Amazon Translate", operation, resource, params)

    def call_s3(self, operation: str, resource: str, **params: Any) -> dict[str, Any]:
        """Call an S3 ``operation`` (``"PutObject"``) about ``resource``."""
        return _call(self._s3, "S3", operation, resource, params)

    def close(self) -> None:
        """Close the HTTP connection pools of both clients."""
        self._translate.close()
        self._s3.close()


def _call(
    client: Any, service: str, operation: str, resource: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Call ``operation``; botocore errors leave here as :class:`AmazonServiceError`."""
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
        code = type(exc).__name__
        raise AmazonServiceError(service, operation, resource, code, str(exc)) from exc
