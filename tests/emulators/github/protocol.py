"""What every endpoint shares of GitHub's REST conventions: errors, timestamps, pages, headers.

Kept in one place so that a resource module reads like GitHub's documentation of it:
errors are ``{"message", "documentation_url", "status"}`` with GitHub's status codes,
timestamps are ISO 8601 in UTC with a ``Z``, lists are paged with ``per_page``/``page``
and a ``Link`` header, and every answer carries the ``X-RateLimit-*`` headers.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

DOCS_URL = "https://docs.github.com/rest"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
RATE_LIMIT = 5000
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID "
    "{request_id}."
)


class ApiError(Exception):
    """An answer other than success, in GitHub's JSON error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status}: {message}")
        self.status, self.message = status, message
        self.errors = list(errors)
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.errors:
            body["errors"] = self.errors
        body["documentation_url"] = DOCS_URL
        body["status"] = str(self.status)
        return body


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def bad_credentials() -> ApiError:
    return ApiError(401, "Bad credentials")


def validation_failed(resource: str, field: str, code: str, message: str = "") -> ApiError:
    """GitHub's 422, with one entry in ``errors`` (``code`` ``custom`` carries a message)."""
    error: dict[str, Any] = {"resource": resource, "field": field, "code": code}
    if message:
        error["message"] = message
    return ApiError(422, "Validation Failed", errors=[error])


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(moment: dt.datetime | None) -> str | None:
    """A timestamp as GitHub writes it: ``2011-01-26T19:01:12Z``."""
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def request_id() -> str:
    return uuid.uuid4().hex[:8].upper() + ":" + uuid.uuid4().hex[:12].upper()


def rate_limit_headers(used: int, *, reset: dt.datetime | None = None) -> dict[str, str]:
    """The primary rate limit headers GitHub sends with every REST answer."""
    reset = reset or now() + dt.timedelta(hours=1)
    return {
        "X-RateLimit-Limit": str(RATE_LIMIT),
        "X-RateLimit-Remaining": str(max(RATE_LIMIT - used, 0)),
        "X-RateLimit-Reset": str(int(reset.timestamp())),
        "X-RateLimit-Used": str(min(used, RATE_LIMIT)),
        "X-RateLimit-Resource": "core",
    }


def paginate(
    items: Sequence[Any], url: str, query: Mapping[str, str]
) -> tuple[list[Any], dict[str, str]]:
    """One page of ``items`` as ``per_page``/``page`` ask, and the ``Link`` header for the rest."""
    try:
        per_page = min(max(int(query.get("per_page", 30)), 1), 100)
        page = max(int(query.get("page", 1)), 1)
    except ValueError as exc:
        raise ApiError(400, "Invalid page parameters") from exc
    last = max(math.ceil(len(items) / per_page), 1)
    chosen = list(items[(page - 1) * per_page : page * per_page])

    def link(number: int, rel: str) -> str:
        params = {**query, "per_page": str(per_page), "page": str(number)}
        return f'<{url}?{urlencode(params)}>; rel="{rel}"'

    links = []
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links += [link(1, "first"), link(page - 1, "prev")]
    return chosen, ({"Link": ", ".join(links)} if links else {})
