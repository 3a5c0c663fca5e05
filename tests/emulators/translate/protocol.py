"""What the emulated operations share of the service's API: errors, timestamps, tokens, URIs.

These are the conventions of the Amazon Translate JSON API that every operation of the
emulator follows the same way, kept in one place so that an operation reads as the
service's documentation does: errors in the service's shape, epoch-second timestamps,
``ClientToken`` idempotency and ``s3://`` URIs.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from typing import Any

TARGET_PREFIX = "AWSShineFrontendService_20170701"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


class ServiceError(Exception):
    """An error the emulator answers in the service's shape (``__type`` + ``Message``)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


def not_found(name: str) -> ServiceError:
    """The service's answer for a terminology or parallel data name it does not know."""
    return ServiceError("ResourceNotFoundException", f"The resource {name} could not be found.")


def now() -> float:
    """A timestamp as the service reports it: epoch seconds, to the millisecond."""
    return round(time.time(), 3)


def split_s3_uri(uri: str) -> tuple[str, str]:
    match = re.fullmatch(r"s3://([^/]+)/?(.*)", uri)
    if not match:
        raise ServiceError("InvalidParameterValueException", f"not an S3 URI: {uri!r}")
    return match[1], match[2]


Handler = Callable[[Any, dict[str, Any]], dict[str, Any]]  # an operation method


def idempotent(operation: str) -> Callable[[Handler], Handler]:
    """Answer a repeated ``ClientToken`` of ``operation`` with the first answer, unchanged.

    botocore fills in a fresh token for every call but resends it when it retries, so
    a retried create or start must not make a second resource or job. The answers are
    kept in the emulator's ``_tokens``.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def run(self: Any, params: dict[str, Any]) -> dict[str, Any]:
            replay = self._tokens.get((operation, params.get("ClientToken", "")))
            if replay is not None:
                return replay
            body = handler(self, params)
            self._tokens[(operation, params["ClientToken"])] = body
            return body

        return run

    return decorate
